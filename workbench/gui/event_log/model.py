"""The event log's table: an append-only model of engine events, and the filter by kind over it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)

from workbench.engine import events as ev
from workbench.gui.event_log.describe import state_of, summary, timestamp

EVENT_ROLE = Qt.ItemDataRole.UserRole
"""The role under which every cell gives its event, through any proxy."""

COLUMNS: tuple[tuple[str, Callable[[ev.Event], str]], ...] = (
    ("Time", timestamp),
    ("Kind", lambda event: event.kind),
    ("State", state_of),
    ("Summary", summary),
)
KIND_COLUMN = 1
SUMMARY_COLUMN = 3
AnyIndex = QModelIndex | QPersistentModelIndex
NO_INDEX = QModelIndex()


class EventTableModel(QAbstractTableModel):
    """Engine events in the order they came, one per row; rows are only ever appended, or all cleared."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events: list[ev.Event] = []

    def append(self, events: Iterable[ev.Event]) -> None:
        """Add events at the end."""
        new = list(events)
        if not new:
            return
        first = len(self._events)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._events.extend(new)
        self.endInsertRows()

    def clear(self) -> None:
        """Forget every event."""
        self.beginResetModel()
        self._events = []
        self.endResetModel()

    def event_at(self, row: int) -> ev.Event:
        """The event of a row."""
        return self._events[row]

    def rowCount(self, parent: AnyIndex = NO_INDEX) -> int:
        """How many events there are."""
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: AnyIndex = NO_INDEX) -> int:
        """Time, kind, state and summary."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's text (the summary's tool tip is the whole summary), or the row's event under `EVENT_ROLE`."""
        if not index.isValid():
            return None
        event = self._events[index.row()]
        tooltip = role == Qt.ItemDataRole.ToolTipRole and index.column() == SUMMARY_COLUMN
        if role == Qt.ItemDataRole.DisplayRole or tooltip:
            return COLUMNS[index.column()][1](event)
        if role == EVENT_ROLE:
            return event
        return None


class KindFilter(QSortFilterProxyModel):
    """Shows only the events of the chosen kinds."""

    def __init__(self, kinds: Iterable[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterKeyColumn(KIND_COLUMN)
        self.set_kinds(kinds)

    def set_kinds(self, kinds: Iterable[str]) -> None:
        """Show the events of exactly these kinds."""
        alternatives = "|".join(re.escape(kind) for kind in sorted(kinds))
        # `(?!)` matches nothing: no kind chosen shows no event.
        self.setFilterRegularExpression(QRegularExpression(f"^(?:{alternatives})$" if alternatives else "(?!)"))
