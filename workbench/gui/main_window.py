"""The main window: the chat in the middle, the other panels in docks, menus, settings and the busy indicator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QWidget,
)

from workbench.engine import events as ev
from workbench.flow.model import Loc
from workbench.flow.problems import Problem
from workbench.gui import (
    coverage_view,
    debugger,
    explore,
    flow_diff_view,
    mutate,
    recording,
    silence,
    test_explorer,
    translations,
)
from workbench.gui.chat.panel import ChatPanel
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.event_log.panel import EventLogPanel
from workbench.gui.flow_session import FlowSession, Opened
from workbench.gui.graph.panel import GraphPanel
from workbench.gui.inspector.panel import VariableInspector
from workbench.gui.preview.menu import install as install_preview
from workbench.gui.problems.panel import ProblemsPanel, place, summary

MAX_RECENT = 8
TYPING_DELAY_SETTING = "chat/typing_delay"
"""Whether the chat shows "Bot is typing…" for the flow's `settings.typing_delay` before each bot message."""
BUSY_DELAY_MS = 250


class MainWindow(QMainWindow):
    """Flow Workbench's window: one conversation, watched by every panel through one bridge."""

    closing = Signal()
    """The window is closing: features installed on it stop what they run."""

    def __init__(self, settings: QSettings, variables: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.bridge = EngineBridge(self)
        self.flow_session = FlowSession(self.bridge, variables, self)
        self.flow_session.opened.connect(self._on_opened)
        self.setWindowTitle("Flow Workbench")
        self.resize(1400, 900)

        self.chat = ChatPanel(self.bridge, typing_delay=settings.value(TYPING_DELAY_SETTING, True, type=bool))
        self.setCentralWidget(self.chat)
        self.graph = GraphPanel(self.bridge)
        self.inspector = VariableInspector(self.bridge)
        self.event_log = EventLogPanel(self.bridge)
        self.problems = ProblemsPanel()
        self.problems.problem_selected.connect(self.show_problem)
        self.iframe_panel: QWidget | None = None
        self.docks: dict[str, QDockWidget] = {}
        self._dock("graph", "Dialog states", self.graph, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("inspector", "Session variables", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("event_log", "Event log", self.event_log, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._dock("problems", "Problems", self.problems, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._dock("iframe", "iframe", QLabel("No iframe opened yet."), Qt.DockWidgetArea.RightDockWidgetArea)
        # The iframe shares the graph's room (tall, beside the chat) and Problems the event log's (the full width).
        self.tabifyDockWidget(self.docks["graph"], self.docks["iframe"])
        self.tabifyDockWidget(self.docks["event_log"], self.docks["problems"])
        self.docks["iframe"].hide()
        self.docks["problems"].hide()
        # The right column runs from the menu bar to the status bar (the graph needs height); the bottom docks
        # stay under the chat.
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        self._build_status_bar()
        self._build_menus()
        install_preview(self)
        recording.install(self)
        test_explorer.install(self)
        coverage_view.install(self)
        explore.install(self)
        mutate.install(self)
        flow_diff_view.install(self)
        translations.install(self)
        silence.install(self)
        debugger.install(self).session.pause_changed.connect(self._on_busy)
        self.bridge.event.connect(self._on_event)
        self.bridge.busy_changed.connect(self._on_busy)
        self.chat.iframe_requested.connect(self.open_iframe)
        self.chat.language_chosen.connect(self.flow_session.restart_in)
        if not self._restore():
            self._default_layout()

    # --- building ---

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[name] = dock

    def _default_layout(self) -> None:
        """Dock sizes for the first start (later, QSettings restores the user's own)."""
        right = [self.docks["graph"], self.docks["inspector"]]
        self.resizeDocks(right, [620, 620], Qt.Orientation.Horizontal)
        self.resizeDocks(right, [560, 340], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["event_log"]], [260], Qt.Orientation.Vertical)

    def _build_status_bar(self) -> None:
        self.paused_label = QLabel("Paused in the debugger")
        self.paused_label.setObjectName("paused_label")
        self.busy_bar = QProgressBar(maximumWidth=120, maximum=0)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        for widget in (self.paused_label, self.busy_bar, self.cancel_button):
            widget.hide()
            self.statusBar().addPermanentWidget(widget)
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._show_busy)

    def _action(self, text: str, slot: Any, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("&Open…", self.choose_flow, QKeySequence.StandardKey.Open))
        self.reload_action = self._action("&Reload", self.reload, "Ctrl+R")
        file_menu.addAction(self.reload_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))
        bar.addMenu(translations.FLOW)  # views of the flow itself add their entries (Translations…)

        talk = bar.addMenu("&Conversation")
        talk.addAction(self._action("&Restart conversation", self.bridge.restart, "Ctrl+Shift+R"))
        talk.addAction(self._action("Focus chat &input", self.chat.focus_input, "Ctrl+L"))
        self.continue_action = self._action("&Continue (debugger)", lambda: None, "F5")
        self.continue_action.setEnabled(False)
        talk.addAction(self.continue_action)

        view = bar.addMenu("&View")
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        self.typing_delay_action = self._action("Bot &typing delay", self._set_typing_delay)
        self.typing_delay_action.setCheckable(True)
        self.typing_delay_action.setChecked(self.settings.value(TYPING_DELAY_SETTING, True, type=bool))
        view.addAction(self.typing_delay_action)
        self._fill_recent()

    def _set_typing_delay(self, on: bool) -> None:
        self.settings.setValue(TYPING_DELAY_SETTING, on)
        self.chat.set_typing_delay(on)

    # --- flows ---

    def open_flow(self, path: Path) -> Any:
        """Open a flow file (in the background) and start talking to it."""
        self.statusBar().showMessage(f"Opening {path}…")
        self._busy_timer.start()
        return self.flow_session.open(path)

    def choose_flow(self) -> None:
        """File > Open."""
        start = str(self.flow_session.path.parent) if self.flow_session.path else ""
        name, _ = QFileDialog.getOpenFileName(self, "Open flow", start, "Flow files (*.yaml *.yml);;All files (*)")
        if name:
            self.open_flow(Path(name))

    def reload(self) -> None:
        """File > Reload."""
        self.flow_session.reload()

    def cancel(self) -> None:
        """Stop whatever is running: a flow being loaded, a slow API call, a long code action."""
        self.flow_session.cancel()
        self.bridge.cancel()
        self._on_busy(False)

    def _on_opened(self, opened: Opened) -> None:
        self._busy_timer.stop()
        self._on_busy(self.bridge.busy)
        self._show_problems(opened)
        self.graph.definition.show_flow(opened.result.flow)
        if opened.conversation is None:
            self.statusBar().showMessage(f"{opened.path} has errors: see Problems")
            return
        self.setWindowTitle(f"{opened.conversation.flow.name} — Flow Workbench")
        self._remember(opened.path)
        message = f"Opened {opened.path}"
        if opened.changes is not None:
            message = f"Reloaded {opened.path.name}: {opened.changes}"
        self.statusBar().showMessage(message, 10_000)

    def _show_problems(self, opened: Opened) -> None:
        self.problems.show_problems(opened.problems, opened.path.parent)
        dock = self.docks["problems"]
        dock.setWindowTitle(f"Problems ({summary(opened.problems)})" if opened.problems else "Problems")
        if not opened.problems:
            dock.hide()
            return
        dock.show()
        if opened.conversation is None:
            dock.raise_()

    def show_problem(self, problem: Problem) -> None:
        """Show the line of `problem` in the graph panel's definition view."""
        self.show_location(problem.loc, f"{problem.severity}: {problem.message}")

    def show_location(self, loc: Loc, what: str) -> None:
        """Show the line of `loc` in the graph panel's definition view, captioned with `what` is there."""
        caption = f"{what} — {place(loc, self.problems.folder)}"
        self.graph.definition.show_line(Path(loc.file), loc.line, loc.column, caption)
        self.docks["graph"].show()
        self.docks["graph"].raise_()

    # --- the iframe panel, created on first use so QtWebEngine starts only when needed ---

    def open_iframe(self, url: str, height: int | None = None) -> None:
        """Show the iframe panel on `url`."""
        panel = self._iframe()
        panel.open(url, height)  # type: ignore[attr-defined]
        self.docks["iframe"].show()
        self.docks["iframe"].raise_()

    def _iframe(self) -> QWidget:
        if self.iframe_panel is None:
            from workbench.gui.iframe.panel import IframePanel

            self.iframe_panel = IframePanel(self.bridge)
            self.docks["iframe"].setWidget(self.iframe_panel)
        return self.iframe_panel

    def _on_event(self, event: ev.Event) -> None:
        if not isinstance(event, ev.IframeOpened):
            return
        if self.iframe_panel is None:
            self.open_iframe(event.url, event.height)  # the panel opens later pages itself
        else:
            self.docks["iframe"].show()
            self.docks["iframe"].raise_()

    # --- busy indicator ---

    def _on_busy(self, *_changed: object) -> None:
        """The engine started or ended a turn, or the debugger paused or went on: "Paused in the debugger" at
        once while the debugger holds the turn, else while the engine works the busy bar with Cancel after a
        moment (so quick turns do not flicker), else nothing."""
        paused = debugger.is_held(self.bridge.conversation)
        self.paused_label.setVisible(paused)
        if paused or not self.bridge.busy:
            self._busy_timer.stop()
            self.busy_bar.hide()
            self.cancel_button.hide()
        elif self.busy_bar.isHidden() and not self._busy_timer.isActive():
            self._busy_timer.start()

    def _show_busy(self) -> None:
        if not debugger.is_held(self.bridge.conversation):
            self.busy_bar.show()
            self.cancel_button.show()

    # --- settings ---

    def _remember(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self._recent() if p != str(path)]
        self.settings.setValue("recent", recent[:MAX_RECENT])
        self._fill_recent()

    def _recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for name in self._recent():
            action = self.recent_menu.addAction(name)
            action.triggered.connect(lambda _=False, n=name: self.open_flow(Path(n)))
        self.recent_menu.setEnabled(bool(self._recent()))

    def _restore(self) -> bool:
        """Bring back the size and layout of last time; False when there was no layout to restore."""
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("window_state")
        return state is not None and self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Keep the layout and size for next time, and stop what runs."""
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        self.closing.emit()
        self.flow_session.cancel()
        self.bridge.cancel()
        super().closeEvent(event)

    async def shutdown(self) -> None:
        """After the window closed: wait for the engine to settle and release the conversation's resources."""
        await self.bridge.wait_idle()
        if self.bridge.conversation is not None:
            await self.bridge.conversation.aclose()
