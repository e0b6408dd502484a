"""The scrolling column of chat items. It follows new items while the view is at the bottom, and keeps
bubbles to a share of the width so long messages wrap.

The items are placed by hand, one under the other, rather than by a layout: a layout looks at every item each time
one is added, so the thousandth message of a chat cost ten times the first. Here adding an item costs the same
however long the chat is; an item whose height changes (a card unfolds, an image arrives) moves only the items
below it, and only a change of width (the pane resized) places them all again.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from workbench.gui.chat.items import ChatItem

BUBBLE_SHARE = 0.8
"""The widest a bubble gets, as a share of the visible width."""
AT_BOTTOM = 4
"""How close (pixels) to the end counts as being at the bottom."""
UNLIMITED = 16_777_215
"""Qt's largest widget size: no limit until the stream knows its width."""
MARGIN = 8
"""Space around the items."""
SPACING = 6
"""Space between two items."""


class ChatStream(QScrollArea):
    """The chat items in order, newest at the bottom (and, while they do not fill the view, at its bottom)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatStream")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._items: list[ChatItem] = []
        self._tops: list[int] = []
        """Where each item starts, measured from the top of the first one."""
        self._rows: dict[ChatItem, int] = {}
        self._offset = 0
        """How far down the first item sits: the room left above the items while they do not fill the view."""
        self._placing = False
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
        item.setParent(self._column)
        item.set_bubble_width(self._bubble_width)
        height = item.fit(self._item_width())
        self._rows[item] = len(self._items)
        self._tops.append(self._content_height() + SPACING if self._items else 0)
        self._items.append(item)
        item.setGeometry(MARGIN, self._offset + self._tops[-1], self._item_width(), height)
        item.installEventFilter(self)
        item.show()
        self._size_column()

    def follow(self) -> None:
        """Scroll to the bottom now and keep following new items."""
        self._following = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def clear(self) -> None:
        """Remove every item."""
        self._items.clear()
        self._tops.clear()
        self._rows.clear()
        self._offset = 0
        self._following = True
        self._column = self._new_column()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep bubbles to their share of the new width, and the items to the width of the view."""
        super().resizeEvent(event)
        width = max(120, int(self.viewport().width() * BUBBLE_SHARE))
        if width != self._bubble_width:
            self._bubble_width = width
            for item in self._items:
                item.set_bubble_width(width)
        if self._column.width() != self.viewport().width():
            self._place_all()
        else:
            self._size_column()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """An item changed its height: move the items below it. Everything else goes to QScrollArea, which
        watches the column's size to set the scroll bar's range."""
        if watched in self._rows:
            if event.type() == QEvent.Type.Resize and not self._placing:
                self._place_from(self._rows[watched])  # type: ignore[index]
            return False
        return super().eventFilter(watched, event)

    # --- placing ---

    def _item_width(self) -> int:
        return max(0, self.viewport().width() - 2 * MARGIN)

    def _content_height(self) -> int:
        return self._tops[-1] + self._items[-1].height() if self._items else 0

    def _place_all(self) -> None:
        """Fit every item to the width of the view and place them all (after a change of width)."""
        self._placing = True
        try:
            width = self._item_width()
            for item in self._items:
                item.resize(width, item.fit(width))
        finally:
            self._placing = False
        self._place_from(0)

    def _place_from(self, row: int) -> None:
        """Place the items from `row` on under the one before it."""
        top = self._tops[row - 1] + self._items[row - 1].height() + SPACING if row > 0 else 0
        for index in range(row, len(self._items)):
            self._tops[index] = top
            top += self._items[index].height() + SPACING
        self._size_column(moved_from=row)

    def _size_column(self, moved_from: int | None = None) -> None:
        """Make the column as tall as the items (at least as tall as the view) and move the items that must."""
        content = self._content_height()
        view = self.viewport().height()
        offset = max(0, view - 2 * MARGIN - content) + MARGIN
        if offset != self._offset:
            self._offset, moved_from = offset, 0
        if moved_from is not None:
            self._placing = True
            try:
                for index in range(moved_from, len(self._items)):
                    self._items[index].move(MARGIN, self._offset + self._tops[index])
            finally:
                self._placing = False
        self._column.resize(self.viewport().width(), max(view, content + 2 * MARGIN))

    def _new_column(self) -> QWidget:
        column = QWidget()
        column.setObjectName("chatColumn")
        self.setWidget(column)  # the previous column, with its items, is deleted
        column.resize(self.viewport().size())
        return column

    def _range_changed(self, _minimum: int, maximum: int) -> None:
        if self._following:
            self.verticalScrollBar().setValue(maximum)

    def _value_changed(self, value: int) -> None:
        self._following = value >= self.verticalScrollBar().maximum() - AT_BOTTOM
