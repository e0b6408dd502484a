"""pytest at scale: the plugin on N one-conversation files (bench_replay_scale's suite), `-n 0` against `-n 2`.

Run it with `python tests/benchmarks/bench_pytest_scale.py [--rounds R] [N ...]` (default: 1 round of 1000 10000).
For each N and each of `-n 0` and `-n 2` it prints the wall time and, for every process (the one pytest, or the
xdist controller and each worker), its CPU (user+system) split into start-up (up to `pytest_configure`),
collection, the run and the end (terminal summary and exit), with the CPU per conversation of the run; the rounds
interleave -n 0 and -n 2 and the figures printed are medians. Issue 13 asks for `-n 2` about 1.7x `-n 0` at 10,000
files (as `workbench test -j 2` against `-j 1`). The processes are measured by this file loaded as a pytest plugin
(`-p bench_pytest_scale`), which writes one JSON line per process.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TIMEOUT = 900
_LOG = "BENCH_PYTEST_SCALE_LOG"
_marks: list[tuple[str, float]] = []
_items = [0]  # conversations this process ran, or (the xdist controller) had reported


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def pytest_configure(config: Any) -> None:
    """Plugin side: CPU up to here is the process's start-up."""
    _marks.append(("startup", _cpu()))


def pytest_collection_finish(session: Any) -> None:
    """Plugin side: the end of collection."""
    _marks.append(("collect", _cpu()))


def pytest_runtest_logfinish(nodeid: str, location: Any) -> None:
    """Plugin side: one more conversation done."""
    _items[0] += 1


def pytest_sessionfinish(session: Any) -> None:
    """Plugin side: the end of the run; a worker writes its line here (it may be stopped before it unconfigures)."""
    _marks.append(("run", _cpu()))
    if hasattr(session.config, "workerinput"):
        _write(session.config.workerinput["workerid"])


def pytest_unconfigure(config: Any) -> None:
    """Plugin side: the controller (or the one process) writes its line, the terminal summary included."""
    if not hasattr(config, "workerinput"):
        _marks.append(("end", _cpu()))
        _write("main")


def _write(who: str) -> None:
    if _LOG not in os.environ:
        return
    phases, before = {}, 0.0
    for name, at in _marks:
        phases[name], before = at - before, at
    with open(os.environ[_LOG], "a", encoding="utf-8") as out:
        out.write(json.dumps({"who": who, "items": _items[0], **phases}) + "\n")


def measure(convos: Path, workers: int) -> dict[str, Any]:
    """One `pytest -n workers` run over `convos` in a fresh process: wall seconds and each process's phases."""
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as log:
        env = {
            **os.environ,
            _LOG: log.name,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
        }
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(convos),
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "bench_pytest_scale",
        ]
        began = time.perf_counter()
        done = subprocess.run(
            [*command, "-n", str(workers)], capture_output=True, text=True, timeout=TIMEOUT, cwd=convos.parent, env=env
        )
        wall = time.perf_counter() - began
        processes = [json.loads(line) for line in log.read().splitlines()]
    if done.returncode != 0:
        raise SystemExit(done.stdout[-2000:] + done.stderr[-2000:])
    return {"wall": wall, "processes": processes}


PHASES = ("startup", "collect", "run", "end")


def _row(label: str, runs: list[dict[str, Any]]) -> str:
    """Medians of the runs: wall, CPU of all processes, and each process's phases and run CPU per conversation."""
    wall = statistics.median(run["wall"] for run in runs)
    cpu = statistics.median(sum(p.get(k, 0.0) for p in run["processes"] for k in PHASES) for run in runs)
    lines = [f"  {label}: wall {wall:6.2f} s, CPU of all processes {cpu:6.2f} s"]
    for who in sorted({p["who"] for p in runs[0]["processes"]}):
        mine = [p for run in runs for p in run["processes"] if p["who"] == who]
        phases = {k: statistics.median(p.get(k, 0.0) for p in mine) for k in PHASES}
        items = statistics.median(p["items"] for p in mine)
        shown = ", ".join(f"{k} {v:.2f} s" for k, v in phases.items() if v)
        per = f"; run {1e6 * phases['run'] / items:.0f} µs CPU per conversation ({items:.0f})" if items else ""
        lines.append(f"    {who:>5}: {shown}{per}")
    return "\n".join(lines)


def main() -> None:
    """Write each suite, run both modes in interleaved rounds, print the medians and the speed-up."""
    sys.path.insert(0, str(HERE))
    from bench_replay_scale import write_suite

    args = sys.argv[1:]
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 1
    counts = [int(a) for i, a in enumerate(args) if a.isdigit() and (i == 0 or args[i - 1] != "--rounds")]
    for count in counts or [1000, 10000]:
        with tempfile.TemporaryDirectory() as folder:
            convos = write_suite(Path(folder), count)
            runs: dict[int, list[dict[str, Any]]] = {0: [], 2: []}
            for _ in range(rounds):
                for workers in runs:
                    runs[workers].append(measure(convos, workers))
            print(f"{count} files ({rounds} round(s), medians)")
            for workers, measured in runs.items():
                print(_row(f"-n {workers}", measured))
            serial = statistics.median(run["wall"] for run in runs[0])
            spread = statistics.median(run["wall"] for run in runs[2])
            print(f"  -n 2 is {serial / spread:.2f}x -n 0 (target about 1.7x at 10,000)", flush=True)


if __name__ == "__main__":
    main()
