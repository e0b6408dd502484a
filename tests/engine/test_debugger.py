"""The step debugger driving real conversations: real V8, code actions fetching from the sample backend."""

import asyncio
import time

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.debugger import Debugger

QUOTE_FLOW = """
start: quote
variables: {api_base: BASE}
states:
  quote:
    code: |
      const b = ChatlayerResponseBuilder();
      const response = await fetch(`${args.base}/price?to=${args.to}`);
      const route = await response.json();
      const price = route.distance_km * 0.2;
      b.addSessionVariable('price', price);
      b.addMessage(`That is ${price} euro`);
      b.send();
    args: {base: {var: api_base}, to: Brussels}
    next: done
  done: {say: Bye}
"""

STEPS_FLOW = """
start: steps
variables: {api_base: BASE}
states:
  steps:
    code: |
      const seen = [];
      async function load(city) {
        const r = await fetch(`${args.base}/price?to=${city}`);
        return r.status;
      }
      for (const city of ['Brussels', 'Nowhere']) {
        seen.push(await load(city));
      }
      const doubled = seen.map((s) => s * 2);
      try {
        JSON.parse('{');
      } catch (err) {
        seen.push(err.name);
      }
      ChatlayerResponseBuilder().addSessionVariable('seen', seen).addSessionVariable('doubled', doubled).send();
    args: {base: {var: api_base}}
    next: done
  done: {say: Bye}
"""

FAILING_FLOW = """
start: fail
states:
  fail:
    code: |
      const a = 1;
      console.log('about to fail');
      const q = null;
      q.x = a;
      ChatlayerResponseBuilder().addSessionVariable('never', true).send();
    on_error: sorry
    next: done
  sorry: {say: That went wrong}
  done: {say: Bye}
"""

SLOW_FLOW = """
start: slow
states:
  slow:
    code: |
      const r = await fetch('BASE/slow?seconds=0.3');
      ChatlayerResponseBuilder().addSessionVariable('status', r.status).send();
"""


class Debugged:
    """A conversation with a debugger, started in a task, and the pauses it emits."""

    def __init__(self, flow, **debugger_options):
        self.debugger = Debugger(**debugger_options)
        self.conversation = Conversation(flow, debugger=self.debugger)
        self.pauses: asyncio.Queue[ev.Paused] = asyncio.Queue()
        self.conversation.subscribe(lambda e: self.pauses.put_nowait(e) if isinstance(e, ev.Paused) else None)
        self.turn: asyncio.Task | None = None

    def start(self) -> None:
        """Start the conversation in a task: the turn may pause."""
        self.turn = asyncio.get_running_loop().create_task(self.conversation.start())

    async def pause(self) -> ev.Paused:
        return await asyncio.wait_for(self.pauses.get(), 10)

    async def finish(self) -> None:
        await asyncio.wait_for(self.turn, 10)
        assert self.pauses.empty(), "the turn paused again"

    async def continue_to_end(self) -> None:
        """Continue from a pause and wait for the turn to end without pausing again."""
        self.debugger.continue_()
        await self.finish()

    def where(self, paused: ev.Paused) -> tuple:
        return (paused.where, paused.state, paused.line)


def of(kind, events):
    return [e for e in events if isinstance(e, kind)]


def with_backend(flow_from, text, base_url):
    return flow_from(text.replace("BASE", base_url))


@pytest.fixture
def quote_flow(flow_from, sample_backend):
    """QUOTE_FLOW fetching from the sample backend."""
    return with_backend(flow_from, QUOTE_FLOW, sample_backend)


