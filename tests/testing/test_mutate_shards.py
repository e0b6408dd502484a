"""`workbench mutate --shard K/N` and `--merge`: the shards split the mutants by a stable id, each exactly once;
merged, they give the report of an unsharded run; reports that are not the shards of one run are refused with a
message that says why; the whole round trip through the command in subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.testing.test_mutate import FLOW, SURVIVORS, write_tiny
from workbench.testing.mutate.document import read_document
from workbench.testing.mutate.merge import MergeError, merge, read_report
from workbench.testing.mutate.operators import mutants
from workbench.testing.mutate.report import json_report, write_json_report
from workbench.testing.mutate.run import MutationRun, mutate
from workbench.testing.mutate.shards import Shard, mutant_id


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    """test_mutate's tiny flow and its two conversations in a folder of their own."""
    return write_tiny(tmp_path)


def _shards(path: Path, count: int) -> list[tuple[Path, MutationRun]]:
    return [(Path(f"shard{k}.json"), mutate(path, shard=Shard(k, count))) for k in range(1, count + 1)]


@pytest.fixture(scope="module")
def two_shards(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, MutationRun]]:
    """The tiny flow judged in two shards (each named as the file it would be written to)."""
    return _shards(write_tiny(tmp_path_factory.mktemp("two_shards")), 2)


def test_every_mutant_is_judged_by_exactly_one_shard(flow_file: Path) -> None:
    whole = [v.change for v in mutate(flow_file).verdicts]
    for count in (2, 3):
        shards = [[v.change for v in run.verdicts] for _, run in _shards(flow_file, count)]
        assert sorted(change for shard in shards for change in shard) == sorted(whole)
        assert all(shard for shard in shards), "each shard has some of the tiny flow's mutants"


def test_a_mutant_keeps_its_shard_when_other_states_gain_or_lose_mutants() -> None:
    def shards(text: str) -> dict[str, int]:
        found = mutants(read_document(text))
        return {
            m.change: next(k for k in (1, 2, 3) if Shard(k, 3).holds(mutant_id(m.operator, m.state, m.change)))
            for m in found
        }

    before = shards(FLOW)
    after = shards(FLOW.replace("states:\n", "states:\n  hello:\n    say: [hi, there]\n    next: ask_age\n", 1))
    assert len(after) > len(before)
    assert {change: after[change] for change in before if change in after} == {
        change: shard for change, shard in before.items() if change in after
    }


def test_the_merged_shards_are_the_report_of_the_unsharded_run(flow_file: Path, tmp_path: Path) -> None:
    reports = []
    for k, (_, run) in enumerate(_shards(flow_file, 3), start=1):
        write_json_report(run, tmp_path / f"shard{k}.json")
        reports.append(tmp_path / f"shard{k}.json")
    merged = merge([(path, read_report(path)) for path in reversed(reports)])
    assert json_report(merged) == json_report(mutate(flow_file))


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda runs: runs[:1], "missing shard 2/2"),
        (lambda runs: [runs[0], runs[0]], "shard 1/2 is given twice: shard1.json and shard1.json"),
        (
            lambda runs: [runs[0], (runs[1][0], replace(runs[1][1], flow_digest="0" * 16))],
            "shard1.json and shard2.json judged different contents of",
        ),
        (
            lambda runs: [runs[0], (runs[1][0], replace(runs[1][1], flow=Path("other.yaml")))],
            "shard1.json and shard2.json are reports on different flows",
        ),
        (
            lambda runs: [runs[0], (runs[1][0], replace(runs[1][1], suite_digest="0" * 16))],
            "shard1.json and shard2.json replayed different conversations",
        ),
        (
            lambda runs: [runs[0], (runs[1][0], replace(runs[1][1], shard=Shard(2, 3)))],
            "shard1.json and shard2.json are shards of different splits",
        ),
        (
            lambda runs: [(runs[0][0], replace(runs[0][1], shard=None, total=None)), runs[1]],
            "shard1.json is the report of a whole run, not of a shard",
        ),
    ],
)
def test_reports_that_are_not_the_shards_of_one_run_are_refused(two_shards, spoil, message: str) -> None:
    with pytest.raises(MergeError) as refused:
        merge(spoil(two_shards))
    assert str(refused.value).startswith(message)


def test_a_file_that_is_not_a_report_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text('{"flow": "tiny.yaml"}', encoding="utf-8")
    with pytest.raises(MergeError) as refused:
        read_report(path)
    assert str(refused.value) == f"{path}: not a report written by `workbench mutate --shard K/N --json FILE`"


def _workbench(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "workbench.cli", "mutate", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_workbench_mutate_shards_then_merges_into_one_report(flow_file: Path, tmp_path: Path) -> None:
    shards = [tmp_path / "shard1.json", tmp_path / "shard2.json"]
    for k, report in enumerate(shards, start=1):
        done = _workbench(flow_file, "--shard", f"{k}/2", "--json", report)
        assert done.returncode == 0, done.stderr
        assert f"(shard {k}/2): " in done.stdout.splitlines()[0]
    merged, page = tmp_path / "all.json", tmp_path / "all.html"
    done = _workbench("--merge", *shards, "--json", merged, "--html", page, "--min-score", "90")
    assert done.returncode == 1, done.stderr
    data = json.loads(merged.read_text(encoding="utf-8"))
    assert {m["change"] for m in data["mutants"] if m["outcome"] == "survived"} == SURVIVORS
    assert data["shard"] is None and data["mutants_total"] == len(data["mutants"])
    assert f"mutation score: {data['score']:g}%" in done.stdout
    assert "wipe.next: ask_age → route" in page.read_text(encoding="utf-8")

    refused = _workbench("--merge", shards[0])
    assert refused.returncode == 2
    assert refused.stderr.strip() == "error: missing shard 2/2"
    bad = _workbench(flow_file, "--shard", "3/2")
    assert bad.returncode == 2
    assert 'expected K/N with 1 ≤ K ≤ N (such as 2/4), not "3/2"' in bad.stderr
