"""Running many convo files: in this process, or spread over worker processes (`workers > 1`).

Two ways to say what to run. `plan()` loads every file here and keeps the selected tests, so the count is known
before anything runs (the window shows it). `stream()` loads nothing: each file is loaded where it is replayed and
the selection applied there — one file after the other in this process, so that no process holds every parsed
test at once, or by the worker process that replays it, so that workers parse in parallel from the start.

Each worker process keeps one event loop and one `Runner` (so one HTTP client, one JavaScript sandbox and each flow
loaded once) for its whole life and replays chunks of files; results come back without their event logs, with the
coverage of the chunk already counted, and are merged here in file order.

Every way to run takes the languages the run asks for (`localize.RunLanguages`, given to each `Runner`): each
conversation is replayed once per language it runs in, its result named with the language when there are several.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.testing.convo_format import ConvoTest, load_convo_file
from workbench.testing.coverage import Coverage
from workbench.testing.localize import ONE_LANGUAGE, RunLanguages
from workbench.testing.runner import ConvoResult, Runner, by_language, file_error

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

Select = Callable[[ConvoTest], bool]
Progress = Callable[[ConvoResult], None]
# What to replay of one file: its tests, the result that says why it cannot run, or None to load it there.
Piece = tuple[str | Path, tuple[ConvoTest, ...] | ConvoResult | None]

MAX_CHUNK = 200
MAX_WORKERS = 64
"""The most processes a run uses, whatever it asks for (see `worker_limit`)."""
OWN_LOOP_TURN = 100
"""A suite on a loop of its own gives the loop a turn after this many files (see `run_suite`)."""


@dataclass
class SuiteResult:
    """Every test's result, in file order, and what the suite covered."""

    results: list[ConvoResult] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    duration: float = 0.0

    def __repr__(self) -> str:
        # Short: asyncio.run formats the repr of its task, result included, when it puts Ctrl+C's handler back
        # (Python 3.11), and every result's repr at 100,000 results took 45 MB and a second.
        return f"SuiteResult({len(self.results)} results, {self.duration:.3f} s)"

    def count(self, status: str) -> int:
        """How many results have `status` (passed, failed, error)."""
        return sum(1 for r in self.results if r.status == status)

    def by_language(self) -> dict[str, list[ConvoResult]]:
        """The results of each language (`runner.by_language`)."""
        return by_language(self.results)

    @property
    def exit_code(self) -> int:
        """0 when everything passed, 2 when some input was bad, else 1."""
        if self.count("error"):
            return 2
        return 1 if self.count("failed") else 0


@dataclass(frozen=True, slots=True)
class Plan:
    """The files in order, the selected tests of each, and a result for each file that cannot run (all loaded)."""

    files: tuple[str | Path, ...]
    tests: dict[str | Path, tuple[ConvoTest, ...]]
    errors: dict[str | Path, ConvoResult]

    @property
    def count(self) -> int:
        """How many conversations will run (a file named twice runs twice)."""
        return sum(len(self.tests.get(path, ())) for path in self.files)

    def pieces(self, size: int | None = None) -> Iterator[Piece]:
        """Each file's error, or its tests (in pieces of at most `size`)."""
        for path in self.files:
            if path in self.errors:
                yield path, self.errors[path]
                continue
            tests = self.tests[path]
            step = size or len(tests) or 1
            for start in range(0, len(tests), step):
                yield path, tests[start : start + step]


@dataclass(frozen=True, slots=True)
class Stream:
    """The files in order, each loaded only where it is replayed, and the tests to pick of each (`select` must
    pickle when worker processes replay them, as a `Selection` does)."""

    files: tuple[str | Path, ...]
    select: Select | None = None

    def pieces(self, size: int | None = None) -> Iterator[Piece]:
        """Each file, to be loaded where it is replayed (whatever `size`: how many tests a file has is not known
        before)."""
        return ((path, None) for path in self.files)


Todo = Plan | Stream


def plan(files: Sequence[str | Path], select: Select | None = None) -> Plan:
    """Load every file and pick the tests to run."""
    tests: dict[str | Path, tuple[ConvoTest, ...]] = {}
    errors: dict[str | Path, ConvoResult] = {}
    for path in files:
        convo = load_convo_file(path)
        if not convo.ok:
            errors[path] = file_error(convo)
        else:
            tests[path] = _selected(convo.tests, select)
    return Plan(tuple(files), tests, errors)


def stream(files: Sequence[str | Path], select: Select | None = None) -> Stream:
    """Replay `files` loading each only when its turn comes (see the module docstring)."""
    return Stream(tuple(files), select)


