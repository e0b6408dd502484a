"""`workbench mutate -j N`: the baseline runs once, in the calling process, and the workers judge chunks of
mutants; the verdicts (closest conversations included) are those of one process, in the same order; `progress`
hears of every verdict; with the selection by coverage off, every mutant is replayed with the whole suite and the
verdicts stay the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing.test_mutate import write_tiny
from workbench.testing.mutate.run import Verdict, mutate


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    """test_mutate's tiny flow and its two conversations in a folder of their own."""
    return write_tiny(tmp_path)


def test_two_workers_reach_the_verdicts_of_one_process(flow_file: Path) -> None:
    heard: list[Verdict] = []
    alone = mutate(flow_file)
    together = mutate(flow_file, workers=2, progress=lambda _total, verdict: heard.extend([verdict] if verdict else []))
    assert together == alone
    assert any(v.closest is not None for v in together.verdicts)
    assert sorted(heard, key=lambda v: v.index) == list(together.verdicts)


def test_without_the_selection_every_mutant_replays_the_whole_suite_to_the_same_verdicts(flow_file: Path) -> None:
    # A conversation that does not reach the mutated state replays as on the flow as it is, so it passes: the
    # mutants are killed by the same conversations, and the closest are chosen among those that reach the state.
    assert mutate(flow_file, select=False) == mutate(flow_file)
