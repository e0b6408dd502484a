"""Worker processes of a suite run: forked only where that is safe, and whichever way they start, the same
results, order and coverage as one process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from workbench.testing import suite
from workbench.testing.convo_format import find_convo_files
from workbench.testing.selection import Selection

SAMPLE = Path(__file__).parents[2] / "flows" / "train_ticket"

# In a fresh interpreter, as `workbench test` runs: how the workers start, then the sample's offline suite with
# two workers (before anything loads the JavaScript sandbox here) and with one.
_FRESH_RUN = """
import json, sys
from pathlib import Path
from workbench.testing import suite
from workbench.testing.convo_format import find_convo_files
from workbench.testing.selection import Selection

todo = suite.stream(find_convo_files([Path(sys.argv[1])]), Selection(tags="not live"))
method = suite.start_method()
runs = [suite.run(todo, workers=workers) for workers in (2, 1)]
print(json.dumps({
    "method": method,
    "runs": [[[r.id, r.status, r.language] for r in run.results] for run in runs],
    "coverage": [run.coverage.to_json() for run in runs],
}))
"""


def _fresh(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux only")
def test_workbench_test_forks_its_workers_and_they_give_one_processs_results_order_and_coverage() -> None:
    figures = json.loads(_fresh(_FRESH_RUN, str(SAMPLE)))
    assert figures["method"] == "fork"
    parallel, serial = figures["runs"]
    assert len(serial) >= 8 and all(status == "passed" for _, status, _ in serial)
    assert parallel == serial
    assert figures["coverage"][0] == figures["coverage"][1]


def test_a_process_that_loaded_the_javascript_sandbox_spawns_its_workers() -> None:
    script = """
    from workbench.testing import suite
    before = suite.start_method()
    import workbench.engine.sandbox
    print(before, suite.start_method())
    """
    expected = "fork spawn" if sys.platform == "linux" else "spawn spawn"
    assert _fresh(script) == expected


def test_a_process_running_another_thread_spawns_its_workers() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert suite.start_method() == "spawn"
    finally:
        release.set()
        other.join()


def test_spawned_workers_give_one_processs_results_order_and_coverage() -> None:
    # This test process has run (or may have run) the sandbox and other threads: its workers are spawned.
    import workbench.engine.sandbox  # noqa: F401

    assert suite.start_method() == "spawn"
    todo = suite.stream(find_convo_files([SAMPLE]), Selection(tags="not live"))
    serial, parallel = suite.run(todo, workers=1), suite.run(todo, workers=2)
    assert [(r.id, r.status) for r in parallel.results] == [(r.id, r.status) for r in serial.results]
    assert serial.count("passed") == len(serial.results) >= 8
    assert parallel.coverage.to_json() == serial.coverage.to_json()


def test_a_suite_of_many_files_comes_back_whole_and_in_file_order_from_workers_that_share_it(tmp_path: Path) -> None:
    flow = tmp_path / "echo.yaml"
    flow.write_text(
        "name: Echo\nstart: ask\nstates:\n  ask:\n    ask: Say something.\n    save: said\n    next: echo\n"
        "  echo:\n    say: 'You said: {said}'\n"
    )
    files = []
    for n in range(600):
        path = tmp_path / f"e{n:04d}.convo.yaml"
        path.write_text(f"flow: echo.yaml\nname: echo {n}\nturns:\n  - user: hi {n}\n  - bot: 'You said: hi {n}'\n")
        files.append(path)
    heard: list[str] = []
    result = suite.run(suite.stream(files), workers=2, progress=lambda r: heard.append(r.id), coverage=False)
    assert [r.id for r in result.results] == [f"{path}::echo {n}" for n, path in enumerate(files)]
    assert result.count("passed") == 600
    assert sorted(heard) == sorted(r.id for r in result.results)
