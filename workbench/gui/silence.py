"""Conversation > Simulate silence…: tell the conversation the user said nothing for a while, as Chatlayer's
"silence detected" event needs. The engine decides what happens (`Conversation.silence`); nobody waits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog

from workbench.flow.model import Flow
from workbench.gui.test_explorer.menu import window_menu

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow

CONVERSATION = "&Conversation"
DEFAULT_SECONDS = 30
MAX_SECONDS = 24 * 3600


def install(window: MainWindow) -> None:
    """Add Conversation > Simulate silence… to `window`."""
    action = window._action("Simulate &silence…", lambda: ask_silence(window))
    action.setToolTip("As if the user said nothing for a number of seconds: the flow's silence event may answer")
    window_menu(window, CONVERSATION).addAction(action)


def ask_silence(window: MainWindow) -> QInputDialog:
    """Ask how many seconds of silence to simulate (the flow's first silence event's by default); on OK the
    conversation hears of it. The dialog is returned open (not modal to the whole application)."""
    flow = window.bridge.flow
    dialog = QInputDialog(window)
    dialog.setObjectName("silence_dialog")
    dialog.setWindowTitle("Simulate silence")
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setIntRange(1, MAX_SECONDS)
    dialog.setIntValue(_default_seconds(flow))
    dialog.setLabelText(f"Seconds without user input ({_events_text(flow)}):")
    dialog.intValueSelected.connect(window.bridge.silence)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def _silences(flow: Flow | None) -> list[tuple[float, str]]:
    events = flow.events if flow is not None else ()
    return sorted((event.seconds, event.goto) for event in events if event.kind == "silence")


def _default_seconds(flow: Flow | None) -> int:
    silences = _silences(flow)
    return max(1, round(silences[0][0])) if silences else DEFAULT_SECONDS


def _events_text(flow: Flow | None) -> str:
    """`after 30 s: still_there; after 120 s: goodbye`, or that the flow has no silence event."""
    silences = _silences(flow)
    if not silences:
        return "the flow has no silence event: nothing will happen"
    return "; ".join(f"after {seconds:g} s: {goto}" for seconds, goto in silences)
