"""Benchmark: `workbench explore` on generated 100- and 1,000-state flows. Run it with
`python tests/benchmarks/bench_explore.py [--sizes 100 1000] [--profile N]`.

The flows are bench_graph's (a menu, category menus, topics of ~20 states with routers, asks, buttons, code, API
calls with error handling, iframes, intents and the system states). For each size it prints the states and
transitions reached, the conversations replayed, their turns, the seconds and how the search ended; it exits 1
when the 1,000-state flow takes longer than the issue's target (60 s) or any search stops on its budget.
`--profile N` prints cProfile's top N entries for the largest size. Named bench_*.py so that the default test
run does not collect it.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_graph import flow_text

from workbench.flow.loader import load_flow
from workbench.testing.explore.search import Budget, Exploration, explore

SIZES = (100, 1000)
TARGET_SECONDS = 60.0
BUDGET = Budget(conversations=1_000_000, turns=200, seconds=600.0)
ENDED = {
    "everything": "everything reached",
    "exhausted": "no path left",
    "values": "other variable values stopped reaching anything",
    "budget": "by the budget",
    "user": "by the user",
}


def explored(states: int) -> Exploration:
    """Explore a generated flow of `states` states to the end (a budget it does not reach)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"generated_{states}.yaml"
        path.write_text(flow_text(states), encoding="utf-8")
        loaded = load_flow(path)
        assert loaded.flow is not None, loaded.errors
        return asyncio.run(explore(loaded.flow, budget=BUDGET))


def line(states: int, exploration: Exploration) -> str:
    """One row of the results."""
    totals = exploration.coverage.totals()
    s, t = totals["states"], totals["transitions"]
    return (
        f"{states:>5} states: states {s['covered']}/{s['total']} · transitions {t['covered']}/{t['total']} · "
        f"{exploration.replays} conversations · {exploration.turns} turns · {len(exploration.kept)} kept · "
        f"{exploration.seconds:.1f} s · ended: {ENDED[exploration.ended]}"
        + (f" ({exploration.stopped})" if exploration.stopped else "")
    )


def main(argv: list[str] | None = None) -> int:
    """Explore each size, print a row for each; 1 when over the target or stopped by the budget."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print cProfile's top N (largest size)")
    args = parser.parse_args(argv)
    failed = False
    for states in args.sizes:
        if args.profile and states == max(args.sizes):
            profiler = cProfile.Profile()
            exploration = profiler.runcall(explored, states)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
        else:
            exploration = explored(states)
        print(line(states, exploration), flush=True)
        failed |= exploration.cut_short
        if states >= 1000 and exploration.seconds > TARGET_SECONDS:
            print(f"  over the target of {TARGET_SECONDS:g} s")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