def test_a_docs_style_code_action_steps_line_by_line_with_its_locals(quote_flow, sample_backend):
    async def scenario():
        s = Debugged(quote_flow)
        s.debugger.add_breakpoint("quote")
        s.start()
        at_state = await s.pause()
        assert s.where(at_state) == ("state", "quote", None)
        assert at_state.breakpoint and at_state.variables["api_base"] == sample_backend

        s.debugger.step_into()
        seen = [await s.pause()]
        for _ in range(6):
            s.debugger.step_over()
            seen.append(await s.pause())
        assert [p.line for p in seen] == [1, 2, 3, 4, 5, 6, 7]
        assert {p.where for p in seen} == {"statement"}
        assert seen[0].locals == {}
        assert seen[0].args == {"base": sample_backend, "to": "Brussels"}
        assert seen[1].locals == {"b": "ChatlayerResponseBuilder"}
        response = seen[2].locals["response"]
        assert (response["ok"], response["status"], response["json"]) == (True, 200, "function json()")
        assert seen[2].fetches == (
            {
                "method": "GET",
                "url": f"{sample_backend}/price?to=Brussels",
                "status": 200,
                "request_body": None,
                "response_body": '{"to": "Brussels", "distance_km": 50}',
                "error": None,
            },
        )
        assert seen[3].locals["route"] == {"to": "Brussels", "distance_km": 50}
        assert seen[4].locals["price"] == 10
        assert seen[4].builder == {"variables": {}, "messages": [], "next_state": None}
        assert seen[5].builder["variables"] == {"price": 10}
        assert seen[6].builder["messages"] == [{"type": "text", "text": "That is 10 euro"}]
        assert "price" not in seen[6].variables  # nothing applies before the action finished

        s.debugger.step_over()  # off the action's last statement: to the next state
        assert s.where(await s.pause()) == ("state", "done", None)
        await s.continue_to_end()
        await s.conversation.aclose()
        return s.conversation

    conversation = asyncio.run(scenario())
    assert conversation.session.get("price") == 10
    assert [m.text for m in of(ev.BotMessage, conversation.events)] == ["That is 10 euro", "Bye"]
    commands = [r.command for r in of(ev.Resumed, conversation.events)]
    assert commands == ["step_into", *["step_over"] * 7, "continue"]


def test_step_into_a_function_step_out_of_it_and_breakpoints_in_loops(flow_from, sample_backend):
    flow = with_backend(flow_from, STEPS_FLOW, sample_backend)

    async def scenario():
        s = Debugged(flow)
        s.debugger.add_breakpoint("steps", 7)
        s.start()
        first = await s.pause()
        assert (first.line, first.locals["city"], first.locals["seen"]) == (7, "Brussels", [])

        s.debugger.step_into()
        inside = await s.pause()
        assert (inside.line, inside.function) == (3, "load")
        assert inside.locals["city"] == "Brussels"  # the parameter
        assert inside.locals["seen"] == []  # and the closure's outer variable

        s.debugger.step_over()
        returning = await s.pause()
        assert (returning.line, returning.locals["r"]["status"]) == (4, 200)

        s.debugger.step_out()
        again = await s.pause()  # back in the loop's next round, at the breakpoint line
        assert (again.line, again.function, again.locals["city"], again.locals["seen"]) == (7, "", "Nowhere", [200])

        s.debugger.remove_breakpoint("steps", 7)
        s.debugger.add_breakpoint("steps", 13)
        s.debugger.continue_()
        caught = await s.pause()  # in the catch block, with the caught error
        assert caught.line == 13 and caught.locals["err"].startswith("SyntaxError: ")
        assert caught.locals["doubled"] == [400, 808]
        await s.continue_to_end()
        await s.conversation.aclose()
        return s.conversation

    conversation = asyncio.run(scenario())
    assert conversation.session.get("seen") == [200, 404, "SyntaxError"]
    assert conversation.session.get("doubled") == [400, 808]


def test_an_uncaught_error_pauses_at_its_line_with_the_error_and_the_locals(flow_from):
    async def scenario():
        s = Debugged(flow_from(FAILING_FLOW))
        s.start()
        paused = await s.pause()
        assert (paused.where, paused.state, paused.line) == ("exception", "fail", 4)
        assert paused.error == "TypeError: Cannot set properties of null (setting 'x')"
        assert paused.locals == {"a": 1, "q": None}
        assert paused.console == (("log", "about to fail"),)
        await s.continue_to_end()
        return s.conversation

    conversation = asyncio.run(scenario())
    assert [m.text for m in of(ev.BotMessage, conversation.events)] == ["That went wrong"]
    assert "line 4 of the code" in of(ev.EngineError, conversation.events)[0].message


