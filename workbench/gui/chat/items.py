"""The base of every entry in the chat stream, and what entries may ask the panel to do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from workbench.engine import events as ev

if TYPE_CHECKING:
    from workbench.gui.chat.media import ImageLoader


@dataclass(frozen=True, slots=True)
class ChatContext:
    """What chat items may do: activate a button, open an iframe page, load an image."""

    choose: Callable[[ev.ChoiceOut], None]
    open_iframe: Callable[[str, int], None]
    images: ImageLoader


class Side(Enum):
    """Where an item sits: the bot's side, the user's side, or across the whole width."""

    LEFT = "left"
    RIGHT = "right"
    WIDE = "wide"


class ChatItem(QWidget):
    """One entry of the chat stream, showing one engine event (`engine_event`; `event` is Qt's).

    An item takes a fixed height for the width it is given (the stream places items by hand, from their heights).
    """

    def __init__(self, event: ev.Event, side: Side, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine_event = event
        self.side = side
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._content: QWidget | None = None

    @property
    def content(self) -> QWidget | None:
        """The bubble or card itself, without the row around it."""
        return self._content

    def set_content(self, content: QWidget) -> None:
        """Place the item's content on its side of the row."""
        self._content = content
        if self.side is Side.RIGHT:
            self._row.addStretch(1)
        self._row.addWidget(content, 0 if self.side is not Side.WIDE else 1, Qt.AlignmentFlag.AlignTop)
        if self.side is Side.LEFT:
            self._row.addStretch(1)

    def set_bubble_width(self, width: int) -> None:
        """Limit the content to `width` pixels (wide items take the whole row)."""
        if self._content is not None and self.side is not Side.WIDE:
            self._content.setMaximumWidth(width)

    def fit(self, width: int) -> int:
        """Take the height the content needs at `width`; returns it."""
        row = self._row
        height = row.totalHeightForWidth(width) if row.hasHeightForWidth() else row.totalSizeHint().height()
        if height != self.minimumHeight() or height != self.maximumHeight():
            self.setFixedHeight(height)
        return height

    def event(self, event: QEvent) -> bool:
        """Fit again when the width changes or the content's size does (a card unfolds, an image arrives)."""
        handled = super().event(event)
        if event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self.fit(self.width())
        return handled

    def user_answered(self) -> None:
        """The user said something after this item (quick replies close then)."""
