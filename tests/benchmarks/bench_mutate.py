"""Benchmark: `workbench mutate` on the train-ticket sample and its suite, every mutant judged. Run it with
`python tests/benchmarks/bench_mutate.py [-j N] [--profile N]`.

It judges every mutant twice: with the selection by coverage (each mutant replayed only with the conversations
that reach its state) and without it (every mutant with the whole suite), and prints for each the mutants, the
score, the seconds and mutants per second. The two runs reach the same verdicts (it exits 1 if not), and 1 when
the run with the selection takes longer than the issue's target (30 s on the 2-core machine). It prints the CPU
time of making and loading every mutant too (in this process, no conversation run). `--profile N`
prints cProfile's top N entries of the run with the selection (this process only: with -j, the workers' share is
not in it). Named bench_*.py so that the default test run does not collect it.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

from workbench.flow.loader import load_flow_or_raise
from workbench.testing.mutate.document import MutantLoader
from workbench.testing.mutate.operators import mutants
from workbench.testing.mutate.run import MutationRun, mutate

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "flows" / "train_ticket" / "train_ticket.yaml"
TARGET_SECONDS = 30.0


def timed(workers: int, select: bool, profile: int = 0) -> tuple[MutationRun, float]:
    """One mutation run of the sample and its seconds (profiled when `profile` is set)."""
    began = time.perf_counter()
    if profile:
        profiler = cProfile.Profile()
        run = profiler.runcall(mutate, SAMPLE, workers=workers, select=select)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(profile)
    else:
        run = mutate(SAMPLE, workers=workers, select=select)
    return run, time.perf_counter() - began


def loading() -> str:
    """The row of making and loading every mutant of the sample: its CPU time, in all and per mutant."""
    began = time.process_time()
    loader = MutantLoader(load_flow_or_raise(SAMPLE))
    made = [loader.load(mutant.document) for mutant in mutants(loader.document)]
    seconds = time.process_time() - began
    return (
        f"making and loading the {len(made)} mutants: {seconds:.2f} s of CPU ({1000 * seconds / len(made):.1f} ms each)"
    )


def line(label: str, run: MutationRun, seconds: float) -> str:
    """One row of the results."""
    return (
        f"{label}: {len(run.verdicts)} mutants ({run.count('invalid')} invalid) · score {run.score:g}% · "
        f"{seconds:.1f} s · {len(run.verdicts) / seconds:.1f} mutants/s"
    )


def main(argv: list[str] | None = None) -> int:
    """Both runs, a row for each; 1 when their verdicts differ or the selected run is over the target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-j", "--workers", type=int, default=1, metavar="N")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print cProfile's top N (selected run)")
    args = parser.parse_args(argv)
    print(loading(), flush=True)
    selected, with_selection = timed(args.workers, True, args.profile)
    print(line(f"with the selection by coverage (-j {args.workers})", selected, with_selection), flush=True)
    everyone, without = timed(args.workers, False)
    print(line(f"without it, the whole suite each (-j {args.workers})", everyone, without), flush=True)
    print(f"the selection saves {100 * (1 - with_selection / without):.0f}% of the time")
    failed = False
    if everyone.verdicts != selected.verdicts:
        print("  the two runs reached different verdicts")
        failed = True
    if with_selection > TARGET_SECONDS:
        print(f"  over the target of {TARGET_SECONDS:g} s")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
