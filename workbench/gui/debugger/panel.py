"""The debugger panel: the toolbar, the code of the state being debugged, and what the pause holds.

When the conversation pauses, the panel shows the paused state's code action with the current line marked,
the locals (with `args`), the watch expressions, the console output, the fetch() calls and the builder queue
(what changed since the previous step highlighted). Between pauses it shows the code of whatever state
`show_state` was given (the window passes the state selected on the graph), so line breakpoints can be set
before running: click in the gutter.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.instrument import steppable_lines
from workbench.flow.model import State
from workbench.gui.debugger.actions import DebugActions
from workbench.gui.debugger.call_lists import ConsoleList, FetchList
from workbench.gui.debugger.session import DebugSession
from workbench.gui.debugger.source_view import SourceView
from workbench.gui.debugger.toolbar import StepToolBar
from workbench.gui.debugger.watches import WatchList
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.inspector.history import TurnView
from workbench.gui.inspector.model import VALUE_COLUMNS, VariableModel
from workbench.gui.inspector.tree import ValueTree

HINT = "Select a code state on the graph to set line breakpoints; double-click a state to stop before it."


def describe_pause(paused: ev.Paused) -> str:
    """One line about a pause: where, and why (breakpoint, step or uncaught error)."""
    if paused.where == "state":
        where = f"before state {paused.state}"
    else:
        where = f"in {paused.state}, line {paused.line}" + (f", in {paused.function}()" if paused.function else "")
    why = "uncaught error" if paused.where == "exception" else "breakpoint" if paused.breakpoint else "step"
    text = f"Paused {where} ({why})"
    return f"{text}: {paused.error}" if paused.error else text


def code_scope(paused: ev.Paused) -> dict[str, Any]:
    """What the locals tree shows: the variables in scope and `args` (nothing before a state)."""
    return {} if paused.where == "state" else {**paused.locals, "args": paused.args}


class DebuggerPanel(QWidget):
    """The step debugger of `bridge`'s conversations; `session` holds the breakpoints and runs the commands."""

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.session = DebugSession(bridge, self)
        self.debug_actions = DebugActions(self.session, self)
        self.state: str | None = None
        self._last: ev.Paused | None = None

        self.status = QLabel(HINT)
        self.status.setObjectName("debugger_status")
        self.status.setWordWrap(True)
        self.title = QLabel()
        self.source = SourceView()
        self.locals = ValueTree(VariableModel(VALUE_COLUMNS, self, changed_note="Changed by the last step"))
        self.locals.setObjectName("debugger_locals")
        self.watches = WatchList()
        self.console = ConsoleList()
        self.calls = FetchList()
        self.builder = ValueTree(VariableModel(VALUE_COLUMNS, self, changed_note="Queued by the last step"))
        self.builder.setObjectName("debugger_builder")
        self.tabs = QTabWidget()
        for widget, title in (
            (self.locals, "Locals"),
            (self.watches, "Watch"),
            (self.console, "Console"),
            (self.calls, "Calls"),
            (self.builder, "Builder"),
        ):
            self.tabs.addTab(widget, title)
        self._lay_out()

        self.source.breakpoint_clicked.connect(self.toggle_line)
        self.session.breakpoints_changed.connect(self._show_breakpoints)
        self.session.pause_changed.connect(self._on_pause)
        bridge.conversation_changed.connect(self._on_conversation)
        self.session.busy_settled.connect(self._show_status)

    def _lay_out(self) -> None:
        self.toolbar = StepToolBar()
        self.toolbar.setObjectName("debugger_toolbar")
        self.toolbar.addActions(self.debug_actions.actions())
        self.toolbar.addSeparator()
        errors = self.toolbar.addAction("Pause on errors")
        errors.setCheckable(True)
        errors.setChecked(self.session.pause_on_errors)
        errors.setToolTip("Pause at the line of an uncaught error in a code action")
        errors.toggled.connect(self.session.set_pause_on_errors)
        code = QWidget()
        code_layout = QVBoxLayout(code)
        code_layout.setContentsMargins(0, 0, 0, 0)
        code_layout.addWidget(self.title)
        code_layout.addWidget(self.source)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(code)
        splitter.addWidget(self.tabs)
        splitter.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)

    # --- public ---

    def show_state(self, name: str, line: int | None = None) -> bool:
        """Show the code of state `name` (and bring `line` into view); False when it has no code action."""
        state = self._code_state(name)
        if state is None or state.code is None:
            return False
        self.state = name
        self.title.setText(f"<b>{name}</b> — code action ({state.loc})")
        self.source.show_source(state.code.source)
        self._show_breakpoints()
        paused = self.session.paused
        if paused is not None and paused.state == name and paused.where != "state":
            self.source.set_current_line(paused.line, error=paused.where == "exception")
        if line is not None:
            self.source.reveal_line(line)
        return True

    def toggle_line(self, line: int) -> None:
        """Toggle the breakpoint on `line` of the code shown, if a statement starts there."""
        state = self._code_state(self.state) if self.state else None
        if state is None or state.code is None:
            return
        if line not in steppable_lines(state.code.source):
            self.status.setText(f"No statement starts on line {line}: the debugger cannot stop there.")
            return
        self.session.toggle_breakpoint(state.name, line)
        self._show_status()

    async def aclose(self) -> None:
        """Release the watches' JavaScript."""
        await self.watches.aclose()

    # --- reacting ---

    def _code_state(self, name: str) -> State | None:
        flow = self.bridge.flow
        return flow.states.get(name) if flow is not None else None

    def _show_breakpoints(self) -> None:
        lines = self.session.lines(self.state) if self.state else []
        self.source.set_breakpoints(frozenset(lines))

    def _show_status(self) -> None:
        paused = self.session.paused
        if paused is not None:
            self.status.setText(describe_pause(paused))
        elif self.bridge.busy:
            self.status.setText("Running… (F6 pauses at the next state or statement)")
        else:
            count = len(self.session.breakpoints)
            self.status.setText(f"{count} breakpoint{'s' if count != 1 else ''}. {HINT}" if count else HINT)

    def _on_conversation(self, conversation: Conversation | None) -> None:
        if self.state is not None and not self.show_state(self.state):
            self.state = None
            self.title.clear()
            self.source.show_source("")
        self._show_status()

    def _on_pause(self, paused: ev.Paused | None) -> None:
        self._show_status()
        self.watches.show_pause(paused)
        if paused is None:
            self.source.set_current_line(None)
            return
        if not self.show_state(paused.state):
            self.source.set_current_line(None)
        last = self._last if self._last is not None and self._last.state == paused.state else None
        same_frame = last is not None and last.function == paused.function and last.where != "state"
        self._show_values(self.locals, code_scope(paused), code_scope(last) if same_frame and last else None)
        self._show_values(self.builder, paused.builder, last.builder if last else None)
        self.console.show_pause(paused)
        self.calls.show_pause(paused)
        self._last = paused

    @staticmethod
    def _show_values(tree: ValueTree, values: dict[str, Any], before: dict[str, Any] | None) -> None:
        tree.set_view(TurnView(snapshot=values, before=values if before is None else before), editable=False)
