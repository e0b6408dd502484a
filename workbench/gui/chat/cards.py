"""Cards in the chat: carousels, JSON Builder messages and iframe pages."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QScrollArea, QToolButton, QVBoxLayout, QWidget

from workbench.engine import events as ev
from workbench.flow.whole_numbers import whole_number
from workbench.gui.chat.bubbles import stamp
from workbench.gui.chat.choices import ChoiceButton
from workbench.gui.chat.items import ChatContext, ChatItem, Side
from workbench.gui.chat.media import IMAGE_SIZE
from workbench.gui.chat.style import BOT, CARD, Balloon, embolden

CARD_WIDTH = IMAGE_SIZE.width() + 20
SUMMARY_CHARS = 60


class CarouselItem(ChatItem):
    """A carousel: the message text, then its cards side by side in a horizontal scroll."""

    def __init__(self, event: ev.BotMessage, context: ChatContext) -> None:
        super().__init__(event, Side.WIDE)
        self.setObjectName("carousel")
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        if event.text:
            balloon = Balloon(BOT)
            balloon.add_label(event.text)
            column.addWidget(balloon, 0, Qt.AlignmentFlag.AlignLeft)
        strip = QWidget()
        row = QHBoxLayout(strip)
        row.setContentsMargins(0, 0, 0, 0)
        self.cards = [self._card(card, context) for card in event.cards]
        for card in self.cards:
            row.addWidget(card, 0, Qt.AlignmentFlag.AlignTop)
        row.addStretch(1)
        scroll = QScrollArea()
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(strip)
        scroll.setFixedHeight(strip.sizeHint().height() + scroll.horizontalScrollBar().sizeHint().height())
        column.addWidget(scroll)
        content.setToolTip(f"{stamp(event)} · {event.state}")
        self.set_content(content)

    @staticmethod
    def _card(card: ev.CardOut, context: ChatContext) -> Balloon:
        box = Balloon(CARD)
        box.setObjectName("carouselCard")
        box.setFixedWidth(CARD_WIDTH)
        if card.image:
            box.body.addWidget(context.images.image(card.image))
        embolden(box.add_label(card.title))
        if card.subtitle:
            box.add_label(card.subtitle, small=True)
        for choice in card.buttons:
            box.body.addWidget(ChoiceButton(choice, context, box))
        box.body.addStretch(1)
        return box


def pretty_json(payload: Any) -> str:
    """The payload as indented JSON (values JSON cannot hold are shown as text)."""
    return json.dumps(payload, indent=2, ensure_ascii=False, default=str)


class JsonCard(ChatItem):
    """A JSON Builder message: a card with a one-line summary that unfolds into the pretty-printed JSON."""

    def __init__(self, event: ev.JsonMessage) -> None:
        super().__init__(event, Side.LEFT)
        self.setObjectName("jsonCard")
        box = Balloon(CARD)
        box.setToolTip(f"{stamp(event)} · {event.state}")
        self.toggle = QToolButton()
        self.toggle.setObjectName("jsonToggle")
        self.toggle.setText("JSON Builder message")
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setCheckable(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.toggled.connect(self.set_expanded)
        box.body.addWidget(self.toggle)
        compact = json.dumps(event.payload, ensure_ascii=False, default=str)
        self.summary = box.add_label(compact if len(compact) <= SUMMARY_CHARS else compact[: SUMMARY_CHARS - 1] + "…")
        self.summary.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body = box.add_label(pretty_json(event.payload))
        self.body.setObjectName("jsonBody")
        self.body.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body.setWordWrap(False)
        self.body.hide()
        self.set_content(box)

    @property
    def expanded(self) -> bool:
        """Whether the pretty JSON is shown."""
        return self.toggle.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        """Unfold (or fold) the JSON."""
        self.toggle.setChecked(expanded)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)
        self.summary.setVisible(not expanded)


class IframeCard(ChatItem):
    """A web page the flow opened: its address and an "Open page" button for the iframe panel."""

    def __init__(self, event: ev.Event, url: str, height: int, context: ChatContext) -> None:
        super().__init__(event, Side.LEFT)
        self.setObjectName("iframeCard")
        self.url = url
        box = Balloon(CARD)
        box.setToolTip(url)
        embolden(box.add_label("Web page"))
        address = box.add_label(url, small=True)
        address.setWordWrap(True)
        if height:
            box.add_label(f"{height} px high", small=True)
        self.open_button = QPushButton("Open page")
        self.open_button.setObjectName("openPage")
        self.open_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.open_button.clicked.connect(lambda: context.open_iframe(url, height))
        box.body.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.set_content(box)


def iframe_opened_card(event: ev.IframeOpened, context: ChatContext) -> IframeCard:
    """The card for an iframe action."""
    return IframeCard(event, event.url, event.height or 0, context)


def iframe_message_card(event: ev.BotMessage, context: ChatContext) -> IframeCard:
    """The card for an iframe message sent by a code or API action (`media` holds url and height)."""
    media = event.media or {}
    height = media.get("height", "")
    return IframeCard(event, media.get("url", ""), whole_number(str(height)) or 0, context)
