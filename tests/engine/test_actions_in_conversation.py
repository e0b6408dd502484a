"""The six actions inside a running conversation, against real servers on 127.0.0.1 and real V8."""

import asyncio
import json
from pathlib import Path

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation

ROOT = Path(__file__).resolve().parents[2]
SEED_PAGE = (ROOT / "flows" / "train_ticket" / "send_message.html").read_text()


@pytest.fixture(scope="module")
def backend(sample_backend: str) -> str:
    """The sample backend's URL."""
    return sample_backend


def of(kind, events):
    return [e for e in events if isinstance(e, kind)]


def texts(events):
    return [e.text for e in of(ev.BotMessage, events)]


async def drive(flow, *steps, variables=None):
    """Start, then run each step: a string is typed text; a callable gets the conversation."""
    async with Conversation(flow, variables=variables) as conversation:
        await conversation.start()
        for step in steps:
            if callable(step):
                await step(conversation)
            else:
                await conversation.send_text(step)
    return conversation


# --- iframe ---

IFRAME_FLOW = """
start: page
nlu: {intents: {clicked: [You clicked the button]}}
states:
  page: {iframe: {url: "send_message.html?who={name}", height: 120}}
  clicked: {intent: clicked, say: I saw your click}
  elsewhere: {say: Elsewhere}
"""


def test_an_iframe_opens_a_page_relative_to_the_flow_file_and_waits(flow_from, tmp_path):
    flow = flow_from(IFRAME_FLOW)
    conversation = asyncio.run(drive(flow, variables={"name": "Ann"}))
    opened = of(ev.IframeOpened, conversation.events)[0]
    assert opened.url == (Path.cwd() / "send_message.html").as_uri() + "?who=Ann"
    assert opened.height == 120
    assert conversation.session.waiting == "page"


def test_the_seed_pages_verbatim_message_is_handled_as_if_the_user_typed_it(flow_from):
    # exactly what the seed page's button posts: a JSON string
    posted = "JSON.stringify({target:'CL_API',type:'SEND_MESSAGE', payload:{text: 'You clicked the button'} })"
    assert posted.replace(" ", "") in SEED_PAGE.replace(" ", "")
    data = json.dumps({"target": "CL_API", "type": "SEND_MESSAGE", "payload": {"text": "You clicked the button"}})

    async def click(conversation):
        await conversation.post_message(data, origin="file://")

    conversation = asyncio.run(drive(flow_from(IFRAME_FLOW), click))
    user = of(ev.UserMessage, conversation.events)
    assert (user[-1].text, user[-1].via) == ("You clicked the button", "iframe")
    assert texts(conversation.events)[-1] == "I saw your click"


