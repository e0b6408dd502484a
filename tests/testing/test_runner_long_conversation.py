"""A conversation whose turns never wait for anything (no HTTP, no JavaScript) still ends at its timeout: the replay
gives the loop a turn now and then, where the timeout's timer strikes; and a window sharing the loop gets turns
during a long conversation too."""

from __future__ import annotations

import asyncio
from pathlib import Path

from echo_flow import ECHO

from workbench.testing.convo_format import load_convo_text
from workbench.testing.runner import YIELD_TURNS, Runner

TURNS = 4000


def long_convo(timeout: str) -> str:
    """One conversation of `TURNS` messages to the shared echo flow (saved as echo.yaml)."""
    turns = "".join(f"      - user: m{n}\n" for n in range(TURNS))
    return f"flow: echo.yaml\nconversations:\n  - name: long\n{timeout}    turns:\n{turns}"


async def replay(tmp_path: Path, timeout: str) -> tuple[str, int]:
    """Replay the long conversation beside a task that counts its turns of the loop; the result's status or
    failure message, and how many turns the loop gave that task from the first to the last turn replayed."""
    (tmp_path / "echo.yaml").write_text(ECHO, encoding="utf-8")
    (test,) = load_convo_text(long_convo(timeout), folder=tmp_path).tests
    ticks = 0
    at_turn: dict[int, int] = {}
    stop = asyncio.Event()

    async def tick() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    runner = Runner()
    try:
        result = await runner.run(test, on_turn=lambda index, turn, failure: at_turn.setdefault(index, ticks))
    finally:
        await runner.aclose()
    stop.set()
    await ticker
    during = at_turn[max(at_turn)] - at_turn[0] if at_turn else 0
    return (result.failure.message if result.failure else result.status), during


def test_a_long_conversation_that_waits_for_nothing_ends_at_its_timeout(tmp_path: Path) -> None:
    message, _ = asyncio.run(replay(tmp_path, "    timeout: 0.001\n"))
    assert message == "timed out after 0.001 s"


def test_the_loop_gets_turns_during_a_long_conversation(tmp_path: Path) -> None:
    status, ticks = asyncio.run(replay(tmp_path, ""))
    assert status == "passed"
    assert ticks >= TURNS // YIELD_TURNS - 1  # one at least every YIELD_TURNS turns
