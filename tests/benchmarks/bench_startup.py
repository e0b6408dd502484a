"""Wall time of short `workbench` commands, from process start to exit (target: under 0.5 s each), the median of
several fresh runs: `workbench test` on one conversation file, `workbench validate` on the sample, `workbench --help`.

Each command is timed twice, the two kinds of run interleaved: as a first run (no byte-code cache: Python compiles
every module of the workbench, as it does in an editable install with PYTHONDONTWRITEBYTECODE=1), and with a
byte-code cache (in a temporary folder named by PYTHONPYCACHEPREFIX, warmed by one run, so that nothing is written
into the repository).

Run: `python tests/benchmarks/bench_startup.py [--runs N]`. To see what a command loads, and at what cost:
`python -X importtime -m workbench.cli test flows/train_ticket/intents.convo.yaml 2> imports.txt`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "flows" / "train_ticket"
COMMANDS = {
    "workbench test ONE_FILE": ["test", str(SAMPLE / "intents.convo.yaml")],
    "workbench validate SAMPLE": ["validate", str(SAMPLE / "train_ticket.yaml")],
    "workbench --help": ["--help"],
}


def workbench_command() -> list[str]:
    """The console script beside this interpreter, as a user runs it; else the module."""
    script = shutil.which("workbench", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "workbench.cli"]


def first_run_environment() -> dict[str, str]:
    """The environment of a run that finds no byte-code of the workbench and writes none."""
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPYCACHEPREFIX"}
    return {**environment, "PYTHONDONTWRITEBYTECODE": "1"}


def cached_environment(cache: Path) -> dict[str, str]:
    """The environment of a run that reads (and writes) byte-code in `cache`."""
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**environment, "PYTHONPYCACHEPREFIX": str(cache)}


def wall_time(command: list[str], environment: dict[str, str]) -> float:
    """Seconds one run of `command` takes, start to exit; a failing run stops the benchmark."""
    began = time.perf_counter()
    subprocess.run(
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=60
    )
    return time.perf_counter() - began


def shown(times: list[float]) -> str:
    """A median with the spread of the runs."""
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def main() -> None:
    """Print the median wall time of each command, first runs and with a byte-code cache."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = workbench_command()
    if any((ROOT / "workbench").rglob("__pycache__")):
        print("note: workbench/ holds __pycache__ folders, which first runs read: delete them for a true first run")
    first = first_run_environment()
    with tempfile.TemporaryDirectory(prefix="workbench-pycache-") as folder:
        cached = cached_environment(Path(folder))
        for name, arguments in COMMANDS.items():
            command = [*base, *arguments]
            wall_time(command, cached)  # writes the byte-code this command loads
            timed: dict[str, list[float]] = {"first run": [], "cached": []}
            for _ in range(args.runs):
                timed["first run"].append(wall_time(command, first))
                timed["cached"].append(wall_time(command, cached))
            print(f"{name:<26} first run {shown(timed['first run'])}   cached {shown(timed['cached'])}")


if __name__ == "__main__":
    main()
