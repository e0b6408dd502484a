"""Hostile JavaScript contained: V8 in a worker process whose death costs one action, a pristine realm per
conversation, and a heap that stays flat. Real V8, real worker processes, real conversations."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.sandbox import ConditionError, Sandbox

HOSTILE_ALLOCATION = "new Array(1e9).fill(0);\nChatlayerResponseBuilder().send();"


def variables_set(events: list[ev.Event]) -> dict[str, Any]:
    return {e.name: e.value for e in events if isinstance(e, ev.VariableChanged)}


def engine_errors(events: list[ev.Event]) -> list[str]:
    return [e.message for e in events if isinstance(e, ev.EngineError)]


async def kill_the_worker(sb: Sandbox) -> None:
    """End the sandbox's worker as a V8 abort does (SIGKILL), and wait until the sandbox noticed."""
    assert sb.worker_pid is not None
    os.kill(sb.worker_pid, signal.SIGKILL)
    async with asyncio.timeout(10):
        while sb.worker_pid is not None:
            await asyncio.sleep(0.01)


# --- a V8 abort costs one action --------------------------------------------------------------------


def test_an_allocation_v8_cannot_stop_costs_only_its_action() -> None:
    async def scenario() -> tuple[Any, Any, int | None, int | None]:
        async with Sandbox() as sb:
            hostile = await sb.run_code(HOSTILE_ALLOCATION, {}, timeout=1.0)
            first_worker = sb.worker_pid
            after = await sb.run_code("ChatlayerResponseBuilder().addSessionVariable('n', _.sum([1, 2])).send()", {})
            return hostile, after, first_worker, sb.worker_pid

    hostile, after, first_worker, second_worker = asyncio.run(scenario())
    # V8 may stop at its heap limit, or ignore the stop: then the time limit or V8's own abort ends its worker
    assert hostile.error is not None
    assert (hostile.error.kind, hostile.error.message) in {
        ("timeout", "the code action did not finish within 1 s"),
        ("memory", "the code action ran out of memory and was stopped"),
        ("memory", "the code action ran out of memory"),
    }
    assert hostile.error.kind == "memory" or first_worker is None  # a worker V8 would not give back is ended
    assert second_worker is not None
    assert after.variables == {"n": 3}


def test_a_worker_that_dies_is_that_actions_out_of_memory_error_and_the_next_action_works() -> None:
    async def scenario() -> tuple[Any, Any]:
        async with Sandbox() as sb:

            async def fetch(url: str, options: dict[str, Any]) -> dict[str, Any]:
                await kill_the_worker(sb)
                return {"status": 200, "body": ""}

            died = await sb.run_code("await fetch('http://127.0.0.1/');\nwhile (true) {}", {}, fetch=fetch)
            after = await sb.run_code("ChatlayerResponseBuilder().addSessionVariable('ok', true).send()", {})
            return died, after

    died, after = asyncio.run(scenario())
    assert died.error is not None
    assert (died.error.kind, died.error.message) == ("memory", "the code action ran out of memory and was stopped")
    assert died.duration < 5
    assert after.variables == {"ok": True}


def test_a_dead_worker_routes_the_conversation_to_on_error(flow_from: Any) -> None:
    flow = flow_from(
        """
        start: boom
        states:
          boom:
            code: |
              await fetch(args.url);
              while (true) {}
            args: {url: {var: url}}
            on_error: sorry
            next: done
          sorry: {say: That went wrong}
          done: {say: Done}
        """
    )

    async def scenario() -> list[ev.Event]:
        async with Sandbox() as sb:

            async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                await reader.readuntil(b"\r\n\r\n")
                await kill_the_worker(sb)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                await writer.drain()
                writer.close()

            server = await asyncio.start_server(serve, "127.0.0.1", 0)
            url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
            async with server, Conversation(flow, sandbox=sb, variables={"url": url}) as conversation:
                await conversation.start()
            return conversation.events

    events = asyncio.run(scenario())
    assert [e.text for e in events if isinstance(e, ev.BotMessage)] == ["That went wrong"]
    assert engine_errors(events) == [
        "memory error in the code of state 'boom': the code action ran out of memory and was stopped"
    ]


def test_a_suite_with_a_hostile_conversation_reports_every_result(tmp_path: Path) -> None:
    code = textwrap.indent(HOSTILE_ALLOCATION, " " * 6)
    (tmp_path / "flow.yaml").write_text(
        "start: welcome\nstates:\n  welcome: {say: Hi, next: boom}\n"
        f"  boom:\n    code: |\n{code}\n    timeout: 1\n    on_error: sorry\n    next: done\n"
        "  sorry: {say: That went wrong}\n  done: {say: Done}\n"
    )
    (tmp_path / "hostile.convo.yaml").write_text(
        "flow: flow.yaml\nconversations:\n"
        + "".join(
            f"  - name: {name} survives\n    turns:\n      - bot: Hi\n      - bot: That went wrong\n"
            for name in ("first", "second")
        )
    )
    for jobs in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-m", "workbench.cli", "test", "-j", jobs, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("2 passed, 0 failed")


# --- a pristine realm per conversation ----------------------------------------------------------------

