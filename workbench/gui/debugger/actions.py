"""The debugger's commands as actions with their keys: F5 continue, F6 pause, F10 step over, F11 step into,
Shift+F11 step out, Shift+F5 stop. Each is enabled only when it means something now."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

from workbench.gui.debugger.session import Command, DebugSession


@dataclass(frozen=True)
class _Spec:
    command: Command
    text: str
    key: str
    icon: QStyle.StandardPixmap
    tip: str


_SPECS = (
    _Spec("continue_", "Continue", "F5", QStyle.StandardPixmap.SP_MediaPlay, "Run to the next breakpoint"),
    _Spec("pause", "Pause", "F6", QStyle.StandardPixmap.SP_MediaPause, "Stop at the next state or statement"),
    _Spec("step_over", "Step over", "F10", QStyle.StandardPixmap.SP_ArrowRight, "The next statement or state"),
    _Spec("step_into", "Step into", "F11", QStyle.StandardPixmap.SP_ArrowDown, "Into a function, or into the code"),
    _Spec("step_out", "Step out", "Shift+F11", QStyle.StandardPixmap.SP_ArrowUp, "Out of the function or the code"),
    _Spec("stop", "Stop", "Shift+F5", QStyle.StandardPixmap.SP_MediaStop, "End the turn here"),
)


class DebugActions(QObject):
    """One action per command, owned by `owner` (whose children the keys work in, until `use_window_keys`)."""

    def __init__(self, session: DebugSession, owner: QWidget) -> None:
        super().__init__(owner)
        self.session = session
        self.by_command: dict[Command, QAction] = {}
        for spec in _SPECS:
            action = QAction(owner.style().standardIcon(spec.icon), spec.text, owner)
            action.setShortcut(QKeySequence(spec.key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{spec.text} ({spec.key}): {spec.tip}")
            action.triggered.connect(lambda _=False, c=spec.command: session.run(c))
            owner.addAction(action)
            self.by_command[spec.command] = action
        self._enabled: dict[Command, bool] = {}
        """What each action was last set to: a QAction tells every widget showing it of each setEnabled."""
        session.pause_changed.connect(self.update_enabled)
        session.busy_settled.connect(self.update_enabled)
        self.update_enabled()

    def actions(self) -> list[QAction]:
        """Every action, in toolbar order."""
        return list(self.by_command.values())

    def update_enabled(self) -> None:
        """Stepping while paused; pause while not; stop while a turn runs or waits."""
        paused = self.session.is_paused
        attached = self.session.debugger is not None
        for command, action in self.by_command.items():
            if command == "pause":
                enabled = attached and not paused
            elif command == "stop":
                enabled = paused or self.session.bridge.busy
            else:
                enabled = paused
            if self._enabled.get(command) != enabled:
                self._enabled[command] = enabled
                action.setEnabled(enabled)

    def use_window_keys(self, window: QWidget, continue_action: QAction) -> None:
        """Make the keys work anywhere in `window`, with `continue_action` (the window's own F5) as Continue."""
        ours = self.by_command["continue_"]
        ours.setShortcut(QKeySequence())
        continue_action.triggered.connect(ours.trigger)
        ours.changed.connect(lambda: continue_action.setEnabled(ours.isEnabled()))
        continue_action.setEnabled(ours.isEnabled())
        for action in self.by_command.values():
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(action)
