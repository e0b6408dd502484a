"""Wall time of short `workbench` commands, from process start to exit (target: under 0.5 s each), the median of
several fresh runs: `workbench test` on one conversation file, `workbench validate` on the sample, `workbench --help`.

Run: `python tests/benchmarks/bench_startup.py [--runs N]`. To see what a command loads, and at what cost:
`python -X importtime -m workbench.cli test flows/train_ticket/intents.convo.yaml 2> imports.txt`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
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


def wall_time(command: list[str]) -> float:
    """Seconds one run of `command` takes, start to exit; a failing run stops the benchmark."""
    began = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=60)
    return time.perf_counter() - began


def main() -> None:
    """Print the median wall time of each command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = workbench_command()
    wall_time([*base, "--help"])  # a first run writes the byte-code caches; it is not what a user waits for
    for name, arguments in COMMANDS.items():
        times = [wall_time([*base, *arguments]) for _ in range(args.runs)]
        print(f"{name:<28} median {statistics.median(times):.3f} s  (min {min(times):.3f}, max {max(times):.3f})")


if __name__ == "__main__":
    main()
