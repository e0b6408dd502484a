"""A code action's later runs in a realm call the function its first run compiled (`__wb.call`, args as plain
JSON text, not a script to evaluate): they behave as the first one does, limits included; the frame that
carries such a call; a worker started from a folder that holds another `workbench` still runs this one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sandbox_runs import ECHO, with_sandbox

from workbench.engine.sandbox import CodeResult, Sandbox
from workbench.engine.sandbox_worker_wire import FrameReader, encode

# Allocates without bound only when asked to, so that its first run (the one that compiles it) is clean.
GREEDY = """
if (args.grow) { const a = []; while (true) a.push(new Array(1e6).fill(1)); }
ChatlayerResponseBuilder().addSessionVariable('grew', false).send();
"""
SPIN = "if (args.spin) { while (true) {} }\nChatlayerResponseBuilder().addSessionVariable('spun', false).send();"


def test_later_runs_each_see_their_own_args_unchanged() -> None:
    awkward = [
        {"text": "line\nbreak \u2028 and \u2029, quotes \" ' ` and a backslash \\"},
        {"city": "Liège ✓", "emoji": "🚆", "nested": {"list": [1, 2.5, None, True], "empty": {}}},
        [],
        "just a string",
        {"__proto__": {"polluted": True}},
    ]

    async def body(sb: Sandbox) -> list[Any]:
        return [(await sb.run_code(ECHO, args, realm="a")).variables["seen"] for args in awkward]

    assert with_sandbox(body) == awkward


def test_a_later_run_that_runs_out_of_memory_says_so_and_the_next_works() -> None:
    async def body(sb: Sandbox) -> tuple[CodeResult, CodeResult, CodeResult]:
        first = await sb.run_code(GREEDY, {"grow": False}, realm="a")
        greedy = await sb.run_code(GREEDY, {"grow": True}, realm="a", timeout=10)
        after = await sb.run_code(GREEDY, {"grow": False}, realm="a")
        return first, greedy, after

    first, greedy, after = with_sandbox(body)
    assert first.variables == {"grew": False}
    assert greedy.error is not None and (greedy.error.kind, greedy.error.message) == (
        "memory",
        "the code action ran out of memory",
    )
    assert after.error is None and after.variables == {"grew": False}


def test_a_later_run_that_never_ends_times_out_and_the_next_works() -> None:
    async def body(sb: Sandbox) -> tuple[CodeResult, CodeResult]:
        await sb.run_code(SPIN, {"spin": False}, realm="a")
        spinning = await sb.run_code(SPIN, {"spin": True}, realm="a", timeout=0.5)
        return spinning, await sb.run_code(SPIN, {"spin": False}, realm="a")

    spinning, after = with_sandbox(body)
    assert spinning.error is not None and spinning.error.kind == "timeout"
    assert after.variables == {"spun": False}


def test_a_later_run_in_a_tainted_realm_runs_in_a_pristine_one() -> None:
    pollute = "if (args.pollute) Object.prototype.polluted = 'yes';\n" + (
        "ChatlayerResponseBuilder().addSessionVariable('seen', ({}).polluted || 'nothing').send();"
    )

    async def body(sb: Sandbox) -> list[Any]:
        runs = [{"pollute": False}, {"pollute": True}, {"pollute": False}]
        return [(await sb.run_code(pollute, args, realm="a")).variables["seen"] for args in runs]

    assert with_sandbox(body) == ["nothing", "yes", "nothing"]


def test_a_call_crosses_as_plain_text_with_the_head_of_an_eval() -> None:
    text = '[4,2,null,{"city":"Liège ✓"}]'
    frame = encode({"op": "call", "realm": 3, "code": text, "id": 9})

    assert frame[4:5] == b"C" and frame.endswith(text.encode())
    assert FrameReader().feed(frame) == [{"op": "call", "id": 9, "realm": 3, "code": text}]


def test_the_worker_runs_this_workbench_whatever_folder_it_starts_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a folder with a `workbench` package of its own, whose worker module would fail at once
    impostor = tmp_path / "workbench" / "engine"
    impostor.mkdir(parents=True)
    for folder in (tmp_path / "workbench", impostor):
        (folder / "__init__.py").write_text("")
    (impostor / "sandbox_worker.py").write_text("raise SystemExit('the wrong workbench')\n")
    monkeypatch.chdir(tmp_path)
    assert os.getcwd() == str(tmp_path)

    result = with_sandbox(lambda sb: sb.run_code(ECHO, {"n": 1}))

    assert result.error is None and result.variables == {"seen": {"n": 1}}


def test_a_run_s_time_limit_counts_from_its_start_across_its_first_answer() -> None:
    # a second of work before a fetch, then a loop: the limit is not started again for what follows the fetch
    split = """
    if (args.go) {
      const until = Date.now() + 1000;
      while (Date.now() < until) {}
      await fetch('http://at-once');
      while (true) {}
    }
    ChatlayerResponseBuilder().send();
    """

    async def at_once(url: str, options: dict[str, Any]) -> dict[str, Any]:
        return {"status": 200, "body": ""}

    async def body(sb: Sandbox) -> CodeResult:
        await sb.run_code(split, {"go": False}, realm="a")
        return await sb.run_code(split, {"go": True}, realm="a", fetch=at_once, timeout=1.5)

    result = with_sandbox(body)
    assert result.error is not None and result.error.kind == "timeout"
    assert 1.5 <= result.duration < 2.3