def _selected(tests: tuple[ConvoTest, ...], select: Select | None) -> tuple[ConvoTest, ...]:
    return tests if select is None else tuple(filter(select, tests))


async def run_tests(
    runner: Runner,
    tests: Sequence[ConvoTest],
    coverage: Coverage | None = None,
    progress: Progress | None = None,
    *,
    yielding: bool = True,
) -> list[ConvoResult]:
    """Replay `tests` one after the other, each in every language it runs in (the runner's `languages`), counting
    the coverage of each; results come without event logs.

    With `yielding`, the loop gets a turn between conversations, so that a window sharing it stays responsive (and
    can cancel); a loop that runs nothing else needs one only once the run is cancelled (Ctrl+C).
    """
    task = asyncio.current_task()
    results: list[ConvoResult] = []
    for test in tests:
        chosen = runner.languages(test)
        label = runner.asked.several or len(chosen) > 1
        for language in chosen:
            result = await runner.run(test, language=language, label=label, events=coverage is not None)
            if coverage is not None and result.events:
                flow = runner.flows.last(test.flow).flow  # the flow it ran on
                if flow is not None:
                    coverage.record(flow, result.events, result.language)
                result = result.without_events()
            results.append(result)
            if progress is not None:
                progress(results[-1])
            if yielding or (task is not None and task.cancelling()):
                await asyncio.sleep(0)
    return results


async def _replay_piece(
    runner: Runner,
    piece: Piece,
    select: Select | None,
    coverage: Coverage | None,
    progress: Progress | None = None,
    *,
    yielding: bool = True,
) -> list[ConvoResult]:
    """The results of one piece (`yielding` as `run_tests`); `progress` hears of every result found here (a plan's
    errors were known)."""
    path, what = piece
    if what is None:
        convo = load_convo_file(path)
        if not convo.ok:
            error = file_error(convo)
            if progress is not None:
                progress(error)
            return [error]
        what = _selected(convo.tests, select)
    if isinstance(what, ConvoResult):
        return [what]
    return await run_tests(runner, what, coverage, progress, yielding=yielding)


def _select(todo: Todo) -> Select | None:
    return todo.select if isinstance(todo, Stream) else None


async def run_suite(
    todo: Todo,
    *,
    variables: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    languages: RunLanguages = ONE_LANGUAGE,
    coverage: bool = True,
    own_loop: bool = False,
) -> SuiteResult:
    """Replay a plan or a stream in this process, on the running event loop, in `languages`. `progress` hears of
    each conversation's result, and of each file of a stream that cannot run (a plan's are known beforehand);
    without `coverage` the result's coverage stays empty (nothing is counted).

    The loop gets a turn after each conversation (a window shares it), or, on a loop that runs nothing else
    (`own_loop`), only after every `OWN_LOOP_TURN` files, for the loop to drop the cancelled timers of the
    conversations' timeouts, and at once when the run is cancelled (Ctrl+C)."""
    began = time.perf_counter()
    suite = SuiteResult()
    runner = Runner(variables=variables, languages=languages)
    counted = suite.coverage if coverage else None
    select = _select(todo)
    try:
        for index, piece in enumerate(todo.pieces(), 1):
            suite.results += await _replay_piece(runner, piece, select, counted, progress, yielding=not own_loop)
            if own_loop and index % OWN_LOOP_TURN == 0:
                await asyncio.sleep(0)
    finally:
        await runner.aclose()
    suite.duration = time.perf_counter() - began
    return suite


# --- worker processes -------------------------------------------------------------------------------------------


class _Replayer:
    """One event loop and one `Runner` that replay pieces: a worker process's for its whole life, or this
    process's while it replays beside its workers."""

    def __init__(
        self, variables: Mapping[str, Any] | None, select: Select | None, languages: RunLanguages, coverage: bool
    ) -> None:
        self.loop = asyncio.new_event_loop()
        self.runner = Runner(variables=variables, languages=languages)
        self.select = select
        self.coverage = coverage

    def work(self, chunk: list[Piece]) -> tuple[list[list[ConvoResult]], Coverage]:
        """The results of each piece of `chunk`, and what they covered (nothing without `coverage`)."""
        return self.loop.run_until_complete(self._work(chunk))

    async def _work(self, chunk: list[Piece]) -> tuple[list[list[ConvoResult]], Coverage]:
        coverage = Coverage()
        counted = coverage if self.coverage else None
        # The loop gets a turn (and drops the timers of the chunk's conversations) when the chunk is done.
        pieces = [await _replay_piece(self.runner, piece, self.select, counted, yielding=False) for piece in chunk]
        return pieces, coverage

    def close(self) -> None:
        """Release the runner (its HTTP client and sandbox) and the loop."""
        self.loop.run_until_complete(self.runner.aclose())
        self.loop.close()