def test_without_pause_on_errors_an_error_fails_the_action_without_stopping(flow_from):
    async def scenario():
        s = Debugged(flow_from(FAILING_FLOW), pause_on_errors=False)
        s.start()
        await s.finish()
        return s.conversation

    conversation = asyncio.run(scenario())
    assert not of(ev.Paused, conversation.events)
    assert [m.text for m in of(ev.BotMessage, conversation.events)] == ["That went wrong"]


def test_stop_ends_the_turn_and_the_interrupted_action_changes_nothing(quote_flow):
    async def scenario():
        s = Debugged(quote_flow)
        s.debugger.add_breakpoint("quote", 6)
        s.start()
        paused = await s.pause()
        assert paused.builder["variables"] == {"price": 10}
        s.debugger.stop()
        await s.finish()
        after_stop = list(s.conversation.events)
        s.debugger.clear_breakpoints()
        await s.conversation.start()  # the conversation goes on, with a fresh JavaScript context
        await s.conversation.aclose()
        return after_stop, s.conversation

    after_stop, conversation = asyncio.run(scenario())
    assert of(ev.Resumed, after_stop)[-1].command == "stop"
    assert isinstance(after_stop[-1], ev.TurnFinished)
    assert not of(ev.VariableChanged, after_stop) and not of(ev.BotMessage, after_stop)
    assert not of(ev.EngineError, after_stop)
    assert conversation.session.get("price") == 10


def test_stop_while_the_code_awaits_a_fetch_stops_at_its_next_statement(flow_from, held_server):
    async def scenario():
        s = Debugged(with_backend(flow_from, SLOW_FLOW, held_server.url))
        s.start()
        await held_server.wait_arrived()
        assert not s.debugger.stop()  # nothing was paused: the turn stops at its next gate
        held_server.release()
        await s.finish()
        return s.conversation

    conversation = asyncio.run(scenario())
    assert conversation.session.get("status") is None
    assert [r.command for r in of(ev.Resumed, conversation.events)] == ["stop"]


def test_pause_while_the_code_awaits_a_fetch_stops_at_the_next_statement(flow_from, held_server):
    async def scenario():
        s = Debugged(with_backend(flow_from, SLOW_FLOW, held_server.url))
        s.start()
        await held_server.wait_arrived()
        s.debugger.pause()
        held_server.release()
        paused = await s.pause()
        assert (paused.where, paused.line, paused.locals["r"]["status"]) == ("statement", 2, 200)
        await s.continue_to_end()
        return s.conversation

    assert asyncio.run(scenario()).session.get("status") == 200


def test_time_spent_paused_does_not_count_against_the_code_timeout(flow_from, sample_backend):
    flow = flow_from(
        f"""
        start: quick
        states:
          quick:
            code: |
              const a = 1;
              const r = await fetch('{sample_backend}/slow?seconds=0.1');
              ChatlayerResponseBuilder().addSessionVariable('status', r.status).send();
            timeout: 1.5
        """
    )

    async def scenario():
        s = Debugged(flow)
        s.debugger.add_breakpoint("quick", 2)
        s.start()
        await s.pause()
        await asyncio.sleep(1.6)  # paused for longer than the code may take (the point of this test)
        await s.continue_to_end()
        return s.conversation

    conversation = asyncio.run(scenario())
    assert not of(ev.EngineError, conversation.events)
    assert conversation.session.get("status") == 200


def test_a_breakpoint_inside_a_synchronous_callback_is_not_steppable(flow_from):
    flow = flow_from(
        """
        start: double
        states:
          double:
            code: |
              const xs = [1, 2].map((x) => {
                const y = x * 2;
                return y;
              });
              ChatlayerResponseBuilder().addSessionVariable('xs', xs).send();
        """
    )

    async def scenario():
        s = Debugged(flow)
        s.debugger.add_breakpoint("double", 2)
        s.debugger.add_breakpoint("double", 5)
        s.start()
        paused = await s.pause()  # not at line 2: the callback cannot wait for the debugger
        await s.continue_to_end()
        return paused, s.conversation

    paused, conversation = asyncio.run(scenario())
    assert (paused.line, paused.locals) == (5, {"xs": [2, 4]})
    assert conversation.session.get("xs") == [2, 4]


