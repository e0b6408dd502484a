"""A suite on a loop of its own (`workbench test`, a worker process) gives the loop a turn only now and then: the
results are those of a suite that yields after every conversation, Ctrl+C still stops it after the conversation
under way, and no finished conversation is kept alive by the loop meanwhile."""

from __future__ import annotations

import asyncio
import gc
import weakref
from pathlib import Path
from typing import Any

import pytest

from workbench.testing import runner as runner_module
from workbench.testing import suite
from workbench.testing.runner import ConvoResult, Harness

BROKEN = Path(__file__).parent / "broken"


def _files(data: Path, folder: Path) -> list[Path]:
    """Files that pass, fail and cannot run."""
    failing = folder / "failing.convo.yaml"
    failing.write_text(f"flow: {data / 'shop.yaml'}\nturns:\n  - bot: Welcome to the bakery!\n")
    return [data / "coffee.convo.yaml", BROKEN / "bad_yaml.convo.yaml", failing, data / "suite.convo.yaml"] * 3


def _plain(data: Path, folder: Path, count: int) -> list[Path]:
    """`count` files whose conversation makes no HTTP request (whose timers would hold it till the loop's turn)."""
    files = [folder / f"plain_{index}.convo.yaml" for index in range(count)]
    for path in files:
        path.write_text(f"flow: {data / 'shop.yaml'}\nturns:\n  - bot: Welcome to the shop!\n")
    return files


def _shown(results: list[ConvoResult]) -> list[tuple[str, str, str, str]]:
    return [(r.id, r.status, r.language, r.failure.report() if r.failure else "") for r in results]


@pytest.mark.parametrize("coverage", [False, True])
def test_a_suite_on_its_own_loop_gives_the_results_and_coverage_of_one_that_yields_after_each_conversation(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, coverage: bool
) -> None:
    monkeypatch.setattr(suite, "OWN_LOOP_TURN", 2)  # turns given to the loop in the middle of the suite too
    files = _files(data, tmp_path)

    def replayed(own_loop: bool) -> suite.SuiteResult:
        return asyncio.run(suite.run_suite(suite.stream(files), coverage=coverage, own_loop=own_loop))

    alone, shared = replayed(True), replayed(False)
    assert _shown(alone.results) == _shown(shared.results)
    assert any(r.status == "failed" for r in alone.results) and any(r.status == "error" for r in alone.results)
    assert alone.coverage.to_json() == shared.coverage.to_json()


def test_cancelling_a_suite_on_its_own_loop_stops_it_after_the_conversation_under_way(
    data: Path, tmp_path: Path
) -> None:
    heard: list[ConvoResult] = []

    async def go() -> None:
        task = asyncio.current_task()
        assert task is not None

        def progress(result: ConvoResult) -> None:
            heard.append(result)
            task.cancel()  # as Ctrl+C does to `asyncio.run`'s task

        await suite.run_suite(suite.stream(_plain(data, tmp_path, 3)), progress=progress, own_loop=True)

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(go())
    assert len(heard) == 1


def test_no_conversation_replayed_on_a_loop_that_gets_no_turn_is_kept_alive(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[weakref.ref[Any]] = []
    prepare = runner_module.prepare

    def kept(*args: Any, **kwargs: Any) -> Harness:
        harness = prepare(*args, **kwargs)
        made.append(weakref.ref(harness.conversation))
        return harness

    monkeypatch.setattr(runner_module, "prepare", kept)
    monkeypatch.setattr(suite, "OWN_LOOP_TURN", 1000)

    async def go() -> int:
        await suite.run_suite(suite.stream(_plain(data, tmp_path, 5)), coverage=False, own_loop=True)
        gc.collect()
        return sum(ref() is not None for ref in made)  # before the loop gets a turn to drop its timers

    assert asyncio.run(go()) == 0
    assert len(made) == 5