_worker: _Replayer | None = None


def _start_worker(
    variables: Mapping[str, Any] | None, select: Select | None, languages: RunLanguages, coverage: bool
) -> None:
    global _worker
    _worker = _Replayer(variables, select, languages, coverage)
    asyncio.set_event_loop(_worker.loop)


def _ready() -> None:
    """Nothing: submitted once per worker so that the pool starts every process at once."""


def _work(chunk: list[Piece]) -> tuple[list[list[ConvoResult]], dict[str, Any]]:
    """In a worker process: the results of each piece of `chunk`, and what they covered."""
    assert _worker is not None, "the worker was not started"
    results, coverage = _worker.work(chunk)
    return results, coverage.to_json()


def start_method() -> str:
    """How worker processes start: forked where that is safe — on Linux, from a process that runs no other thread
    (Qt's, a thread pool's) and never loaded V8 or the JavaScript sandbox's worker client (a child must not share
    V8's state or a sandbox worker's pipes) — as a forked worker starts at once, while a spawned one first imports
    the engine (about half a second); else spawned."""
    if sys.platform != "linux" or not _UNFORKABLE.isdisjoint(sys.modules):
        return "spawn"
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        return "spawn"
    return "fork" if threads == 1 else "spawn"


_UNFORKABLE = frozenset({"py_mini_racer", "workbench.engine.sandbox_worker_client"})


def _weight(piece: Piece) -> int:
    return len(piece[1]) if isinstance(piece[1], tuple) else 1


