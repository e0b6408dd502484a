"""Speech bubbles: what the user, the human agent and the bot say."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from workbench.engine import events as ev
from workbench.gui.chat.choices import ChoiceButton, quick_reply_row
from workbench.gui.chat.items import ChatContext, ChatItem, Side
from workbench.gui.chat.media import media_view
from workbench.gui.chat.style import AGENT, BOT, PLAIN, USER, Balloon, Role, Tone, make_label

USER_VIA = {"button": "pressed", "iframe": "sent by the page"}


def stamp(event: ev.Event) -> str:
    """The event's wall-clock time, for tooltips."""
    return time.strftime("%H:%M:%S", time.localtime(event.at))


class _Stack(QWidget):
    """A bubble and what goes under it, one above the other, aligned to one side."""

    def __init__(self, balloon: Balloon) -> None:
        super().__init__()
        self.balloon = balloon
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(2)
        self.column.addWidget(balloon)


class TextBubble(ChatItem):
    """A plain message from the user (right, highlighted) or the human agent (left, its own colour),
    with an optional caption such as "pressed" or "to agent"."""

    def __init__(self, event: ev.Event, text: str, tone: Tone, side: Side, caption: str = "") -> None:
        super().__init__(event, side)
        self.text = text
        self._stack = _Stack(Balloon(tone))
        self._stack.balloon.add_label(text)
        self._stack.setToolTip(stamp(event))
        self._caption: QLabel | None = None
        self.set_content(self._stack)
        if caption:
            self.add_caption(caption)

    @property
    def caption(self) -> str:
        """The small note under the bubble ("" when there is none)."""
        return self._caption.text() if self._caption is not None else ""

    def add_caption(self, caption: str) -> None:
        """Show (or replace) the small note under the bubble."""
        if self._caption is None:
            self._caption = make_label(caption, small=True)
            self._caption.setForegroundRole(Role.PlaceholderText)
            if self.side is Side.RIGHT:
                self._caption.setAlignment(Qt.AlignmentFlag.AlignRight)
            self._stack.column.addWidget(self._caption)
        self._caption.setText(caption)


def user_bubble(event: ev.UserMessage) -> TextBubble:
    """What the user typed, pressed or had a page send."""
    bubble = TextBubble(event, event.text, USER, Side.RIGHT, USER_VIA.get(event.via, ""))
    bubble.setObjectName("userBubble")
    return bubble


def agent_bubble(event: ev.AgentMessage) -> TextBubble:
    """What the human agent said."""
    bubble = TextBubble(event, event.text, AGENT, Side.LEFT, "agent")
    bubble.setObjectName("agentBubble")
    return bubble


class BotBubble(ChatItem):
    """A bot message: text, HTML, media and buttons in one bubble; quick replies under it until the user answers."""

    def __init__(self, event: ev.BotMessage, context: ChatContext) -> None:
        super().__init__(event, Side.LEFT)
        self.setObjectName("botBubble")
        stack = _Stack(Balloon(BOT if event.with_balloon else PLAIN))
        stack.setToolTip(f"{stamp(event)} · {event.state}")
        balloon = stack.balloon
        if event.text:
            balloon.add_label(event.text)
        if event.html is not None:
            balloon.add_label(event.html, rich=True).setObjectName("htmlMessage")
        if event.media:
            balloon.body.addWidget(media_view(event.media, context.images))
        for choice in event.buttons:
            balloon.body.addWidget(ChoiceButton(choice, context, balloon))
        self.quick_replies = quick_reply_row(event.quick_replies, context) if event.quick_replies else None
        if self.quick_replies is not None:
            stack.column.addWidget(self.quick_replies)
        self.set_content(stack)

    def user_answered(self) -> None:
        """Quick replies go away once the user has answered, as in Chatlayer's widget."""
        if self.quick_replies is not None:
            self.quick_replies.hide()
