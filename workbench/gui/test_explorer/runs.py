"""Running convo tests for the explorer, with `workbench.testing.suite`: on the window's event loop, or in worker
processes driven from a thread. Either way the loop stays free: the files are planned a slice of time at a time on
the loop (the plan kept out of the collector's full passes, see `heap`), `suite.run_tests` yields between
conversations, the results of worker processes cross over from the thread a batch at a time, and the plan is let go
of a slice of time at a time when the run ends.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.gui.heap import Slices, keep
from workbench.testing import suite
from workbench.testing.convo_format import ConvoTest
from workbench.testing.localize import ONE_LANGUAGE, RunLanguages
from workbench.testing.runner import ConvoResult, FlowCache, run_languages

Plans = list[tuple[suite.Plan, dict[str, Any] | None]]


class SuiteRun(QObject):
    """One run at a time: `planned(count)`, then `results(list[ConvoResult])` with the results that came in (one
    per conversation and language it runs in, and per file that cannot run), then `finished(SuiteResult | None)`
    (None when stopped on the event loop; a worker run that was stopped gives what finished)."""

    planned = Signal(int)
    results = Signal(list)
    finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.task: asyncio.Task[None] | None = None
        self.workers = 0
        self.languages = ONE_LANGUAGE
        self._stop = threading.Event()

    @property
    def running(self) -> bool:
        """Whether a run is going on."""
        return self.task is not None and not self.task.done()

    def start(
        self,
        tests: Sequence[ConvoTest],
        workers: int = 0,
        live_variables: Mapping[str, Any] | None = None,
        languages: RunLanguages = ONE_LANGUAGE,
    ) -> asyncio.Task[None]:
        """Run `tests` in `languages` (on the event loop for `workers` 0, else in that many processes).
        Conversations with `http: passthrough` get `live_variables` (the window's, such as the `api_base` of its
        backend)."""
        if self.running:
            raise RuntimeError("a run is already going on")
        self._stop.clear()
        self.workers = workers
        self.languages = languages
        self.task = asyncio.ensure_future(self._run(tests, workers, dict(live_variables or {})))
        return self.task

    def stop(self) -> None:
        """Stop the run: at once on the event loop; worker processes finish the piece they are on."""
        self._stop.set()
        if self.task is not None and self.workers == 0:
            self.task.cancel()

    async def _run(self, tests: Sequence[ConvoTest], workers: int, live_variables: dict[str, Any]) -> None:
        began = time.perf_counter()
        try:
            plans = await _plans(tests, live_variables)
            self.planned.emit(await _count(plans, self.languages))
            total = await self._groups(plans, workers)
            total.duration = time.perf_counter() - began
            await _let_go(plans)
        except asyncio.CancelledError:
            self._stop.set()  # worker processes too, when the window cancels every task on its way out
            self.finished.emit(None)
            raise
        self.finished.emit(total)

    async def _groups(self, plans: Plans, workers: int) -> suite.SuiteResult:
        """Every plan run in turn, as one result."""
        total = suite.SuiteResult()
        for todo, variables in plans:
            if todo.errors:
                self.results.emit(list(todo.errors.values()))
            if workers == 0:
                outcome = await suite.run_suite(
                    todo, variables=variables, progress=lambda r: self.results.emit([r]), languages=self.languages
                )
            else:
                outcome = await self._in_processes(todo, workers, variables)
            total.results += outcome.results
            total.coverage.merge(outcome.coverage)
        return total

    async def _in_processes(
        self, todo: suite.Plan, workers: int, variables: Mapping[str, Any] | None
    ) -> suite.SuiteResult:
        loop = asyncio.get_running_loop()
        inbox = _Inbox(loop, self.results.emit)
        # A thread of its own, so that the loop's default executor stays free for the window's other work; not
        # waited for when the task is cancelled (the window closing), or the loop would block on it.
        thread = ThreadPoolExecutor(1, thread_name_prefix="convo-workers")
        try:
            work = functools.partial(
                suite.run,
                todo,
                workers=workers,
                variables=variables,
                progress=inbox.put,
                stop=self._stop,
                languages=self.languages,
                replay_here=False,  # this thread replaying would hold the interpreter the window needs
            )
            return await loop.run_in_executor(thread, work)
        finally:
            thread.shutdown(wait=False)


class _Inbox:
    """Results handed over from a run's thread to the loop: the loop is woken once per batch (a worker process's
    chunk brings a few hundred results at once), not once per result."""

    def __init__(self, loop: asyncio.AbstractEventLoop, deliver: Callable[[list[ConvoResult]], None]) -> None:
        self._loop = loop
        self._deliver = deliver
        self._lock = threading.Lock()
        self._waiting: list[ConvoResult] = []

    def put(self, result: ConvoResult) -> None:
        """In the thread: hand over `result` (the first of a batch wakes the loop)."""
        with self._lock:
            self._waiting.append(result)
            first = len(self._waiting) == 1
        if first:
            self._loop.call_soon_threadsafe(self._hand_over)

    def _hand_over(self) -> None:
        with self._lock:
            batch, self._waiting = self._waiting, []
        self._deliver(batch)


async def _let_go(plans: Plans) -> None:
    """Drop what the plans hold a file at a time, the loop getting turns in between: freeing 10,000 parsed
    conversations (half a million objects) at once blocked the loop for 80 ms at the end of every run."""
    slices = Slices(keeping=False)
    for todo, _ in plans:
        while todo.tests:
            todo.tests.popitem()
            await slices.turn()
    plans.clear()


async def _count(plans: Plans, languages: RunLanguages) -> int:
    """How many results the plans give in `languages`: one per conversation and language it runs in (as the
    runner chooses them, each flow loaded once), and one per file that cannot run."""
    flows = FlowCache()
    slices = Slices()
    count = 0
    for todo, _ in plans:
        count += len(todo.errors)
        for tests in todo.tests.values():
            count += sum(len(run_languages(test, flows, languages)) for test in tests)
            await slices.turn()
    return count


async def _plans(tests: Sequence[ConvoTest], live_variables: dict[str, Any]) -> Plans:
    """The plan of the tests that use the network (with the window's variables) after the plan of the others."""
    groups = [
        ([t for t in tests if not t.passthrough], None),
        ([t for t in tests if t.passthrough], live_variables),
    ]
    return [(await _plan(group), variables) for group, variables in groups if group]


async def _plan(tests: Sequence[ConvoTest]) -> suite.Plan:
    """The suite plan that runs exactly `tests` (their files loaded again, as they are now), parsed a slice of
    time at a time on the loop (a thread would hold the GIL in long stretches as it parses) and kept out of the
    collector's full passes for the run (`heap`)."""
    slices = Slices()
    wanted: set[str] = set()
    named: dict[str, None] = {}
    for test in tests:
        wanted.add(test.id)
        named[test.file] = None
        await slices.turn()
    files: list[Path] = []
    chosen: dict[Path, tuple[ConvoTest, ...]] = {}
    errors: dict[Path, ConvoResult] = {}
    for name in named:
        path = Path(name)
        files.append(path)
        piece = suite.plan([path], lambda test: test.id in wanted)
        chosen.update(piece.tests)
        errors.update(piece.errors)
        await slices.turn()
    keep()
    return suite.Plan(tuple(files), chosen, errors)
