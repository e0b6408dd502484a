"""`mutate(progress=…, stop=…)`: progress hears how many mutants the run judges before the first verdict, then
each verdict; a run stopped between mutants returns the verdicts reached (those of a whole run); with worker
processes, a stop ends the chunks they are judging at their next mutant instead of at their end."""

from __future__ import annotations

from pathlib import Path

import pytest
from number_chain import every_number, long_flow

from tests.testing.test_mutate import write_tiny
from workbench.testing.mutate.run import Verdict, mutate
from workbench.testing.mutate.shards import Shard


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    """test_mutate's tiny flow and its two conversations in a folder of their own."""
    return write_tiny(tmp_path)


@pytest.fixture
def long_file(tmp_path: Path) -> Path:
    """A flow of 20 asks (about 240 mutants) and its one long conversation."""
    (tmp_path / "long.convo.yaml").write_text(every_number(20), encoding="utf-8")
    path = tmp_path / "long.yaml"
    path.write_text(long_flow(20), encoding="utf-8")
    return path


def test_progress_hears_the_number_of_mutants_first_then_each_verdict(flow_file: Path) -> None:
    heard: list[tuple[int, Verdict | None]] = []
    run = mutate(flow_file, progress=lambda total, verdict: heard.append((total, verdict)))
    assert heard[0] == (len(run.verdicts), None)
    assert {total for total, _ in heard} == {len(run.verdicts)}
    assert sorted((v for _, v in heard[1:]), key=lambda v: v.index) == list(run.verdicts)


def test_a_shard_counts_its_own_mutants(flow_file: Path) -> None:
    totals: list[int] = []
    run = mutate(flow_file, shard=Shard(1, 2), progress=lambda total, _verdict: totals.append(total))
    assert set(totals) == {len(run.verdicts)} and len(run.verdicts) < run.all_mutants


def test_a_stopped_run_ends_between_mutants_with_the_verdicts_it_reached(flow_file: Path) -> None:
    whole = mutate(flow_file)
    heard: list[Verdict] = []
    run = mutate(flow_file, progress=lambda _total, v: heard.extend([v] if v else []), stop=lambda: len(heard) >= 3)
    assert len(run.verdicts) == 3
    assert [whole.verdicts[v.index] for v in run.verdicts] == list(run.verdicts)


def test_a_run_stopped_before_its_first_mutant_judges_none(flow_file: Path) -> None:
    run = mutate(flow_file, stop=lambda: True)
    assert run.verdicts == ()


def test_a_stop_ends_the_workers_chunks_at_their_next_mutant(long_file: Path) -> None:
    # Two processes, the mutants in 8 chunks of about 30. The stop comes with the first verdict, while the worker
    # process is still starting (or at most a few mutants into its first chunk): it judges no more of its chunk
    # once it looks, where a worker that only stopped between chunks would judge the whole chunk.
    heard: list[tuple[int, Verdict | None]] = []
    run = mutate(long_file, workers=2, progress=lambda t, v: heard.append((t, v)), stop=lambda: len(heard) > 1)
    total = heard[0][0]
    assert total >= 200
    assert 1 <= len(run.verdicts) < total // 8
