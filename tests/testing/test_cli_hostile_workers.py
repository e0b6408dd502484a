"""`workbench test -j N` with an absurd N: the run starts no more processes than it has files, nor than 4 per CPU."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.testing import suite

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "flows" / "train_ticket" / "train_ticket.yaml"

# `workbench` itself, with the process pool counting the processes it is asked for.
COUNTING = """
import concurrent.futures, sys
Real = concurrent.futures.ProcessPoolExecutor
class Counting(Real):
    def __init__(self, max_workers=None, *args, **options):
        print(f"processes: {max_workers}", file=sys.stderr)
        super().__init__(max_workers, *args, **options)
concurrent.futures.ProcessPoolExecutor = Counting
from workbench.cli import main
sys.exit(main(sys.argv[1:]))
"""


def counted_workbench(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", COUNTING, *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def two_files(tmp_path: Path) -> Path:
    for name in ("first", "second"):
        text = f"flow: {SAMPLE}\nturns: [{{bot: Welcome to Belgian Rail tickets!}}]\n"
        (tmp_path / f"{name}.convo.yaml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("jobs", ["1000", "10000", "9" * 5000])
def test_two_files_start_one_worker_beside_this_process_whatever_j_asks(two_files: Path, jobs: str) -> None:
    result = counted_workbench("test", str(two_files), "-j", jobs)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "processes: 1\n"
    assert result.stdout.startswith("2 passed, 0 failed")


@pytest.mark.parametrize("jobs", ["-1", "two", "2.5", ""])
def test_a_j_that_is_no_number_of_processes_is_refused_in_one_line(two_files: Path, jobs: str) -> None:
    result = counted_workbench("test", str(two_files), "-j", jobs)
    assert result.returncode == 2
    last = result.stderr.splitlines()[-1]
    expected = "expected 0 (one per CPU) or a number of processes"
    assert last == f"workbench test: error: argument -j/--workers: {expected}, not '{jobs}'"
    assert "Traceback" not in result.stderr


def test_the_help_of_j_says_its_limits() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "test", "-h"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert "4 per CPU" in " ".join(result.stdout.split())


def test_the_workers_are_no_more_than_the_pieces_of_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suite.os, "cpu_count", lambda: 2)
    assert suite.used_workers(1000, 2) == 2
    assert suite.used_workers(3, 10) == 3
    assert suite.used_workers(1000, 1, replay_here=False) == 1
    assert suite.used_workers(1000, 1) == 2  # this process and one worker: the least a parallel run is


@pytest.mark.parametrize(("cpus", "limit"), [(None, 4), (1, 4), (2, 8), (8, 32), (16, 64), (256, 64)])
def test_the_workers_are_at_most_four_per_cpu_and_never_more_than_64(
    monkeypatch: pytest.MonkeyPatch, cpus: int | None, limit: int
) -> None:
    monkeypatch.setattr(suite.os, "cpu_count", lambda: cpus)
    assert suite.worker_limit() == limit
    assert suite.used_workers(10**9, 10**6) == limit
