"""Buttons and quick replies the user can press."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import shiboken6
from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from workbench.engine import events as ev
from workbench.gui.chat.items import ChatContext
from workbench.gui.chat.media import is_loadable

ICON_SIZE = QSize(16, 16)


def choice_label(choice: ev.ChoiceOut) -> str:
    """What a choice's button says: a Call button (`tel:`) as "📞 Call us", a link with ↗, else its title."""
    if choice.url and urlsplit(choice.url).scheme == "tel":
        return f"📞 {choice.title}"
    return choice.title + (" ↗" if choice.url else "")


def _tooltip(choice: ev.ChoiceOut) -> str:
    if choice.url and urlsplit(choice.url).scheme == "tel":
        return f"Call {choice.url.removeprefix('tel:')}"
    return choice.url or (f"→ {choice.goto}" if choice.goto else choice.title)


class ChoiceButton(QPushButton):
    """A button or quick reply; pressing it hands its `choice` to the chat (a link opens in the browser). A quick
    reply's icon shows when it is a file or on this machine (a preview never reaches the internet)."""

    def __init__(self, choice: ev.ChoiceOut, context: ChatContext, parent: QWidget | None = None) -> None:
        super().__init__(choice_label(choice), parent)
        self.choice = choice
        self.setObjectName("choiceButton")
        self.setToolTip(_tooltip(choice))
        self.setIconSize(ICON_SIZE)
        if choice.icon and is_loadable(choice.icon):
            self._load_icon(choice.icon)
        # Clicking a button must not take the focus away from the typing box.
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.clicked.connect(lambda: context.choose(choice))

    @property
    def has_icon(self) -> bool:
        """Whether the choice's icon is shown."""
        return not self.icon().isNull()

    def _load_icon(self, url: str) -> None:
        if urlsplit(url).scheme == "file":
            self._set_icon(QPixmap(QUrl(url).toLocalFile()))
            return
        reply = QNetworkAccessManager(self).get(QNetworkRequest(QUrl(url)))
        reply.finished.connect(lambda: self._icon_arrived(reply))

    def _icon_arrived(self, reply: QNetworkReply) -> None:
        reply.deleteLater()
        if not shiboken6.isValid(self):  # the chat was cleared while the icon loaded
            return
        pixmap = QPixmap()
        if reply.error() == QNetworkReply.NetworkError.NoError and pixmap.loadFromData(reply.readAll()):
            self._set_icon(pixmap)

    def _set_icon(self, pixmap: QPixmap) -> None:
        if not pixmap.isNull():
            self.setIcon(QIcon(pixmap))


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
