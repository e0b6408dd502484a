"""Turns per second of the sample's conversation suite replayed in each of its languages, and in all of them at once.

A conversation in a secondary language should cost what one in the primary costs: each language's flow is built once
at load time (`translations.in_language`), its NLU matchers once per flow and language, and each test's expectations
are translated once per language before the replay. This replays the sample's convo files (all but the one that
needs the live backend) with the test runner — expectations checked, canned HTTP as written — in English, in Dutch,
and with `--all-languages`, several rounds each, and prints the medians. Each round replays the files `--repeat`
times over on one runner, so that starting the runner's JavaScript worker is not what is measured.

Run: `python tests/benchmarks/bench_languages.py [--rounds N] [--repeat N]`.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from workbench.sample import SAMPLE_FOLDER
from workbench.testing import suite
from workbench.testing.convo_format import find_convo_files
from workbench.testing.localize import RunLanguages, languages_of
from workbench.testing.runner import FlowCache

RUNS = {"en": RunLanguages(("en",)), "nl": RunLanguages(("nl",)), "all": RunLanguages(every=True)}


def turns_per_second(todo: suite.Plan, languages: RunLanguages, rounds: int) -> tuple[float, int]:
    """The median turns/s of `rounds` replays of `todo` in `languages`, and how many conversations each ran."""
    flows = FlowCache()
    tests = [test for path in todo.files for test in todo.tests.get(path, ())]
    turns = sum(len(test.turns) * len(languages_of(test, flows.get(test.flow).flow, languages)) for test in tests)
    rates, count = [], 0
    for _ in range(rounds):
        began = time.perf_counter()
        result = suite.run(todo, languages=languages)
        rates.append(turns / (time.perf_counter() - began))
        assert result.count("passed") == len(result.results), [r.name for r in result.results if not r.passed]
        count = len(result.results)
    return statistics.median(rates), count


def main() -> None:
    """Replay the sample suite in each language and in all, print turns/s."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    files = [path for path in find_convo_files([SAMPLE_FOLDER]) if "live_backend" not in Path(path).name]
    todo = suite.plan(files * args.repeat)
    suite.run(todo)  # warm: the sandbox worker, the flows, the imports
    for name, languages in RUNS.items():
        rate, count = turns_per_second(todo, languages, args.rounds)
        print(f"{name:>4}: {rate:8,.0f} turns/s ({count} conversations, median of {args.rounds} rounds)", flush=True)


if __name__ == "__main__":
    main()
