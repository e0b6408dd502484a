"""The Explore dialog: the budget, the search's progress, the conversations it generated (ticked to keep), where
to write them, Keep selected and Stop.

The search runs in a thread of its own (`ExploreJob`), so the window's loop stays free; its progress comes back
to that loop (`worker_thread.on_loop`). `covered(Explored)` carries the coverage so far (and at the end why the
search did not reach the rest) for the graph, `saved(Path)` the folder written into, `message(str)` what the
status bar should say.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.gui.coverage_view.data import Explored, summary
from workbench.gui.explore.budget_box import BudgetBox
from workbench.gui.explore.found_list import FoundList
from workbench.gui.explore.job import ExploreJob, Progress
from workbench.gui.worker_thread import in_thread, on_loop
from workbench.testing.coverage import FlowCoverage
from workbench.testing.explore.output import Written
from workbench.testing.explore.search import STOPPED_BY_USER, Budget

DEFAULT_FOLDER = "explored"
"""Where kept conversations go, beside the flow file."""


def kept_message(written: Sequence[Written], folder: Path) -> str:
    """`Wrote 3 conversations to …/explored: they are listed in the Tests dock`, and the ones that did not replay."""
    passed = [w for w in written if not w.failure]
    plural = "s" if len(passed) != 1 else ""
    lines = [f"Wrote {len(passed)} conversation{plural} to {folder}: they are listed in the Tests dock"]
    for failed in (w for w in written if w.failure):
        first = failed.failure.splitlines()[0] if failed.failure else ""
        lines.append(f"Did not replay, so not kept: {failed.name} — {first}")
    return "\n".join(lines)


class ExploreDialog(QDialog):
    """Explores one flow at a time (`start`) within the budget it shows (remembered in `settings`), lists what it
    generates, and writes the ticked conversations."""

    covered = Signal(object)
    saved = Signal(object)
    message = Signal(str)

    def __init__(
        self, parent: QWidget | None = None, budget: Budget | None = None, settings: QSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("explore_dialog")
        self.setWindowTitle("Explore this flow")
        self.resize(640, 520)
        self.budget_box = BudgetBox(settings)
        if budget is not None:
            self.budget_box.set_budget(budget)
        self.flow_path: Path | None = None
        self.job: ExploreJob | None = None
        """The finished search whose conversations can be kept."""
        self.searching: ExploreJob | None = None
        self.task: asyncio.Task[Any] | None = None
        self._build()
        self._set_running(False)

    def _build(self) -> None:
        self.status = QLabel(objectName="explore_status", wordWrap=True)
        self.progress = QProgressBar(objectName="explore_progress", format="States %v/%m")
        self.conversations = FoundList()
        self.conversations.itemChanged.connect(lambda _item: self._enable())
        self.all_button = QPushButton("Select all")
        self.all_button.clicked.connect(lambda: self.conversations.check_all(True))
        self.none_button = QPushButton("Select none")
        self.none_button.clicked.connect(lambda: self.conversations.check_all(False))
        self.folder_edit = QLineEdit(DEFAULT_FOLDER, objectName="explore_folder")
        self.folder_edit.setToolTip(
            "A folder beside the flow (or any path). Files an earlier exploration wrote there are replaced."
        )
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.choose_folder)
        self.keep_button = QPushButton("Keep selected")
        self.keep_button.clicked.connect(self.keep_selected)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("End the search; the conversations found so far stay listed")
        self.stop_button.clicked.connect(self.stop)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)

        choose = QHBoxLayout()
        choose.addWidget(self.all_button)
        choose.addWidget(self.none_button)
        choose.addStretch()
        where = QHBoxLayout()
        where.addWidget(QLabel("Write into:"))
        where.addWidget(self.folder_edit, 1)
        where.addWidget(self.browse_button)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for button in (self.keep_button, self.stop_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.budget_box)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.conversations, 1)
        layout.addLayout(choose)
        layout.addLayout(where)
        layout.addLayout(buttons)

    # --- state ---

    @property
    def running(self) -> bool:
        """Whether a search or a write is under way."""
        return self.task is not None and not self.task.done()

    def _set_running(self, running: bool) -> None:
        self.stop_button.setVisible(running)
        self.close_button.setVisible(not running)
        self._enable()

    def _enable(self) -> None:
        idle = not self.running and self.job is not None
        self.keep_button.setEnabled(idle and bool(self.conversations.checked()))
        for widget in (self.folder_edit, self.browse_button, self.budget_box):
            widget.setEnabled(not self.running)

    def folder(self) -> Path:
        """Where Keep selected writes: the folder field, taken beside the flow when it is relative."""
        folder = Path(self.folder_edit.text().strip() or DEFAULT_FOLDER).expanduser()
        if not folder.is_absolute() and self.flow_path is not None:
            folder = self.flow_path.parent / folder
        return folder

    # --- the search ---

    def start(self, flow_path: Path, variables: Mapping[str, Any] | None = None) -> asyncio.Task[Any] | None:
        """Explore the flow file at `flow_path` with the window's starting `variables` (None while a search or a
        write is under way)."""
        if self.running:
            return None
        self.flow_path = flow_path
        self.conversations.clear()
        self.progress.setRange(0, 0)  # busy until the first progress tells the number of states
        self.status.setText(f"Exploring {flow_path.name}…")
        job = ExploreJob(flow_path, on_loop(self._on_progress), variables=variables, budget=self.budget_box.budget())
        self.job = None  # nothing to keep until this search has run
        self.searching = job
        self.task = asyncio.ensure_future(self._explore(job))
        self._set_running(True)
        return self.task

    async def _explore(self, job: ExploreJob) -> None:
        try:
            problems = await in_thread(job.run, "explore", job.stop)
        except Exception as exc:  # a failed search must reach the user, not end the task silently
            self.status.setText(f"The exploration stopped on an error: {exc}")
            return
        finally:
            self.task = self.searching = None
            self._set_running(False)
        if problems:
            self.progress.setRange(0, 1)
            self.status.setText("The flow has errors, see Problems:\n" + "\n".join(problems))
            return
        self.job = job
        self._enable()

    def _on_progress(self, progress: Progress) -> None:
        self.conversations.add(progress.found)
        covered = FlowCoverage.from_json(progress.coverage)
        states = covered.totals()["states"]
        self.progress.setRange(0, states["total"])
        self.progress.setValue(states["covered"])
        name = self.flow_path.name if self.flow_path else covered.flow
        counts = f"{progress.replays} conversations in {progress.seconds:.0f} s · {self.conversations.count()} kept"
        if progress.shrinking:
            self.status.setText(f"Shrinking the conversations found in {name}… {counts}\n{summary(covered)}")
        elif not progress.done:
            self.status.setText(f"Exploring {name}… {counts}\n{summary(covered)}")
        elif progress.stopped == STOPPED_BY_USER:
            self.status.setText(f"Stopped: {counts}; the conversations found so far are listed\n{summary(covered)}")
        else:
            stopped = f"; stopped: {progress.stopped}" if progress.stopped else ""
            self.status.setText(f"Explored {name}: {counts}{stopped}\n{summary(covered)}")
        self.covered.emit(Explored(covered, progress.reasons))

    def stop(self) -> None:
        """End the search (the conversations found so far stay listed)."""
        if self.searching is not None:
            self.searching.stop()

    def reject(self) -> None:
        """Closing the dialog (Escape, the title bar's button) stops the search too."""
        self.stop()
        super().reject()

    # --- keeping ---

    def choose_folder(self) -> None:
        """Ask where to write the kept conversations."""
        name = QFileDialog.getExistingDirectory(self, "Write the conversations into", str(self.folder()))
        if name:
            self.folder_edit.setText(name)

    def keep_selected(self) -> asyncio.Task[Any] | None:
        """Write the ticked conversations into the folder, replay them, and tell the Tests dock."""
        job, indices = self.job, self.conversations.checked()
        if job is None or self.running or not indices:
            return None
        folder = self.folder()
        self.status.setText(f"Writing {len(indices)} conversations to {folder}…")
        self.task = asyncio.ensure_future(self._keep(job, indices, folder))
        self._set_running(True)
        return self.task

    async def _keep(self, job: ExploreJob, indices: list[int], folder: Path) -> None:
        try:
            written = await in_thread(lambda: job.keep(indices, folder), "explore")
        except OSError as exc:
            self.status.setText(f"Could not write to {folder}: {exc.strerror or exc}")
            return
        finally:
            self.task = None
            self._set_running(False)
        text = kept_message(written, folder)
        self.status.setText(text)
        self.message.emit(text.splitlines()[0])
        self.saved.emit(folder)
