"""The sandbox worker's threads: no Python thread state is left behind per conversation; requests are read on a
thread of their own, and those started there as they arrive still run in the order they were sent, next to
requests for realms that are still being made."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from sandbox_runs import ECHO, with_sandbox

from workbench.engine.sandbox import Sandbox

# an arrow function is not a bounded condition: it is decided in the worker, in the conversation's realm
UNBOUNDED = "[n].some((x) => x > 2)"


async def thread_states(sb: Sandbox) -> int:
    """The worker's Python thread states."""
    return int((await sb.memory())["threads"])


def test_each_conversation_s_thread_state_goes_with_its_realm() -> None:
    async def body(sb: Sandbox) -> tuple[int, int, int]:
        await sb.run_code(ECHO, {"n": 0}, realm="warm-up")
        await sb.release("warm-up")
        before = await thread_states(sb)
        for i in range(30):
            realm = f"conversation {i}"
            for n in range(3):
                assert (await sb.run_code(ECHO, {"n": n}, realm=realm)).variables == {"seen": {"n": n}}
            await sb.release(realm)
        # what is still open now: the spare context the worker makes ahead of time, and these two realms
        await sb.run_code(ECHO, {}, realm="a")
        await sb.run_code(ECHO, {}, realm="b")
        return before, await thread_states(sb), len((await sb.memory())["heap"])

    before, after, open_realms = with_sandbox(body)
    assert open_realms == 2
    # thirty conversations later: the two realms, and perhaps the spare made meanwhile
    assert after - before <= open_realms + 1


def test_requests_for_a_realm_being_made_and_for_ready_ones_are_answered_in_order() -> None:
    async def body(sb: Sandbox) -> list[Any]:
        await sb.run_code(ECHO, {}, realm="ready")
        # conditions of several realms at once (one new), while a code action runs in the ready one
        runs: list[Awaitable[Any]] = [sb.run_code(ECHO, {"n": "code"}, realm="ready")]
        for n in range(6):
            for realm in ("ready", "new"):
                runs.append(sb.first_true([UNBOUNDED, None], {"n": n}, realm=realm))
        return await asyncio.gather(*runs)

    code, *decisions = with_sandbox(body)
    assert code.variables == {"seen": {"n": "code"}}
    assert decisions == [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]


def test_a_runaway_call_is_stopped_while_other_realms_go_on() -> None:
    spin = """
    if (args.spin) { await fetch('http://spin'); while (true) {} }
    ChatlayerResponseBuilder().addSessionVariable('spun', false).send();
    """
    fetched = asyncio.Event()

    async def answer(url: str, options: dict[str, Any]) -> dict[str, Any]:
        fetched.set()  # the code goes on to spin once this answer is in
        return {"status": 200, "body": ""}

    async def body(sb: Sandbox) -> tuple[Any, list[Any], bool, Any]:
        await sb.run_code(spin, {"spin": False}, realm="spinner")
        spinning = asyncio.ensure_future(sb.run_code(spin, {"spin": True}, realm="spinner", fetch=answer, timeout=3))
        await fetched.wait()
        decisions = [await sb.first_true([UNBOUNDED, None], {"n": n}, realm="other") for n in (1, 5)]
        decided_while_spinning = not spinning.done()
        return await spinning, decisions, decided_while_spinning, await sb.run_code(spin, {}, realm="spinner")

    spinning, decisions, decided_while_spinning, after = with_sandbox(body)
    assert decisions == [1, 0] and decided_while_spinning
    assert spinning.error is not None and spinning.error.kind == "timeout"
    assert after.error is None and after.variables == {"spun": False}
