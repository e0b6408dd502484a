"""One mutation run for the window, in a worker thread: the checks before it (the flow loads, some conversation
runs it), the run itself (`workbench.testing.mutate.run.mutate`, with `workers` processes, this thread's one of
them), its verdicts handed over as they come, and cancelling it. No Qt here.

A cancel takes effect between mutants: the run asks the job whether to stop before each mutant it judges, and
tells its worker processes to end their chunks at their next mutant; the verdicts reached stay.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbench.flow.loader import load_flow
from workbench.testing.mutate.run import MutationRun, Verdict, mutate, suite_checks


@dataclass(frozen=True, slots=True)
class Progress:
    """How far the run is: mutants judged of `total`, and the verdicts reached since the previous `Progress`."""

    judged: int
    total: int
    verdicts: tuple[Verdict, ...] = ()


@dataclass(frozen=True, slots=True)
class Ended:
    """How the run ended: its `run` when it ran to the end, `cancelled`, or `problem` (why it could not run)."""

    run: MutationRun | None = None
    cancelled: bool = False
    problem: str = ""


def no_tests_message(path: Path) -> str:
    """What to say when no conversation test runs the flow at `path`."""
    return (
        f"No conversation test runs {path.name}: mutation testing replays the *.convo.yaml files in its folder "
        "(and below), and there are none for this flow. Record one first (Tests › Save conversation as test) "
        "or generate some (Tests › Explore this flow…)."
    )


class MutateJob:
    """Mutation testing of the flow file at `path` with the conversation tests in its folder, in `workers`
    processes; `notify(Progress)` is called in the worker thread (at most once per `interval` seconds, and once at
    the end). `run` is for that thread, `cancel` for any."""

    def __init__(
        self,
        path: Path,
        notify: Callable[[Progress], None],
        *,
        workers: int = 1,
        timeout: float = 30.0,
        interval: float = 0.2,
    ) -> None:
        self.path = path
        self.workers = workers
        self.timeout = timeout
        self.interval = interval
        self._notify = notify
        self._cancelled = threading.Event()
        self._pending: list[Verdict] = []
        self._judged = 0
        self._total = 0
        self._last = 0.0

    def cancel(self) -> None:
        """End the run after the mutants being judged."""
        self._cancelled.set()

    def run(self) -> Ended:
        """Check that the flow loads and has tests, then judge every mutant, handing the verdicts over."""
        loaded = load_flow(self.path)
        if loaded.flow is None or loaded.errors:
            return Ended(problem="The flow has errors, see Problems:\n" + "\n".join(map(str, loaded.errors)))
        if not suite_checks(self.path, ()):
            return Ended(problem=no_tests_message(self.path))
        try:
            run = mutate(
                self.path,
                workers=self.workers,
                timeout=self.timeout,
                progress=self._on_progress,
                stop=self._cancelled.is_set,
            )
        finally:
            self._hand_over()
        return Ended(cancelled=True) if self._cancelled.is_set() else Ended(run=run)

    def _on_progress(self, total: int, verdict: Verdict | None) -> None:
        self._total = total
        if verdict is not None:
            self._pending.append(verdict)
            self._judged += 1
        if verdict is None or time.monotonic() - self._last >= self.interval:
            self._hand_over()

    def _hand_over(self) -> None:
        self._last = time.monotonic()
        verdicts, self._pending = tuple(self._pending), []
        self._notify(Progress(self._judged, self._total, verdicts))