def test_update_session_merges_nested_objects_and_go_to_dialogstate_jumps(flow_from):
    async def post(conversation):
        update = {"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"user": {"seat": "12A"}, "n": 2}}
        await conversation.post_message(update)
        await conversation.post_message(
            {"target": "CL_API", "type": "GO_TO_DIALOGSTATE", "payload": {"dialogStateId": "elsewhere"}}
        )

    conversation = asyncio.run(drive(flow_from(IFRAME_FLOW), post, variables={"user": {"name": "Ann"}}))
    assert conversation.session.get("user") == {"name": "Ann", "seat": "12A"}
    assert conversation.session.get("n") == 2
    entered = of(ev.StateEntered, conversation.events)[-1]
    assert (entered.state, entered.reason) == ("elsewhere", "iframe")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "expected an object, got a list"),
        ({"target": "OTHER", "type": "SEND_MESSAGE", "payload": {"text": "x"}}, "target is 'OTHER'"),
        ({"type": "SEND_MESSAGE", "payload": {"text": "x"}}, "target is missing"),
        ({"target": "CL_API", "type": "DELETE_ALL", "payload": {}}, "unknown type 'DELETE_ALL'"),
        ({"target": "CL_API", "type": "SEND_MESSAGE", "payload": "hi"}, "payload must be an object"),
        ({"target": "CL_API", "type": "SEND_MESSAGE", "payload": {"text": ""}}, "non-empty string"),
        ({"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"internal": {"channel": "x"}}}, "read-only"),
        ({"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"internal.channel": "x"}}, "read-only"),
        ({"target": "CL_API", "type": "GO_TO_DIALOGSTATE", "payload": {"dialogstate": "nowhere"}}, "no dialog state"),
        ({"target": "CL_API", "type": "GO_TO_DIALOGSTATE", "payload": {}}, "needs one of"),
        ({"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"blob": "x" * 70_000}}, "larger than 64 KB"),
    ],
)
def test_a_hostile_or_malformed_message_is_rejected_and_changes_nothing(flow_from, data, reason):
    flow = flow_from(IFRAME_FLOW)

    async def post(conversation):
        before = (conversation.session.snapshot(), len(conversation.events))
        await conversation.post_message(data, origin="https://evil.example")
        return before

    async def scenario():
        async with Conversation(flow) as conversation:
            await conversation.start()
            snapshot, count = await post(conversation)
            return conversation, snapshot, count

    conversation, snapshot, count = asyncio.run(scenario())
    new = conversation.events[count:]
    assert len(new) == 1 and isinstance(new[0], ev.IframeMessageRejected)
    assert reason in new[0].reason
    assert new[0].origin == "https://evil.example"
    assert conversation.session.snapshot() == snapshot


# --- JSON Builder and Clear Session ---


def test_json_builder_renders_its_value_and_runs_on(flow_from):
    flow = flow_from(
        """
        start: notify
        variables: {ticket: T-1}
        states:
          notify:
            json: {event: booked, ticket: "{ticket}", seats: [{var: seat}], meta: {count: "{n|increment}"}}
            next: done
          done: {say: Done}
        """
    )
    conversation = asyncio.run(drive(flow, variables={"seat": "12A"}))
    message = of(ev.JsonMessage, conversation.events)[0]
    assert message.payload == {"event": "booked", "ticket": "T-1", "seats": ["12A"], "meta": {"count": 1}}
    assert texts(conversation.events) == ["Done"]


CLEAR = """
start: clear
variables: {currency: EUR, count: 0}
states:
  clear: {clear_session: CLEARING, next: done}
  done: {say: "{currency} {count} {name} {seat}"}
"""


@pytest.mark.parametrize(
    ("spec", "removed", "left"),
    [
        ("all", {"name", "seat"}, {"currency": "EUR", "count": 0, "locale": "en"}),
        ("[seat, count]", {"seat"}, {"currency": "USD", "count": 0, "name": "Ann", "locale": "en"}),
        ("{keep: [name]}", {"seat"}, {"currency": "EUR", "count": 0, "name": "Ann", "locale": "en"}),
    ],
)
def test_clear_session_removes_variables_and_restores_the_flows_defaults(flow_from, spec, removed, left):
    flow = flow_from(CLEAR.replace("CLEARING", spec))
    persona = {"name": "Ann", "seat": "12A", "count": 5, "currency": "USD"}
    conversation = asyncio.run(drive(flow, variables=persona))
    cleared = of(ev.SessionCleared, conversation.events)
    assert len(cleared) == 1 and set(cleared[0].removed) == removed
    assert dict(conversation.session.variables) == left
    assert conversation.session.get("internal.channel") == "workbench"


def test_the_sample_books_clears_and_books_again_to_another_destination(backend):
    from workbench.flow.loader import load_flow_or_raise

    flow = load_flow_or_raise(ROOT / "flows" / "train_ticket" / "train_ticket.yaml")

    async def press(title):
        async def step(conversation):
            await conversation.press(title)

        return step

    async def scenario():
        async with Conversation(flow, variables={"api_base": backend, "first_name": "Ann"}) as c:
            await c.start()
            for step in ["book a train", "Brussels", "tomorrow", "1", "ann@example.com"]:
                await c.send_text(step)
            await c.press("Yes, book it")
            first = c.session.get("booking")
            await c.press("Another destination")
            for step in ["Ghent", "tomorrow", "2"]:
                await c.send_text(step)
            await c.post_message(
                {"target": "CL_API", "type": "GO_TO_DIALOGSTATE", "payload": {"dialogstate": "ask_email"}}
            )
            await c.press("Yes, book it")
            return c, first

    conversation, first = asyncio.run(scenario())
    second = conversation.session.get("booking")
    assert first["to"] == "Brussels" and second["to"] == "Ghent"
    assert first["ticket_id"] != second["ticket_id"]
    assert conversation.session.get("tickets_booked") == 2
    cleared = of(ev.SessionCleared, conversation.events)
    assert "destination" in cleared[0].removed and "booking" in cleared[0].removed
    assert [m.payload["to"] for m in of(ev.JsonMessage, conversation.events)] == ["Brussels", "Ghent"]


# --- Offload ---

OFFLOAD = """
start: hello
nlu: {intents: {human: [talk to a person]}}
states:
  hello: {say: Hello}
  handover:
    intent: human
    offload: PROVIDER
  offloading_opened: {say: An agent will be with you shortly}
  offloading_closed: {say: "Back with the bot, {name}"}
  offloading_disabled: {say: No agents available right now}
  after: {say: After}
"""


def test_console_offload_keeps_the_bot_active_until_the_agent_speaks_then_hands_back(flow_from):
    flow = flow_from(OFFLOAD.replace("PROVIDER", "{provider: console, message: Connecting you…}"))

    async def agent(conversation):
        await conversation.agent_reply("Hi, this is Bob")

    async def hand_back(conversation):
        await conversation.hand_back()

    conversation = asyncio.run(
        drive(flow, "hello there", "talk to a person", "hmm", agent, "is anyone there?", hand_back, "hmm")
    )
    events = conversation.events
    offloaded = of(ev.Offloaded, events)[0]
    assert offloaded.provider == "console"
    assert [item["message"]["text"] for item in offloaded.transcript] == [
        "Hello",
        "hello there",
        "Sorry, I didn't understand that.",
    ]
    assert [e.text for e in of(ev.UserToAgent, events)] == ["is anyone there?"]
    assert [e.text for e in of(ev.AgentMessage, events)] == ["Hi, this is Bob"]
    assert texts(events)[-4:] == [
        "Connecting you…",
        "An agent will be with you shortly",
        "Sorry, I didn't understand that.",
        "Sorry, I didn't understand that.",
    ], "the bot answers 'hmm' before the agent speaks and after the hand-back, not 'is anyone there?'"
    assert conversation.session.get("internal.offloaded") is False
    assert len(of(ev.HandedBack, events)) == 1


def test_hand_back_to_a_named_state_and_agent_replies_need_an_offloaded_conversation(flow_from):
    flow = flow_from(OFFLOAD.replace("PROVIDER", "{provider: console}"))

    async def steps(conversation):
        await conversation.agent_reply("too early")
        await conversation.send_text("talk to a person")
        assert conversation.session.offloaded
        await conversation.hand_back("after")

    conversation = asyncio.run(drive(flow, steps))
    assert of(ev.EngineError, conversation.events)[0].message == "the conversation is not offloaded to an agent"
    assert texts(conversation.events)[-1] == "After"


def test_an_unreachable_webhook_without_offloading_disabled_goes_to_error_occurred(flow_from, closed_port):
    flow = flow_from(
        OFFLOAD.replace("PROVIDER", f"{{provider: webhook, url: 'http://127.0.0.1:{closed_port}/x'}}").replace(
            "  offloading_disabled: {say: No agents available right now}\n", ""
        )
    )
    conversation = asyncio.run(drive(flow, "talk to a person"))
    assert texts(conversation.events)[-1] == "Sorry, something went wrong."
    assert "connection refused" in of(ev.EngineError, conversation.events)[0].message


# --- Code and API inside the conversation ---

CODE = """
start: compute
variables: {price: 1}
states:
  compute:
    code: CODE
    args: {n: "{n}"}
    on_error: failed
    next: done
  done: {say: "price {price}"}
  failed: {say: failed}
  jumped: {say: jumped}
"""


def code_flow(flow_from, source):
    indented = "\n".join("      " + line for line in source.strip().splitlines())
    return flow_from(CODE.replace("code: CODE", "code: |\n" + indented), "code_flow.yaml")


def test_code_results_apply_in_chatlayers_order_variables_messages_then_jump(flow_from):
    flow = code_flow(
        flow_from,
        """
        const b = new ChatlayerResponseBuilder();
        b.setNextDialogState('jumped').addMessage('computed ' + args.n);
        b.addSessionVariable('price', Number(args.n) * 2);
        b.send();
        """,
    )
    conversation = asyncio.run(drive(flow, variables={"n": 21}))
    started = next(i for i, e in enumerate(conversation.events) if isinstance(e, ev.ActionStarted))
    after = conversation.events[started:]
    kinds = [e.kind for e in after if e.kind in ("VariableChanged", "BotMessage", "StateEntered")]
    assert kinds == ["VariableChanged", "BotMessage", "StateEntered", "BotMessage"]
    assert conversation.session.get("price") == 42
    assert texts(conversation.events) == ["computed 21", "jumped"]
    assert of(ev.StateEntered, conversation.events)[-1].reason == "code"


def test_a_thrown_error_goes_to_on_error_changes_nothing_and_names_the_flow_line(flow_from):
    flow = code_flow(
        flow_from,
        """
        ChatlayerResponseBuilder().addSessionVariable('price', 99).send();
        const x = null;
        x.boom();
        """,
    )
    conversation = asyncio.run(drive(flow))
    error = of(ev.EngineError, conversation.events)[0]
    assert error.error == "code"
    assert "line 3 of the code" in error.message
    assert error.where.startswith("code_flow.yaml:9:")
    assert texts(conversation.events) == ["failed"]
    assert conversation.session.get("price") == 1


def test_code_that_never_sends_applies_nothing_and_warns(flow_from):
    flow = code_flow(flow_from, "ChatlayerResponseBuilder().addSessionVariable('price', 5);")
    conversation = asyncio.run(drive(flow))
    assert "never called send()" in of(ev.EngineWarning, conversation.events)[0].message
    assert texts(conversation.events) == ["price 1"]


def test_an_endless_loop_times_out_and_the_next_code_action_runs(flow_from):
    flow = flow_from(
        """
        start: spin
        states:
          spin: {code: "while (true) {}", timeout: 0.3, on_error: again}
          again:
            code: ChatlayerResponseBuilder().addMessage('alive').send();
        """
    )
    conversation = asyncio.run(drive(flow))
    assert of(ev.EngineError, conversation.events)[0].message.startswith("timeout error")
    assert texts(conversation.events) == ["alive"]


def test_code_fetch_reaches_the_backend_and_logs_the_exchange(flow_from, backend):
    flow = code_flow(
        flow_from,
        """
        const r = await fetch(`${args.base}/price?to=Ghent`);
        const data = await r.json();
        console.log('km', data.distance_km);
        ChatlayerResponseBuilder().addSessionVariable('price', data.distance_km).send();
        """,
    )
    flow = flow_from(
        CODE.replace('args: {n: "{n}"}', "args: {base: {var: base}}").replace(
            "code: CODE",
            "code: |\n"
            "      const r = await fetch(`${args.base}/price?to=Ghent`);\n"
            "      const data = await r.json();\n"
            "      console.log('km', data.distance_km);\n"
            "      ChatlayerResponseBuilder().addSessionVariable('price', data.distance_km).send();",
        )
    )
    conversation = asyncio.run(drive(flow, variables={"base": backend}))
    assert conversation.session.get("price") == 60
    exchange = of(ev.HttpExchange, conversation.events)[0]
    assert (exchange.source, exchange.status) == ("fetch", 200)
    assert [(e.level, e.message) for e in of(ev.CodeLog, conversation.events)] == [("log", "km 60")]


def test_a_failing_api_call_routes_to_on_error_and_changes_nothing(flow_from, backend):
    flow = flow_from(
        f"""
        start: book
        states:
          book:
            api: {{method: GET, url: "{backend}/status/500"}}
            on_error: failed
            next: done
          done: {{say: done}}
          failed: {{say: "failed"}}
        """
    )
    conversation = asyncio.run(drive(flow))
    assert texts(conversation.events) == ["failed"]
    assert of(ev.StateEntered, conversation.events)[-1].reason == "error"
    assert not of(ev.VariableChanged, conversation.events)


def test_an_api_jump_from_the_response_is_followed(flow_from, backend):
    body = {"session": {"namespace": "booking", "data": {"id": 7}}, "action": {"nextDialogstate": "jumped"}}
    flow = flow_from(
        f"""
        start: book
        states:
          book:
            api: {{method: POST, url: "{backend}/mirror", body: {json.dumps(body)}}}
            next: done
          done: {{say: done}}
          jumped: {{say: "jumped with {{booking.id}}"}}
        """
    )
    conversation = asyncio.run(drive(flow))
    assert texts(conversation.events) == ["jumped with 7"]
    assert of(ev.StateEntered, conversation.events)[-1].reason == "api"


def test_a_code_error_points_at_its_line_and_column_in_the_flow_file(flow_from):
    text = """
start: compute
states:
  compute:
    code: |
      const total = 1;
      total.toFixed(2).boom();
    on_error: failed
  failed: {say: failed}
"""
    conversation = asyncio.run(drive(flow_from(text, "columns.yaml")))
    error = of(ev.EngineError, conversation.events)[0]
    line = text.splitlines()[6]  # the text starts with a line break: line 7 of the file
    assert error.where == f"columns.yaml:7:{line.index('boom') + 1}"


@pytest.mark.parametrize("spec", ["all", "[locale, seat]", "{keep: [name]}"])
def test_clear_session_leaves_the_channels_locale_as_the_channel_gave_it(flow_from, spec):
    flow = flow_from(CLEAR.replace("CLEARING", spec))
    conversation = asyncio.run(drive(flow, variables={"locale": "nl", "seat": "12A", "name": "Ann"}))
    assert conversation.session.get("locale") == "nl"
