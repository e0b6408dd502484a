"""Buttons and quick replies the user can press."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from workbench.engine import events as ev
from workbench.gui.chat.items import ChatContext


class ChoiceButton(QPushButton):
    """A button or quick reply; pressing it hands its `choice` to the chat (a link opens in the browser)."""

    def __init__(self, choice: ev.ChoiceOut, context: ChatContext, parent: QWidget | None = None) -> None:
        super().__init__(choice.title + (" ↗" if choice.url else ""), parent)
        self.choice = choice
        self.setObjectName("choiceButton")
        self.setToolTip(choice.url or (f"→ {choice.goto}" if choice.goto else choice.title))
        # Clicking a button must not take the focus away from the typing box.
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.clicked.connect(lambda: context.choose(choice))


def quick_reply_row(choices: Iterable[ev.ChoiceOut], context: ChatContext) -> QWidget:
    """Quick replies side by side, under the bot's bubble."""
    row = QWidget()
    row.setObjectName("quickReplies")
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    for choice in choices:
        layout.addWidget(ChoiceButton(choice, context))
    layout.addStretch(1)
    return row