POLLUTIONS = {
    "lodash_merge": ('_.merge({}, JSON.parse(\'{"__proto__": {"polluted": "yes"}}\'))', "({}).polluted"),
    "lodash_defaults_deep": (
        '_.defaultsDeep({}, JSON.parse(\'{"constructor": {"prototype": {"polluted": "yes"}}}\'))',
        "({}).polluted",
    ),
    "lodash_set": ("_.set({}, '__proto__.polluted', 'yes')", "({}).polluted"),
    "non_configurable_global": (
        "Object.defineProperty(globalThis, 'polluted', {value: 'yes', configurable: false})",
        "typeof polluted === 'undefined' ? undefined : polluted",
    ),
    "pending_wait": (
        "Atomics.waitAsync(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50).value"
        ".then(() => { Object.prototype.polluted = 'yes'; })",
        "(await new Promise((resolve) => setTimeout(resolve, 300)), ({}).polluted)",
    ),
    "to_json_on_object_prototype": (
        "Object.prototype.toJSON = function () { return 'yes'; }",
        "JSON.stringify({a: 1}) === '\"yes\"' ? 'yes' : undefined",
    ),
}


def pollution_flow(flow_from: Any, pollute: str, probe: str) -> Any:
    """A flow whose `pollute` state runs the hostile code and whose `probe` state reports what it sees."""
    return flow_from(
        f"""
        start: probe
        states:
          pollute:
            code: |
              {pollute};
              const proof = {probe};
              ChatlayerResponseBuilder().addSessionVariable('proof', proof === undefined ? 'nothing' : proof).send();
            next: done
          probe:
            code: |
              const seen = {probe};
              ChatlayerResponseBuilder().addSessionVariable('seen', seen === undefined ? 'nothing' : seen).send();
            next: done
          done: {{say: Done}}
        """
    )


@pytest.mark.parametrize("kind", sorted(POLLUTIONS))
def test_what_one_conversation_does_to_its_realm_does_not_reach_the_next(flow_from: Any, kind: str) -> None:
    flow = pollution_flow(flow_from, *POLLUTIONS[kind])

    async def scenario() -> tuple[list[ev.Event], list[ev.Event]]:
        async with Sandbox() as shared:
            async with Conversation(flow, sandbox=shared) as first:
                await first.start("pollute")
                await first.start("probe")  # the same conversation: its next action gets a pristine realm too
            async with Conversation(flow, sandbox=shared) as second:
                await second.start("probe")
            return first.events, second.events

    first, second = asyncio.run(scenario())
    if kind != "to_json_on_object_prototype":  # that one garbles its own action's result, and only that
        assert variables_set(first)["proof"] == "yes"
    assert [e.message for e in [*first, *second] if isinstance(e, ev.EngineError) and e.state == "probe"] == []
    assert variables_set(first)["seen"] == "nothing"
    assert variables_set(second)["seen"] == "nothing"


def test_restart_gives_the_conversation_a_pristine_realm(flow_from: Any) -> None:
    flow = flow_from(
        """
        start: probe
        states:
          probe:
            code: |
              const before = [1].includes(2);
              Array.prototype.includes = () => true;
              ChatlayerResponseBuilder().addSessionVariable('before', before).send();
            next: done
          done: {say: Done}
        """
    )

    async def scenario() -> list[bool]:
        seen: list[bool] = []
        async with Conversation(flow) as conversation:
            conversation.subscribe(lambda e: seen.append(e.value) if isinstance(e, ev.VariableChanged) else None)
            await conversation.start()
            await conversation.start()  # overwriting a builtin method lasts for the conversation's realm
            await conversation.restart()
        return seen

    assert asyncio.run(scenario()) == [False, True, False]


# --- flat memory, and conditions named by their text -----------------------------------------------------


def test_a_reused_realm_keeps_a_flat_heap_over_many_runs() -> None:
    source = "ChatlayerResponseBuilder().addSessionVariable('n', Number(args.n) + 1).send();"

    async def scenario() -> list[int]:
        heap: list[int] = []
        async with Sandbox() as sb:
            for n in range(10_001):
                await sb.run_code(source, {"n": n})
                if n % 1000 == 0:
                    heap.extend((await sb.memory())["heap"].values())
        return heap

    heap = asyncio.run(scenario())
    # V8 leaves ~1.5 KB per run for a major collection that rarely comes: ~15 MB after 10,000 runs.
    assert len(heap) == 11
    assert max(heap) < 8 * 2**20


def test_a_condition_that_runs_out_of_memory_is_named_by_its_text_never_none(flow_from: Any) -> None:
    flow = flow_from(
        """
        start: route
        states:
          route:
            next:
              - if: "(() => { const a = []; while (true) a.push(new Array(1e6).fill(1)); })()"
                goto: a
              - goto: b
            on_error: sorry
          a: {say: A}
          b: {say: B}
          sorry: {say: That went wrong}
        """
    )

    async def scenario() -> list[ev.Event]:
        async with Conversation(flow) as conversation:
            await conversation.start()
        return conversation.events

    errors = engine_errors(asyncio.run(scenario()))
    assert len(errors) == 1
    assert "None" not in errors[0]
    assert "a.push" in errors[0] and "the condition ran out of memory" in errors[0]


def test_a_failing_condition_after_a_default_route_names_the_failing_condition() -> None:
    async def scenario() -> ConditionError:
        async with Sandbox() as sb:
            assert await sb.first_true(["x > 1", None], {"x": 0}) == 1  # V8 last looked at the default route
            with pytest.raises(ConditionError) as info:
                await sb.first_true(["(() => { while (true) {} })()", None], {}, timeout=0.2)
            return info.value

    error = asyncio.run(scenario())
    assert (error.index, error.message) == (0, "timed out after 0.2 s")
