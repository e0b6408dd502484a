"""The Mutation testing dialog: the run's progress (mutants judged of all, the score so far), the surviving
mutants by state as they are found, what the selected one changed and which conversation came closest to catching
it, and the two ways to add the missing test (Explore from here, Record a test here); Cancel while it runs. The
number of worker processes a run uses (Workers, 1 by default) is remembered in the window's settings
(`mutate/workers`).

The run happens in a thread of its own (`MutateJob`), so the window's loop stays free; its progress comes back to
that loop (`worker_thread.on_loop`). `survivors_changed()` says the survivors listed changed (for the graph's
badges: `survivor_counts()`), `explore_requested(str)` and `record_requested(str, str)` give the state (and the
change) to add a test for.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.gui.mutate.job import Ended, MutateJob, Progress
from workbench.gui.mutate.survivors import SurvivorTree, survivor_detail
from workbench.gui.worker_thread import in_thread, on_loop
from workbench.testing.mutate.report import OUTCOMES
from workbench.testing.mutate.run import MutationRun, Verdict

PICK = "Select a surviving change (or its state) to see which conversation came closest to catching it."
WORKERS_SETTING = "mutate/workers"


def counts_text(run: MutationRun) -> str:
    """`15 mutants: 12 killed, 0 timed out, 3 survived, 0 invalid`."""
    return f"{len(run.verdicts)} mutants: " + ", ".join(f"{run.count(o)} {o}" for o in OUTCOMES)


def ended_text(name: str, run: MutationRun) -> str:
    """What the dialog says of a run that ended: the score, the counts, the conversations, the survivors."""
    if run.conversations == 0:
        return (
            f"None of the conversations beside {name} passes on the flow as it is, so no change could be caught: "
            "fix the failing tests first (Tests dock)."
        )
    lines = [
        f"Mutation score {run.score:g}% for {name}: {counts_text(run)}, against {run.conversations} conversation(s)"
    ]
    if run.baseline_failing:
        lines.append(f"{run.baseline_failing} conversation(s) fail on the flow as it is and were left out.")
    survived = run.count("survived")
    if survived:
        states = len({v.state for v in run.verdicts if v.outcome == "survived"})
        lines.append(f"{survived} change(s) in {states} state(s) went unnoticed (marked on the graph). {PICK}")
    else:
        lines.append("Every change that loads was noticed by some conversation.")
    return "\n".join(lines)


class MutationDialog(QDialog):
    """Runs mutation testing of one flow at a time (`start`) and lists its survivors."""

    survivors_changed = Signal()
    explore_requested = Signal(str)
    record_requested = Signal(str, str)

    def __init__(
        self, parent: QWidget | None = None, *, timeout: float = 30.0, settings: QSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mutation_dialog")
        self.setWindowTitle("Mutation testing")
        self.resize(720, 560)
        self.timeout = timeout
        self.settings = settings
        self.flow_path: Path | None = None
        self.job: MutateJob | None = None
        self.task: asyncio.Task[Any] | None = None
        self.verdicts: list[Verdict] = []
        self.run: MutationRun | None = None
        """The last run that went to the end."""
        self._build()
        self._set_running(False)

    def _build(self) -> None:
        self.status = QLabel(objectName="mutation_status", wordWrap=True)
        self.progress = QProgressBar(objectName="mutation_progress", format="%v/%m mutants")
        self.survivors = SurvivorTree()
        self.survivors.currentItemChanged.connect(lambda *_: self._show_chosen())
        self.detail = QLabel(PICK, objectName="mutation_detail", wordWrap=True)
        self.explore_button = QPushButton("Explore from here")
        self.explore_button.setToolTip("Walk every path of the flow and generate conversation tests for it")
        self.explore_button.clicked.connect(self._explore)
        self.record_button = QPushButton("Record a test here")
        self.record_button.setToolTip("Start a conversation in the chat at this state, to save as a test")
        self.record_button.clicked.connect(self._record)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("End the run; the survivors found so far stay listed")
        self.cancel_button.clicked.connect(self.cancel)
        self.again_button = QPushButton("Run again")
        self.again_button.clicked.connect(self.run_again)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        self.workers = QSpinBox(objectName="mutation_workers", minimum=1, maximum=os.cpu_count() or 1)
        self.workers.setToolTip("Processes that judge mutants at once, this one included")
        if self.settings is not None:
            self.workers.setValue(self.settings.value(WORKERS_SETTING, 1, type=int))
        self.workers.valueChanged.connect(self._save_workers)

        actions = QHBoxLayout()
        actions.addWidget(self.explore_button)
        actions.addWidget(self.record_button)
        actions.addStretch()
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Workers:"))
        buttons.addWidget(self.workers)
        buttons.addStretch()
        for button in (self.cancel_button, self.again_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.survivors, 1)
        layout.addWidget(self.detail)
        layout.addLayout(actions)
        layout.addLayout(buttons)

    # --- state ---

    @property
    def running(self) -> bool:
        """Whether a run is under way."""
        return self.task is not None and not self.task.done()

    def _set_running(self, running: bool) -> None:
        self.cancel_button.setVisible(running)
        self.again_button.setVisible(not running)
        self.again_button.setEnabled(self.flow_path is not None)
        self.close_button.setVisible(not running)
        self.workers.setEnabled(not running)
        self._show_chosen()

    def _show_chosen(self) -> None:
        state = self.survivors.chosen_state()
        verdict = self.survivors.chosen_verdict()
        if verdict is not None:
            self.detail.setText(survivor_detail(verdict))
        elif state is not None:
            changes = len(self.survivors.changes(state))
            self.detail.setText(f"{changes} change(s) of {state} went unnoticed: select one to see more.")
        else:
            self.detail.setText(PICK)
        for button in (self.explore_button, self.record_button):
            button.setEnabled(state is not None)

    def _save_workers(self, count: int) -> None:
        if self.settings is not None:
            self.settings.setValue(WORKERS_SETTING, count)

    def survivor_counts(self) -> dict[str, int]:
        """The surviving mutants listed, per state."""
        return self.survivors.counts()

    # --- the run ---

    def start(self, flow_path: Path) -> asyncio.Task[Any] | None:
        """Run mutation testing of the flow file at `flow_path` with the tests in its folder (None while a run is
        under way)."""
        if self.running:
            return None
        self.flow_path = flow_path
        self.verdicts = []
        self.run = None
        self.survivors.clear()
        self.survivors_changed.emit()
        self.progress.setRange(0, 0)  # busy until the number of mutants is known
        self.status.setText(f"Making the mutants of {flow_path.name} and running its tests on it as it is…")
        self.job = MutateJob(flow_path, on_loop(self._on_progress), workers=self.workers.value(), timeout=self.timeout)
        self.task = asyncio.ensure_future(self._run(self.job))
        self._set_running(True)
        return self.task

    async def _run(self, job: MutateJob) -> None:
        try:
            ended = await in_thread(job.run, "mutate", job.cancel)
        except Exception as exc:  # a failed run must reach the user, not end the task silently
            self.status.setText(f"Mutation testing stopped on an error: {exc}")
            return
        finally:
            self.task = self.job = None
            self._set_running(False)
        self._on_ended(ended)

    def _on_progress(self, progress: Progress) -> None:
        if progress.total == 0 and not progress.verdicts:
            return
        self.verdicts.extend(progress.verdicts)
        self.progress.setRange(0, progress.total)
        self.progress.setValue(progress.judged)
        name = self.flow_path.name if self.flow_path else ""
        so_far = MutationRun(self.flow_path or Path(), tuple(self.verdicts), 0, 0)
        if progress.judged == 0:
            self.status.setText(
                f"Running the tests of {name} on it as it is, then judging its {progress.total} mutants…"
            )
        elif self.running:
            self.status.setText(
                f"Judging the mutants of {name}: {progress.judged}/{progress.total} · score so far "
                f"{so_far.score:g}% · {so_far.count('survived')} survived"
            )
        if self.survivors.add(progress.verdicts):
            self.survivors_changed.emit()

    def _on_ended(self, ended: Ended) -> None:
        name = self.flow_path.name if self.flow_path else ""
        if ended.problem:
            self.progress.setRange(0, 1)
            self.status.setText(ended.problem)
        elif ended.cancelled:
            self.status.setText(
                f"Cancelled after {len(self.verdicts)} of {self.progress.maximum()} mutants of {name}; "
                "the survivors found so far are listed."
            )
        elif ended.run is not None:
            self.run = ended.run
            self.status.setText(ended_text(name, ended.run))
            if ended.run.conversations == 0:  # nothing could catch a mutant: they "survived" without a test
                self.survivors.clear()
                self.survivors_changed.emit()

    def run_again(self) -> asyncio.Task[Any] | None:
        """Run the last flow's mutation testing again (after the flow or its tests changed)."""
        return None if self.flow_path is None else self.start(self.flow_path)

    def cancel(self) -> None:
        """End the run after the mutant being judged (the survivors found so far stay listed)."""
        if self.job is not None:
            self.job.cancel()

    def reject(self) -> None:
        """Closing the dialog (Escape, the title bar's button) ends the run too; its survivors stay marked."""
        self.cancel()
        super().reject()

    # --- adding the missing test ---

    def show_state(self, state: str) -> bool:
        """Show the dialog with `state`'s survivors selected; False (and nothing shown) when none survived
        there."""
        if not self.survivors.select_state(state):
            return False
        self.show()
        self.raise_()
        return True

    def _explore(self) -> None:
        state = self.survivors.chosen_state()
        if state is not None:
            self.explore_requested.emit(state)

    def _record(self) -> None:
        state = self.survivors.chosen_state()
        verdict = self.survivors.chosen_verdict()
        if state is not None:
            self.record_requested.emit(state, verdict.change if verdict else "")
