"""The runner's cheaper paths give what the general ones gave: a result made without its event log is the one
`without_events` makes of the full result, and a refused input is seen after the log folded its older turns."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from tests.testing.conftest import Replay
from workbench.engine.event_log import KEEP_TURNS
from workbench.testing.convo_format import load_convo_file
from workbench.testing.runner import ConvoResult, Runner


def _both(path: Path) -> tuple[list[ConvoResult], list[ConvoResult]]:
    async def go() -> tuple[list[ConvoResult], list[ConvoResult]]:
        runner = Runner()
        try:
            tests = load_convo_file(path).tests
            full = [await runner.run(test) for test in tests]
            bare = [await runner.run(test, events=False) for test in tests]
            return full, bare
        finally:
            await runner.aclose()

    return asyncio.run(go())


def _timeless(result: ConvoResult) -> ConvoResult:
    return replace(result, duration=0.0)


def test_a_result_without_events_is_the_full_result_without_its_log(data: Path) -> None:
    full, bare = _both(data / "suite.convo.yaml")
    assert [r.events for r in bare] == [()] * len(full) and all(r.events for r in full)
    assert [_timeless(r.without_events()) for r in full] == [_timeless(r) for r in bare]


def test_an_input_refused_after_the_log_folded_its_older_turns_fails_the_turn(replay: Replay) -> None:
    many = "  - user: show the menu\n  - bot: Our drinks\n" * (2 * KEEP_TURNS + 5)
    result = replay(f"turns:\n{many}  - agent: Hello\n")
    assert result.failure is not None, "the log folded and the refusal was still seen"
    assert result.failure.message == "the conversation refused the input: the conversation is not offloaded to an agent"
    assert result.failure.loc.line == 2 + 2 * (2 * KEEP_TURNS + 5) + 1