def _chunk_end(pieces: Sequence[Piece], first: int, left: int, workers: int) -> int:
    """Where a worker's chunk that begins at `first` ends, when `left` tests (a plan's) or files (a stream's) are
    left: it takes a share of them, at most `MAX_CHUNK`."""
    size = max(1, min(MAX_CHUNK, left // (workers * 4)))
    end = first
    while end < len(pieces) and size > 0:
        size -= _weight(pieces[end])
        end += 1
    return end


class _Share:
    """The pieces of a run in file order, handed out in chunks to worker processes (and piece by piece to this
    process, when it replays beside them), and the results of each piece as they land.

    A worker's chunk is big enough to amortise sending it and shrinks towards the end, so that everyone finishes
    together (`_chunk_end`). Each worker has a second chunk waiting once the workers are up (until then one chunk
    only, so that a small suite is not held up by a worker that cannot start it yet).
    """

    def __init__(
        self,
        pieces: list[Piece],
        pool: ProcessPoolExecutor,
        ready: list[Future[None]],
        processes: int,
        workers: int,
        suite: SuiteResult,
        progress: Progress | None,
    ) -> None:
        self.pieces = pieces
        self.pool = pool
        self.ready = ready  # one `_ready` per process: the pool is up when one is done
        self.processes = processes
        self.workers = workers
        self.suite = suite
        self.progress = progress
        self.found: list[list[ConvoResult] | None] = [None] * len(pieces)
        self.next = 0  # the first piece not handed out
        self.left = sum(map(_weight, pieces))
        self.flying: dict[Future[Any], int] = {}  # a worker's chunk → the index of its first piece

    def take(self) -> int | None:
        """The index of the next piece for this process (the workers' queues topped up first), None when none is
        left."""
        self.top_up()
        if self.next == len(self.pieces):
            return None
        self.next += 1
        self.left -= _weight(self.pieces[self.next - 1])
        return self.next - 1

    def top_up(self) -> None:
        """Hand the workers chunks until each has its chunk (and one waiting, once started)."""
        depth = 2 if any(started.done() for started in self.ready) else 1
        while self.next < len(self.pieces) and len(self.flying) < depth * self.processes:
            first, self.next = self.next, _chunk_end(self.pieces, self.next, self.left, self.workers)
            self.left -= sum(map(_weight, self.pieces[first : self.next]))
            self.flying[self.pool.submit(_work, self.pieces[first : self.next])] = first

    def collect(self, landed: Iterable[Future[Any]]) -> None:
        """Keep the results and coverage of the chunks that `landed`; `progress` hears of each result."""
        for future in landed:
            first = self.flying.pop(future)
            results, coverage = future.result()
            self.suite.coverage.merge(Coverage.from_json(coverage))
            self.found[first : first + len(results)] = results
            if self.progress is not None:
                for (_path, what), found in zip(self.pieces[first:], results, strict=False):
                    if not isinstance(what, ConvoResult):  # a plan's errors were known before
                        for result in found:
                            self.progress(result)

    def landed(self) -> list[Future[Any]]:
        """The workers' chunks that have landed (without waiting)."""
        return [future for future in self.flying if future.done()]

    def stop(self) -> None:
        """Hand out nothing more and drop the chunks not started yet."""
        self.next = len(self.pieces)
        for future in self.flying:
            future.cancel()
        self.flying.clear()

    def results(self) -> list[ConvoResult]:
        """Every result so far, in file order."""
        return [result for found in self.found if found is not None for result in found]


async def _alongside(share: _Share, here: _Replayer, progress: Progress | None, stop: threading.Event | None) -> None:
    """Replay pieces in this process, one at a time, while the workers replay theirs."""
    counted = share.suite.coverage if here.coverage else None
    while (index := share.take()) is not None:
        share.found[index] = await _replay_piece(here.runner, share.pieces[index], here.select, counted, progress)
        share.collect(share.landed())
        if stop is not None and stop.is_set():
            share.stop()


def worker_limit() -> int:
    """The most processes a run uses (this one among them when it replays too): four per CPU, at most
    `MAX_WORKERS`. More only wait for a CPU and each costs its memory and its start."""
    return max(2, min(MAX_WORKERS, 4 * (os.cpu_count() or 1)))


def used_workers(asked: int, pieces: int, *, replay_here: bool = True) -> int:
    """How many processes a run of `pieces` pieces (files, or parts of a long one) uses when `asked` for: no more
    than there are pieces, nor than `worker_limit()`; at least one worker process beside this one."""
    return max(min(asked, pieces, worker_limit()), 2 if replay_here else 1)


def run_suite_parallel(
    todo: Todo,
    *,
    workers: int,
    variables: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    replay_here: bool = True,
    languages: RunLanguages = ONE_LANGUAGE,
    coverage: bool = True,
) -> SuiteResult:
    """Replay a plan or a stream in `languages` on `workers` processes (see `start_method` for how they start;
    `used_workers` for how many start); without `coverage` nothing is counted.

    With `replay_here` this process is one of the `workers`: it replays pieces from the start, while the others
    start, so that a small suite is never slower than in one process. Without it (the window, whose thread must
    stay free) every chunk goes to a worker process. Setting `stop` (from another thread) drops the pieces not
    started yet; the results so far come back.
    """
    # Here, not at the top: a run in one process never loads the process pool.
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    began = time.perf_counter()
    suite = SuiteResult()
    pieces = list(todo.pieces(MAX_CHUNK))
    workers = used_workers(workers, len(pieces), replay_here=replay_here)
    processes = workers - 1 if replay_here else workers
    context = multiprocessing.get_context(start_method())
    initargs = (variables, _select(todo), languages, coverage)
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_start_worker, initargs=initargs) as pool:
        ready = [pool.submit(_ready) for _ in range(processes)]  # every process starts now, before the loop here
        share = _Share(pieces, pool, ready, processes, workers, suite, progress)
        if replay_here:
            here = _Replayer(variables, _select(todo), languages, coverage)
            try:
                here.loop.run_until_complete(_alongside(share, here, progress, stop))
            finally:
                here.close()
        share.top_up()
        while share.flying:
            share.collect(wait(share.flying, return_when=FIRST_COMPLETED).done)
            if stop is not None and stop.is_set():
                share.stop()
            share.top_up()
    suite.results = share.results()
    suite.duration = time.perf_counter() - began
    return suite


def run(
    todo: Todo,
    *,
    workers: int = 1,
    variables: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    replay_here: bool = True,
    languages: RunLanguages = ONE_LANGUAGE,
    coverage: bool = True,
) -> SuiteResult:
    """Replay a plan or a stream (blocking) in `languages`: in this process for one worker, else on `workers`
    processes (this one among them with `replay_here`; `stop` can stop them early). Without `coverage` (what
    `workbench test` does unless a coverage report is asked for) the suite's coverage is not counted."""
    many = todo.count > 1 if isinstance(todo, Plan) else len(todo.files) > 1
    if workers > 1 and many:
        return run_suite_parallel(
            todo,
            workers=workers,
            variables=variables,
            progress=progress,
            stop=stop,
            replay_here=replay_here,
            languages=languages,
            coverage=coverage,
        )
    return asyncio.run(
        run_suite(todo, variables=variables, progress=progress, languages=languages, coverage=coverage, own_loop=True)
    )
