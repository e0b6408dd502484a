"""A finished run's clean-up and taint check come after its microtasks, off the way of its answer, and still
before anything else runs in its realm; the frames that carry evals and answers to and from the worker."""

from __future__ import annotations

import json
from typing import Any

from sandbox_runs import with_sandbox

from workbench.engine.sandbox import Sandbox
from workbench.engine.sandbox_worker_wire import FrameReader, encode

POLLUTE_AFTER_SEND = """
Promise.resolve().then(() => 0).then(() => { Object.prototype.polluted = 'yes'; });
ChatlayerResponseBuilder().addSessionVariable('sent', true).send();
"""
PROBE = "ChatlayerResponseBuilder().addSessionVariable('seen', ({}).polluted || 'nothing').send();"


def test_pollution_from_a_microtask_after_send_does_not_reach_the_realms_next_run() -> None:
    async def body(sb: Sandbox) -> tuple[dict[str, Any], dict[str, Any]]:
        polluting = await sb.run_code(POLLUTE_AFTER_SEND, {}, realm="a")
        probe = await sb.run_code(PROBE, {}, realm="a")
        return polluting.variables, probe.variables

    assert with_sandbox(body) == ({"sent": True}, {"seen": "nothing"})


def test_a_condition_after_a_tainting_run_is_decided_in_a_pristine_realm() -> None:
    async def body(sb: Sandbox) -> int | None:
        await sb.run_code(POLLUTE_AFTER_SEND, {}, realm="a")
        # an arrow function is not bounded: the condition runs in the conversation's realm in the worker
        return await sb.first_true(["[1].some(() => ({}).polluted === 'yes')", None], {}, realm="a")

    assert with_sandbox(body) == 1


def test_a_watch_expression_after_a_tainting_run_sees_a_pristine_realm() -> None:
    async def body(sb: Sandbox) -> Any:
        await sb.run_code("Object.prototype.polluted = 'yes'; ChatlayerResponseBuilder().send();", {}, realm="a")
        return await sb.evaluate("({}).polluted === undefined", {}, realm="a")

    assert with_sandbox(body) is True


def test_a_clean_run_keeps_its_realm_and_its_globals_are_gone_by_the_next() -> None:
    async def body(sb: Sandbox) -> tuple[bool, dict[str, Any]]:
        await sb.run_code("leaked = 1; ChatlayerResponseBuilder().send();", {}, realm="a")
        probe = await sb.run_code(
            "ChatlayerResponseBuilder().addSessionVariable('leaked', typeof leaked).send();", {}, realm="a"
        )
        return sb.holds_realm("a"), probe.variables

    assert with_sandbox(body) == (True, {"leaked": "undefined"})


def test_evals_and_answers_cross_as_plain_text_and_other_messages_as_json() -> None:
    code = '__wb.run(1,2,"{\\"city\\":\\"Liège ✓\\"}",null,null)'
    answer = json.dumps({"st": "done", "text": "naïve \u2028 line"})
    messages = [
        {"op": "eval", "realm": 3, "code": code, "id": 7},
        {"id": 7, "ok": answer},
        {"id": 8, "ok": 12},
        {"id": 9, "err": "eval", "msg": "TypeError: x"},
        {"ping": 3},
    ]
    frames = b"".join(encode(m) for m in messages)
    assert frames[4:5] == b"E" and b"\\u00e8" not in frames  # no JSON escaping of the code

    reader = FrameReader()
    received = [m for i in range(0, len(frames), 5) for m in reader.feed(frames[i : i + 5])]

    assert received == [{"op": "eval", "id": 7, "realm": 3, "code": code}, *messages[1:]]
