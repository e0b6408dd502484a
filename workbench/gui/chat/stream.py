"""The scrolling column of chat items. It follows new items while the view is at the bottom, and keeps
bubbles to a share of the width so long messages wrap."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QLayout, QScrollArea, QVBoxLayout, QWidget

from workbench.gui.chat.items import ChatItem

BUBBLE_SHARE = 0.8
"""The widest a bubble gets, as a share of the visible width."""
AT_BOTTOM = 4
"""How close (pixels) to the end counts as being at the bottom."""
UNLIMITED = 16_777_215
"""Qt's largest widget size: no limit until the stream knows its width."""


class ChatStream(QScrollArea):
    """The chat items in order, newest at the bottom."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatStream")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._items: list[ChatItem] = []
        self._bubble_width = UNLIMITED
        self._following = True
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._range_changed)
        bar.valueChanged.connect(self._value_changed)
        self._column = self._new_column()

    def items(self) -> list[ChatItem]:
        """Every item, oldest first."""
        return list(self._items)

    def add(self, item: ChatItem) -> None:
        """Append an item at the bottom."""
        self._items.append(item)
        item.set_bubble_width(self._bubble_width)
        margins = self._column.contentsMargins()
        item.fit(self.viewport().width() - margins.left() - margins.right())
        self._column.insertWidget(self._column.count() - 1, item)
        item.show()

    def follow(self) -> None:
        """Scroll to the bottom now and keep following new items."""
        self._following = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def clear(self) -> None:
        """Remove every item."""
        self._items.clear()
        self._following = True
        self._column = self._new_column()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep bubbles to their share of the new width."""
        super().resizeEvent(event)
        width = max(120, int(self.viewport().width() * BUBBLE_SHARE))
        if width != self._bubble_width:
            self._bubble_width = width
            for item in self._items:
                item.set_bubble_width(width)

    def _new_column(self) -> QVBoxLayout:
        column = QWidget()
        column.setObjectName("chatColumn")
        layout = QVBoxLayout(column)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        # The column grows before its items are placed, so that adding one does not first squeeze (move) every
        # other item into the old height and then move it back: that cost grew with the length of the chat.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addStretch(1)
        self.setWidget(column)  # the previous column, with its items, is deleted
        return layout

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        if self._following:
            self.verticalScrollBar().setValue(maximum)

    def _value_changed(self, value: int) -> None:
        self._following = value >= self.verticalScrollBar().maximum() - AT_BOTTOM
