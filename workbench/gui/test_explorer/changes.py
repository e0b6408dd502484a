"""Telling the views that the explorer's rows show something else, a slice of time at a time.

Statuses and result texts are read in `data()`, so a change is only a `dataChanged` over the file rows touched and
one over each file's conversations. Marking 10,000 conversations as running touches every file: 2,500 signals, each
passed on by the tag filter to the tree, blocked the window for a few hundred milliseconds, and so did one signal
over all the file rows (the tree walks every row it shows in the range). A tree repaints every row in view on a
`dataChanged` of a range, so the first signal goes at once and the others follow on the next turns of the loop, a
few milliseconds of them at a time: the file rows in ranges of at most ROWS_AT_ONCE, then each file's
conversations.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QStandardItemModel

SLICE_SECONDS = 0.004
"""Signals sent in one turn of the loop, at most."""
ROWS_AT_ONCE = 200
"""Top-level rows named by one signal."""

Span = tuple[QModelIndex, QModelIndex]


class ChangeQueue(QObject):
    """Sends `dataChanged` for a model's rows: for a range of its top-level rows, and for the children of each
    queued key (`children(key)` gives their span, or None when the key is gone); the first signal at once, the
    others a slice of time at a time."""

    def __init__(
        self,
        model: QStandardItemModel,
        children: Callable[[str], Span | None],
        last_column: int,
        roles: Iterable[Qt.ItemDataRole | int],
        seconds: float = SLICE_SECONDS,
    ) -> None:
        super().__init__(model)
        self._model = model
        self._children = children
        self._last_column = last_column
        self._roles = list(roles)
        self._seconds = seconds
        self._waiting: dict[str | tuple[int, int], None] = {}
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._send)

    def changed(self, first: int, last: int, keys: Iterable[str]) -> None:
        """The top-level rows `first` to `last` show something else, and so do the children of `keys`."""
        ranges = [(start, min(start + ROWS_AT_ONCE, last + 1) - 1) for start in range(first, last + 1, ROWS_AT_ONCE)]
        self._rows_changed(*ranges[0])
        self._waiting.update(dict.fromkeys([*ranges[1:], *keys]))
        if self._waiting and not self._timer.isActive():
            self._timer.start()

    def _send(self) -> None:
        """Send what waits (at least one signal) until this turn's slice of time is used up."""
        end = time.perf_counter() + self._seconds
        waiting = self._waiting
        while waiting:
            what = next(iter(waiting))
            del waiting[what]
            if isinstance(what, tuple):
                self._rows_changed(*what)
            else:
                span = self._children(what)
                if span is not None:
                    self._model.dataChanged.emit(*span, self._roles)
            if time.perf_counter() >= end:
                break
        if waiting:
            self._timer.start()

    def _rows_changed(self, first: int, last: int) -> None:
        last = min(last, self._model.rowCount() - 1)  # rows may have gone since
        if first <= last:
            top, bottom = self._model.index(first, 0), self._model.index(last, self._last_column)
            self._model.dataChanged.emit(top, bottom, self._roles)