def test_closing_while_paused_stops_the_turn_and_leaves_no_task_behind(quote_flow):
    async def scenario():
        s = Debugged(quote_flow)
        s.debugger.add_breakpoint("quote", 3)
        s.start()
        await s.pause()
        await s.conversation.aclose()
        await asyncio.wait_for(s.turn, 5)
        await asyncio.sleep(0)
        return asyncio.all_tasks() - {asyncio.current_task()}, s.conversation

    left, conversation = asyncio.run(scenario())
    assert left == set()
    assert of(ev.Resumed, conversation.events)[-1].command == "stop"
    assert not conversation.ports.sandbox.holds_realm(conversation.id)  # its V8 realm is released


def test_restarting_while_paused_starts_over(quote_flow):
    async def scenario():
        s = Debugged(quote_flow)
        s.debugger.add_breakpoint("quote", 3)
        s.start()
        await s.pause()
        s.debugger.clear_breakpoints()
        await asyncio.wait_for(s.conversation.restart(), 5)
        await asyncio.wait_for(s.turn, 5)
        await s.conversation.aclose()
        return s.conversation

    conversation = asyncio.run(scenario())
    assert conversation.session.get("price") == 10
    assert of(ev.TurnStarted, conversation.events)[0].input == "restart"


def test_a_disabled_debugger_runs_the_code_plainly(flow_from):
    async def scenario():
        s = Debugged(flow_from(FAILING_FLOW), enabled=False)
        s.debugger.add_breakpoint("fail")
        s.debugger.add_breakpoint("fail", 1)
        s.start()
        await s.finish()
        return s.conversation

    conversation = asyncio.run(scenario())
    assert not of(ev.Paused, conversation.events)


def test_code_variables_carry_the_line_that_set_them_in_debug_mode(quote_flow):
    async def scenario(debugger):
        async with Conversation(quote_flow, debugger=debugger) as conversation:
            await conversation.start()
        return next(e for e in conversation.events if isinstance(e, ev.VariableChanged) and e.name == "price")

    assert asyncio.run(scenario(Debugger())).line == 5
    assert asyncio.run(scenario(None)).line is None


def test_the_loop_stays_responsive_while_paused(quote_flow):
    async def scenario():
        s = Debugged(quote_flow)
        s.debugger.add_breakpoint("quote", 2)
        s.start()
        await s.pause()
        began = time.perf_counter()
        for _ in range(100):
            await asyncio.sleep(0)
        spun = time.perf_counter() - began
        await s.continue_to_end()
        await s.conversation.aclose()
        return spun

    assert asyncio.run(scenario()) < 0.1


@pytest.mark.parametrize("command", ["step_over", "step_into", "step_out"])
def test_step_commands_do_nothing_unless_paused(command):
    debugger = Debugger()
    getattr(debugger, command)()
    assert not debugger.is_paused and debugger.paused is None


def test_pause_before_a_turn_stops_at_its_first_state_and_stepping_walks_state_by_state(quote_flow):
    async def scenario():
        s = Debugged(quote_flow)
        s.debugger.pause()
        s.start()
        first = await s.pause()
        s.debugger.step_into()
        into_code = await s.pause()
        s.debugger.step_out()  # out of the action's body: to the next state
        next_state = await s.pause()
        s.debugger.step_into()  # a say state has no code: the next gate is the end of the turn
        await s.finish()
        await s.conversation.aclose()
        return [s.where(p) for p in (first, into_code, next_state)]

    assert asyncio.run(scenario()) == [("state", "quote", None), ("statement", "quote", 1), ("state", "done", None)]


def test_stop_between_turns_only_ends_stepping(quote_flow):
    async def scenario():
        s = Debugged(quote_flow)
        s.debugger.pause()
        assert not s.debugger.stop()
        await s.conversation.start()
        await s.conversation.aclose()
        return s.conversation

    conversation = asyncio.run(scenario())
    assert not of(ev.Paused, conversation.events) and not of(ev.Resumed, conversation.events)
    assert conversation.session.get("price") == 10
