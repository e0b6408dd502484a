"""Coverage in the window: the "Coverage" menu, the bar above the graph, the colours on it, the routes popup.

`CoverageController.show(coverage)` is what a test run calls when it is done (the test explorer, or the menu's
"Run suite with coverage", which replays the convo files under the flow's folder on the event loop), and what the
explorer calls as it searches (an `Explored`, whose reasons for what it did not reach show in tooltips and in the
routes popup until a later coverage replaces them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QCursor
from PySide6.QtWidgets import QFileDialog, QVBoxLayout

from workbench.engine.conversation import Conversation
from workbench.gui.coverage_view.bar import CoverageBar
from workbench.gui.coverage_view.data import CoverageLike, Explored, as_coverage, routes_into, summary
from workbench.gui.coverage_view.overlay import CoverageOverlay
from workbench.gui.coverage_view.routes_popup import RoutesPopup
from workbench.gui.coverage_view.suite_run import run_folder
from workbench.testing.coverage import Coverage
from workbench.testing.coverage_html import write_coverage_html

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow

MESSAGE_MS = 10_000
COVERAGE = "C&overage"
"""The title of the Coverage menu (other parts add their entries to it by this title)."""


class CoverageController(QObject):
    """Owns the coverage shown in one window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("coverage_controller")
        self.window = window
        self.coverage: Coverage | None = None
        self.explored: Explored | None = None
        """The exploration whose coverage is shown, if that is what is shown."""
        self._task: asyncio.Task[None] | None = None
        self.run_action = self._action("&Run suite with coverage", self.run_suite)
        self.run_action.setToolTip("Replay the conversation tests in the flow's folder and paint what they cover")
        self.export_action = self._action("&Export HTML report…", self.choose_export)
        self.clear_action = self._action("&Clear coverage", self.clear)
        self.overlay = CoverageOverlay(window.graph.view, self)
        self.bar = CoverageBar(self.export_action, self.clear_action)
        layout = window.graph.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, self.bar)
        self.popup = RoutesPopup(window)
        self.popup.source_chosen.connect(window.graph.view.center_on_state)
        window.graph.view.state_clicked.connect(self.show_routes)
        window.bridge.conversation_changed.connect(self._on_conversation)
        menu = window.menuBar().addMenu(COVERAGE)
        menu.addActions([self.run_action, self.export_action, self.clear_action])
        self._enable()

    def _action(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        return action

    def _enable(self) -> None:
        shown = self.coverage is not None
        self.export_action.setEnabled(shown)
        self.clear_action.setEnabled(shown)
        self.run_action.setEnabled(self._task is None)

    # --- showing ---

    def show(self, coverage: CoverageLike | Explored) -> bool:
        """Paint `coverage` (a `Coverage`, a `FlowCoverage`, their JSON, or what an exploration reached) on the
        graph of the open flow; False when it holds nothing about that flow (it is still kept for the HTML
        export)."""
        self.explored = coverage if isinstance(coverage, Explored) else None
        self.coverage = as_coverage(coverage.coverage if isinstance(coverage, Explored) else coverage)
        self._enable()
        return self._paint()

    def _paint(self) -> bool:
        flow = self.window.bridge.flow
        reasons = self.explored.reasons if self.explored else None
        covered = self.overlay.show(self.coverage, flow, reasons) if self.coverage and flow else None
        if covered is None:
            self.overlay.clear()
            self.bar.hide()
            if self.coverage is not None:
                self._say("The coverage holds nothing about the open flow")
            return False
        self.bar.show_summary(
            covered.flow, summary(covered), self.overlay.scale.legend(), explored=self.explored is not None
        )
        return True

    def clear(self) -> None:
        """Take the coverage off the graph."""
        self.coverage = self.explored = None
        self.overlay.clear()
        self.bar.hide()
        self.popup.hide()
        self._enable()

    def _on_conversation(self, conversation: Conversation | None) -> None:
        # The graph panel rebuilt its items (a reload, another flow): lay the colours over the new ones.
        if self.coverage is not None:
            self._paint()

    def show_routes(self, state: str) -> None:
        """For a state the suite never reached, pop up the routes into it."""
        flow = self.window.bridge.flow
        if flow is None or self.overlay.hits(state) != 0:
            return
        self.popup.show_routes(flow, state, routes_into(flow, state), QCursor.pos(), self.overlay.reasons)

    # --- exporting ---

    def export_html(self, path: Path) -> None:
        """Write the coverage as `workbench test --coverage-report` does."""
        if self.coverage is not None:
            write_coverage_html(self.coverage, path)
            self._say(f"Wrote the coverage report to {path}")

    def choose_export(self) -> None:
        """Coverage > Export HTML report…"""
        start = str(self.window.flow_session.path.with_name("coverage.html")) if self.window.flow_session.path else ""
        name, _ = QFileDialog.getSaveFileName(self.window, "Export coverage report", start, "HTML (*.html)")
        if name:
            self.export_html(Path(name))

    # --- running ---

    def run_suite(self) -> asyncio.Task[None] | None:
        """Coverage > Run suite with coverage: replay the convo files under the flow's folder on the loop."""
        path = self.window.flow_session.path
        if path is None:
            self._say("Open a flow first: its folder's conversation tests are what runs")
            return None
        if self._task is not None:
            return None
        self._task = asyncio.ensure_future(self._run(path.parent))
        self._enable()
        return self._task

    async def _run(self, folder: Path) -> None:
        try:
            self._say(f"Running the conversation tests in {folder}…")
            run = await run_folder(folder, self.window.flow_session.variables, self._progress)
        except Exception as exc:  # a broken suite must reach the user, not end the task silently
            self._say(f"The conversation tests could not run: {exc}")
            return
        finally:
            self._task = None
            self._enable()
        self.show(run.coverage)
        self._say(run.describe())

    def _progress(self, done: int, total: int) -> None:
        self.window.statusBar().showMessage(f"Running conversation tests… {done}/{total}")

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, MESSAGE_MS)
