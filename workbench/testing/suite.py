"""Running many convo files: in this process, or spread over worker processes (`workers > 1`).

Every convo file is parsed once, by `plan`, which keeps the selected tests. Each worker process keeps one event loop
and one `Runner` (so one JavaScript sandbox and each flow loaded once) for its whole life and replays chunks of
tests; results come back without their event logs, with the coverage of the chunk already counted.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.testing.convo_format import ConvoTest, load_convo_file
from workbench.testing.coverage import Coverage
from workbench.testing.runner import ConvoResult, Runner, file_error

Select = Callable[[ConvoTest], bool]
Progress = Callable[[ConvoResult], None]


@dataclass
class SuiteResult:
    """Every test's result, in file order, and what the suite covered."""

    results: list[ConvoResult] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    duration: float = 0.0

    def count(self, status: str) -> int:
        """How many results have `status` (passed, failed, error)."""
        return sum(1 for r in self.results if r.status == status)

    @property
    def exit_code(self) -> int:
        """0 when everything passed, 2 when some input was bad, else 1."""
        if self.count("error"):
            return 2
        return 1 if self.count("failed") else 0


@dataclass(frozen=True, slots=True)
class Plan:
    """The files in order, the selected tests of each, and a result for each file that cannot run."""

    files: tuple[Path, ...]
    tests: dict[Path, tuple[ConvoTest, ...]]
    errors: dict[Path, ConvoResult]

    @property
    def count(self) -> int:
        """How many conversations will run."""
        return sum(map(len, self.tests.values()))


def plan(files: Sequence[Path], select: Select | None = None) -> Plan:
    """Load every file and pick the tests to run."""
    tests: dict[Path, tuple[ConvoTest, ...]] = {}
    errors: dict[Path, ConvoResult] = {}
    for path in files:
        convo = load_convo_file(path)
        if not convo.ok:
            errors[path] = file_error(convo)
        else:
            tests[path] = convo.tests if select is None else tuple(filter(select, convo.tests))
    return Plan(tuple(files), tests, errors)


async def run_tests(
    runner: Runner, tests: Sequence[ConvoTest], coverage: Coverage | None = None, progress: Progress | None = None
) -> list[ConvoResult]:
    """Replay `tests` one after the other, counting the coverage of each; results come without event logs.

    Between conversations the loop gets a turn, so that a window sharing it stays responsive (and can cancel).
    """
    results: list[ConvoResult] = []
    for test in tests:
        result = await runner.run(test)
        flow = runner.flows.get(test.flow).flow
        if coverage is not None and flow is not None and result.events:
            coverage.record(flow, result.events)
        results.append(result.without_events())
        if progress is not None:
            progress(results[-1])
        await asyncio.sleep(0)
    return results


async def run_suite(
    todo: Plan, *, variables: Mapping[str, Any] | None = None, progress: Progress | None = None
) -> SuiteResult:
    """Replay a plan in this process, on the running event loop."""
    began = time.perf_counter()
    suite = SuiteResult()
    runner = Runner(variables=variables)
    try:
        for path in todo.files:
            if path in todo.errors:
                suite.results.append(todo.errors[path])
                continue
            suite.results += await run_tests(runner, todo.tests[path], suite.coverage, progress)
    finally:
        await runner.aclose()
    suite.duration = time.perf_counter() - began
    return suite


# --- worker processes -------------------------------------------------------------------------------------------

_worker: tuple[asyncio.AbstractEventLoop, Runner] | None = None


def _start_worker(variables: Mapping[str, Any] | None) -> None:
    global _worker
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    _worker = (loop, Runner(variables=variables))


def _work(tests: list[ConvoTest]) -> tuple[list[ConvoResult], dict[str, Any]]:
    assert _worker is not None, "the worker was not started"
    loop, runner = _worker
    coverage = Coverage()
    results = loop.run_until_complete(run_tests(runner, tests, coverage))
    return results, coverage.to_json()


def _chunks(todo: Plan, workers: int) -> list[list[ConvoTest]]:
    """The tests in file order, in chunks big enough to amortise sending them and small enough to keep every
    worker busy until the end."""
    size = max(1, min(200, todo.count // (workers * 8)))
    tests = [test for path in todo.files for test in todo.tests.get(path, ())]
    return [tests[i : i + size] for i in range(0, len(tests), size)]


def run_suite_parallel(
    todo: Plan,
    *,
    workers: int,
    variables: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> SuiteResult:
    """Replay a plan on `workers` processes (spawned, so it works the same on every platform).

    Setting `stop` (from another thread) drops the pieces not started yet; the results so far come back.
    """
    began = time.perf_counter()
    suite = SuiteResult()
    done: dict[int, list[ConvoResult]] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(variables,)) as pool:
        futures = {pool.submit(_work, chunk): index for index, chunk in enumerate(_chunks(todo, workers))}
        for future in as_completed(futures):
            results, coverage = future.result()
            done[futures[future]] = results
            suite.coverage.merge(Coverage.from_json(coverage))
            if progress is not None:
                for result in results:
                    progress(result)
            if stop is not None and stop.is_set():
                for pending in futures:
                    pending.cancel()
                break
    by_file: dict[str, list[ConvoResult]] = {}
    for index in sorted(done):
        for result in done[index]:
            by_file.setdefault(result.file, []).append(result)
    for path in todo.files:
        suite.results += [todo.errors[path]] if path in todo.errors else by_file.get(str(path), [])
    suite.duration = time.perf_counter() - began
    return suite


def run(
    todo: Plan,
    *,
    workers: int = 1,
    variables: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> SuiteResult:
    """Replay a plan (blocking): in this process for one worker, else in worker processes (which `stop` can
    stop early)."""
    if workers > 1 and todo.count > 1:
        return run_suite_parallel(todo, workers=workers, variables=variables, progress=progress, stop=stop)
    return asyncio.run(run_suite(todo, variables=variables, progress=progress))
