"""The window's side of the step debugger: one `Debugger` on every conversation the bridge attaches, the
breakpoints (kept across conversations: a reload or another open keeps them), and the stepping commands."""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.debugger import Breakpoint, Debugger
from workbench.gui.engine_bridge import EngineBridge

BUSY_SETTLE_MS = 50
"""How long a change of the bridge's busy state waits before `busy_settled` tells of it: an iframe page posting
thousands of messages toggles it twice per message, and the toolbar need not follow each one."""

Command = Literal["continue_", "pause", "step_over", "step_into", "step_out", "stop"]
"""A `Debugger` method that steps: continue, pause, step over/into/out, stop (which ends the turn)."""


def is_held(conversation: Conversation | None) -> bool:
    """Whether the step debugger holds `conversation`'s turn now (paused before a state or a statement)."""
    debugger = conversation.debugger if conversation is not None else None
    return debugger is not None and debugger.is_paused


class DebugSession(QObject):
    """Breakpoints and commands for whatever conversation `bridge` has; `paused` is the pause on show."""

    breakpoints_changed = Signal()
    """A breakpoint was added or removed."""
    pause_changed = Signal(object)
    """The conversation paused (the `Paused` event) or went on (None)."""
    busy_settled = Signal()
    """The bridge's busy state may have changed: at most one per `BUSY_SETTLE_MS`, to read `bridge.busy` then."""

    def __init__(self, bridge: EngineBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.paused: ev.Paused | None = None
        self._breakpoints: set[Breakpoint] = set()
        self._pause_on_errors = True
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_SETTLE_MS)
        self._busy_timer.timeout.connect(self.busy_settled)
        bridge.conversation_changed.connect(self._on_conversation)
        bridge.event.connect(self._on_event)
        bridge.busy_changed.connect(self._on_busy)
        self._on_conversation(bridge.conversation)

    # --- the debugger ---

    @property
    def debugger(self) -> Debugger | None:
        """The debugger of the attached conversation."""
        conversation = self.bridge.conversation
        return conversation.debugger if conversation is not None else None

    @property
    def is_paused(self) -> bool:
        """Whether the debugger holds the conversation now."""
        return is_held(self.bridge.conversation)

    @property
    def pause_on_errors(self) -> bool:
        """Whether an uncaught error in a code action pauses at its line."""
        return self._pause_on_errors

    def set_pause_on_errors(self, on: bool) -> None:
        """Pause (or not) at uncaught errors in code actions."""
        self._pause_on_errors = on
        if self.debugger is not None:
            self.debugger.pause_on_errors = on

    def _on_conversation(self, conversation: Conversation | None) -> None:
        # A rewind re-announces the same conversation: its debugger is already ours.
        if conversation is not None and conversation.debugger is None:
            conversation.debugger = Debugger(pause_on_errors=self._pause_on_errors)
        if conversation is not None and conversation.debugger is not None:
            for breakpoint in self._breakpoints - conversation.debugger.breakpoints:
                conversation.debugger.add_breakpoint(breakpoint.state, breakpoint.line)
        self._set_paused(self.debugger.paused if self.debugger is not None else None)

    def _on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.Paused):
            self._set_paused(event)
        elif isinstance(event, ev.Resumed):
            self._set_paused(None)

    def _on_busy(self, _busy: bool) -> None:
        # A cancelled turn ends its pause without a `Resumed`: the debugger's own state says so.
        self._set_paused(self.debugger.paused if self.debugger is not None else None)
        if not self._busy_timer.isActive():
            self._busy_timer.start()

    def _set_paused(self, paused: ev.Paused | None) -> None:
        if paused is not self.paused:
            self.paused = paused
            self.pause_changed.emit(paused)

    # --- breakpoints ---

    @property
    def breakpoints(self) -> frozenset[Breakpoint]:
        """Every breakpoint set."""
        return frozenset(self._breakpoints)

    def has_breakpoint(self, state: str, line: int | None = None) -> bool:
        """Whether the debugger stops before `state` (or the statements on `line` of its code)."""
        return Breakpoint(state, line) in self._breakpoints

    def lines(self, state: str) -> list[int]:
        """The breakpoint lines in `state`'s code action, in order."""
        return sorted(b.line for b in self._breakpoints if b.state == state and b.line is not None)

    def toggle_breakpoint(self, state: str, line: int | None = None) -> bool:
        """Add the breakpoint if it is not set, else remove it; returns whether it is set now."""
        breakpoint = Breakpoint(state, line)
        on = breakpoint not in self._breakpoints
        if on:
            self._breakpoints.add(breakpoint)
        else:
            self._breakpoints.discard(breakpoint)
        if self.debugger is not None:
            if on:
                self.debugger.add_breakpoint(state, line)
            else:
                self.debugger.remove_breakpoint(state, line)
        self.breakpoints_changed.emit()
        return on

    def clear_breakpoints(self) -> None:
        """Remove every breakpoint."""
        self._breakpoints.clear()
        if self.debugger is not None:
            self.debugger.clear_breakpoints()
        self.breakpoints_changed.emit()

    # --- commands ---

    def run(self, command: Command) -> None:
        """Send a stepping command to the debugger (a plain call: the engine's gate resolves on the event loop)."""
        if self.debugger is not None:
            getattr(self.debugger, command)()
