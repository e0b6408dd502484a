"""Puts the step debugger and the timeline into the main window: their docks, the Debug menu and its keys, the
breakpoints on the graph, the jumps from the inspector's "Set by" column, and stopping a paused turn when
the window closes."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.gui.debugger.panel import DebuggerPanel
from workbench.gui.timeline.panel import TimelinePanel

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow


class DebuggerController(QObject):
    """Wires one window's debugger panel and timeline to its graph, inspector, menus and close."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("debugger_controller")
        self.window = window
        self.panel = DebuggerPanel(window.bridge)
        self.timeline = TimelinePanel(window.bridge)
        self.session = self.panel.session
        window._dock("debugger", "Debugger", self.panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        window._dock("timeline", "Timeline", self.timeline, Qt.DockWidgetArea.LeftDockWidgetArea)
        window.tabifyDockWidget(window.docks["event_log"], window.docks["debugger"])
        window.docks["event_log"].raise_()
        self._add_menus()
        self.panel.debug_actions.use_window_keys(window, window.continue_action)

        view = window.graph.view
        view.breakpoint_requested.connect(self.session.toggle_breakpoint)
        view.state_selected.connect(self.panel.show_state)
        self.session.breakpoints_changed.connect(self._mark_graph)
        self.session.pause_changed.connect(self._on_pause)
        window.bridge.conversation_changed.connect(self._on_conversation)
        window.inspector.provenance_activated.connect(self.show_origin)
        window.closing.connect(self._on_closing)
        self._closing: asyncio.Task[None] | None = None

    def _add_menus(self) -> None:
        bar = self.window.menuBar()
        view = next(a.menu() for a in bar.actions() if a.menu() is not None and a.text() == "&View")
        view.addAction(self.window.docks["debugger"].toggleViewAction())
        view.addAction(self.window.docks["timeline"].toggleViewAction())
        debug = bar.addMenu("&Debug")
        debug.addActions(self.panel.debug_actions.actions())
        debug.addSeparator()
        clear = debug.addAction("Remove all breakpoints", self.session.clear_breakpoints)
        clear.setToolTip("Remove the breakpoints on states and on code lines")

    def show_origin(self, state: str, line: int | None) -> None:
        """Show where a value was set: select the state on the graph, and its code line in the debugger."""
        self.window.graph.view.center_on_state(state)
        if line is not None and self.panel.show_state(state, line):
            self.window.docks["debugger"].show()
            self.window.docks["debugger"].raise_()

    def _on_conversation(self, _conversation: Conversation | None) -> None:
        self._mark_graph()  # the graph panel, connected before us, may have rebuilt its nodes

    def _mark_graph(self) -> None:
        view = self.window.graph.view
        for node in view.node_items():
            view.set_breakpoint(node.name, self.session.has_breakpoint(node.name))
        paused = self.session.paused
        view.set_paused(paused.state if paused is not None else None)

    def _on_pause(self, paused: ev.Paused | None) -> None:
        self.window.graph.view.set_paused(paused.state if paused is not None else None)
        if paused is not None:
            self.window.docks["debugger"].show()
            self.window.docks["debugger"].raise_()

    def _on_closing(self) -> None:
        """The window closes: end a paused turn (its JavaScript context goes with it), free the watches."""
        self.session.run("stop")
        self._closing = asyncio.ensure_future(self.panel.aclose())


def controller(window: MainWindow) -> DebuggerController | None:
    """The debugger installed on `window`, if any."""
    return window.findChild(DebuggerController, "debugger_controller")


def install(window: MainWindow) -> DebuggerController:
    """Add the debugger and the timeline to `window` (once); its controller."""
    return controller(window) or DebuggerController(window)
