"""One exploration for the window, run in a worker thread: the search, its progress handed over, and keeping a
chosen part of what it found. No Qt here.

The thread runs its own asyncio loop (`asyncio.run`), so the search's JavaScript sandbox and HTTP client belong to
it, and the window's loop only receives `Progress` through the callback it gives (the callback runs in the thread:
it must hand the value over, e.g. with `loop.call_soon_threadsafe`). The search calls back after every replay;
the job hands over at most one `Progress` per `interval` seconds, one when the search is over and the kept paths
are being shrunk (`shrink.py`), and one at the end with the conversations whose names the shrinking changed and
why the search did not reach the states and transitions it did not (the report's reasons, worked out here). A
stop request ends the search after the conversation being replayed; the paths found so far are then kept as
they are (not shrunk).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.flow.loader import load_flow
from workbench.flow.model import Flow
from workbench.gui.coverage_view.data import Reasons
from workbench.testing.explore.output import Written, verify, write_suite
from workbench.testing.explore.report import report_data
from workbench.testing.explore.search import Budget, Exploration, explore
from workbench.testing.explore.shrink import shrink
from workbench.testing.explore.writer import Names, SuiteWriter


@dataclass(frozen=True, slots=True)
class Found:
    """A conversation the search kept: its place in the search's order, its name and what it reached first."""

    index: int
    name: str
    reached: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Progress:
    """The search so far: conversations replayed, seconds, the coverage (`FlowCoverage` JSON), the conversations
    kept (or renamed by the shrinking) since the previous `Progress`, whether the kept paths are being shrunk, and
    at the end (`done`) why it stopped early (empty: it ran out of paths; `STOPPED_BY_USER`; a budget that ran out)
    and why it did not reach what it did not (`reasons`)."""

    replays: int
    seconds: float
    coverage: dict[str, Any]
    found: tuple[Found, ...]
    done: bool = False
    stopped: str = ""
    shrinking: bool = False
    reasons: Reasons = field(default_factory=Reasons)


class ExploreJob:
    """Explores the flow file at `path` with starting `variables` within `budget` (by default the command's);
    `notify(Progress)` is called in the worker thread. `run`, then `keep`, are for that thread; `stop` for any."""

    def __init__(
        self,
        path: Path,
        notify: Callable[[Progress], None],
        *,
        variables: Mapping[str, Any] | None = None,
        budget: Budget | None = None,
        interval: float = 0.2,
    ) -> None:
        self.path = path
        self.variables = dict(variables or {})
        self.budget = budget or Budget()
        self.interval = interval
        self._notify = notify
        self._stopped = threading.Event()
        self._exploration: Exploration | None = None
        self._writer: SuiteWriter | None = None
        self._names = Names()
        self._handed: list[str] = []
        """The names handed over so far, in the search's order."""
        self._last = 0.0

    def stop(self) -> None:
        """End the search after the conversation being replayed (or the shrinking after its replay)."""
        self._stopped.set()

    def run(self) -> list[str]:
        """Load the flow, explore it and shrink what it kept; the flow's errors (`file:line:column: message`), or
        none when it ran."""
        loaded = load_flow(self.path)
        if loaded.flow is None or loaded.errors:
            return [str(problem) for problem in loaded.errors]
        self._writer = SuiteWriter(loaded.flow, self.path.name)
        self._exploration = asyncio.run(self._explore(loaded.flow))
        self._hand_over(self._exploration, done=True, stopped=self._exploration.stopped)
        return []

    async def _explore(self, flow: Flow) -> Exploration:
        exploration = await explore(
            flow,
            budget=self.budget,
            variables=self.variables,
            progress=self._progress,
            every=1,
            stop=self._stopped.is_set,
        )
        if self._stopped.is_set():
            return exploration
        self._hand_over(exploration, shrinking=True)
        return await shrink(exploration, variables=self.variables, stop=self._stopped.is_set)

    def _progress(self, exploration: Exploration) -> None:
        self._exploration = exploration
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self._hand_over(exploration)

    def _hand_over(
        self, exploration: Exploration, *, done: bool = False, stopped: str = "", shrinking: bool = False
    ) -> None:
        """Tell the window how far the search is, with the conversations kept since, or renamed (at the end, when
        every name is worked out again as the written suite's are)."""
        assert self._writer is not None
        if done:
            self._names = Names()
            names = [self._names.unique(self._writer.conversation(k.played).name) for k in exploration.kept]
        else:
            new = exploration.kept[len(self._handed) :]
            names = self._handed + [self._names.unique(self._writer.conversation(k.played).name) for k in new]
        found = tuple(
            Found(index, name, kept.reached)
            for index, (kept, name) in enumerate(zip(exploration.kept, names, strict=True))
            if index >= len(self._handed) or self._handed[index] != name
        )
        self._handed = names
        coverage = exploration.coverage.to_json()
        reasons = Reasons.from_report(report_data(exploration, [])) if done else Reasons()
        self._notify(
            Progress(exploration.replays, exploration.seconds, coverage, found, done, stopped, shrinking, reasons)
        )

    def keep(self, indices: Iterable[int], folder: Path) -> list[Written]:
        """Write the conversations at `indices` (of the `Found` handed over) into `folder` as the explorer's
        suite there (replacing the files an earlier exploration wrote), replay them, and say how each went."""
        assert self._exploration is not None, "keep() comes after run()"
        return asyncio.run(verify(write_suite(self._exploration, folder, only=indices)))
