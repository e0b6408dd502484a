"""The explorer's tree: convo files, and under each its conversations with their tags and last result.

Rows carry what the panel needs in item data roles: `KEY_ROLE` (the test id, or the file path for a file row),
`TEST_ROLE` (the `ConvoTest` of a conversation row) and `STATUS_ROLE` (passed, failed, error, running or None).
A file row's status sums up its conversations'; a file that cannot be loaded is an error row of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QStyle

from workbench.testing.convo_format import ConvoFile, ConvoTest
from workbench.testing.runner import ConvoResult, file_error
from workbench.testing.selection import ExpressionError, Selection, check

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
TEST_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3
RUNNING = "running"
_ICONS = {
    "passed": QStyle.StandardPixmap.SP_DialogApplyButton,
    "failed": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "error": QStyle.StandardPixmap.SP_MessageBoxWarning,
    RUNNING: QStyle.StandardPixmap.SP_BrowserReload,
}
_WORST_FIRST = (RUNNING, "error", "failed")


def status_icon(status: str | None) -> QIcon:
    """The icon of a status (an empty icon for none)."""
    pixmap = _ICONS.get(status or "")
    return QApplication.style().standardIcon(pixmap) if pixmap is not None else QIcon()


def summed_status(statuses: Sequence[str | None]) -> str | None:
    """A file's status from its conversations': the worst of them, passed only when all passed."""
    for status in _WORST_FIRST:
        if status in statuses:
            return status
    return "passed" if statuses and all(s == "passed" for s in statuses) else None


def _result_text(result: ConvoResult) -> str:
    return f"{result.status} · {result.duration * 1000:.0f} ms" if result.duration else result.status


class TestTreeModel(QStandardItemModel):
    """Files → conversations, with the last result of each; columns Test, Tags, Result."""

    COLUMNS = ("Test", "Tags", "Result")
    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(0, len(self.COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(self.COLUMNS))
        self._files: dict[str, QStandardItem] = {}
        self._rows: dict[str, QStandardItem] = {}
        self._tests: dict[str, ConvoTest] = {}
        self.results: dict[str, ConvoResult] = {}
        """The last result of each test id (and of each file that cannot be loaded, by its path)."""

    # --- contents ---

    def set_files(self, files: Sequence[ConvoFile], roots: Sequence[Path]) -> None:
        """Show `files` (named relative to the root folder they are under), keeping known results."""
        self.removeRows(0, self.rowCount())
        self._files.clear()
        self._rows.clear()
        self._tests.clear()
        for convo in files:
            item = self._file_item(convo, roots)
            self.appendRow([item, QStandardItem(), QStandardItem()])
            self._fill(item, convo)
        known = set(self._rows) | set(self._files)
        self.results = {key: result for key, result in self.results.items() if key in known}

    def replace_file(self, convo: ConvoFile) -> None:
        """Show the new contents of a file already listed (after it was edited)."""
        item = self._files.get(convo.path)
        if item is None:
            return
        for row in range(item.rowCount()):
            self._forget(item.child(row))
        item.removeRows(0, item.rowCount())
        self._fill(item, convo)

    def _file_item(self, convo: ConvoFile, roots: Sequence[Path]) -> QStandardItem:
        path = Path(convo.path)
        root = next((r for r in roots if path.is_relative_to(r)), None)
        item = QStandardItem(path.relative_to(root).as_posix() if root else str(path))
        item.setToolTip(str(path))
        item.setEditable(False)
        item.setData(convo.path, KEY_ROLE)
        self._files[convo.path] = item
        return item

    def _fill(self, item: QStandardItem, convo: ConvoFile) -> None:
        if convo.ok:
            self.results.pop(convo.path, None)
        else:
            self.results[convo.path] = file_error(convo)
        for test in convo.tests:
            row = QStandardItem(test.name)
            row.setEditable(False)
            row.setData(test.id, KEY_ROLE)
            row.setData(test, TEST_ROLE)
            tags = QStandardItem(", ".join(test.tags))
            tags.setEditable(False)
            result = QStandardItem()
            result.setEditable(False)
            item.appendRow([row, tags, result])
            self._rows[test.id] = row
            self._tests[test.id] = test
        for key in [convo.path, *(t.id for t in convo.tests)]:
            if key in self.results:
                self._show(key, self.results[key])
        self._sum_up(item)

    def _forget(self, row: QStandardItem) -> None:
        key = row.data(KEY_ROLE)
        self._rows.pop(key, None)
        self._tests.pop(key, None)
        self.results.pop(key, None)

    # --- reading ---

    def test(self, key: str) -> ConvoTest | None:
        """The conversation test with id `key`."""
        return self._tests.get(key)

    def files(self) -> list[Path]:
        """Every listed file, in order."""
        return [Path(key) for key in self._files]

    def tests_under(self, index: QModelIndex | QPersistentModelIndex) -> list[ConvoTest]:
        """The conversation at `index`, or every conversation of the file at `index`."""
        item = self.itemFromIndex(self.index(index.row(), 0, index.parent()))
        if item is None:
            return []
        test = item.data(TEST_ROLE)
        if test is not None:
            return [test]
        return [item.child(row).data(TEST_ROLE) for row in range(item.rowCount())]

    def failed(self) -> list[ConvoTest]:
        """The conversations whose last result is a failure or an error."""
        return [self._tests[key] for key, r in self.results.items() if key in self._tests and not r.passed]

    def index_of(self, key: str) -> QModelIndex:
        """The index of the row of a test id or a file path (invalid when not listed)."""
        item = self._rows.get(key) or self._files.get(key)
        return item.index() if item is not None else QModelIndex()

    # --- results ---

    def mark_running(self, tests: Iterable[ConvoTest]) -> None:
        """Show `tests` as queued to run (their previous results are forgotten)."""
        for test in tests:
            self.results.pop(test.id, None)
            row = self._rows.get(test.id)
            if row is not None:
                self._set_status(row, RUNNING, "")
        for item in self._files.values():
            self._sum_up(item)

    def set_result(self, result: ConvoResult) -> None:
        """Show a result as it comes in."""
        self.results[result.id] = result
        item = self._show(result.id, result)
        if item is not None and item.parent() is not None:
            self._sum_up(item.parent())

    def clear_running(self) -> None:
        """After a stopped run: conversations still shown as running have no result."""
        for item in self._files.values():
            for row in range(item.rowCount()):
                child = item.child(row)
                if child.data(STATUS_ROLE) == RUNNING:
                    self._set_status(child, None, "")
            self._sum_up(item)

    def _show(self, key: str, result: ConvoResult) -> QStandardItem | None:
        item = self._rows.get(key) or self._files.get(key)
        if item is not None:
            self._set_status(item, result.status, _result_text(result))
        return item

    def _set_status(self, item: QStandardItem, status: str | None, text: str) -> None:
        item.setData(status, STATUS_ROLE)
        item.setIcon(status_icon(status))
        holder = item.parent() or self.invisibleRootItem()
        holder.child(item.row(), 2).setText(text)

    def _sum_up(self, item: QStandardItem) -> None:
        own = self.results.get(item.data(KEY_ROLE))
        statuses = [item.child(row).data(STATUS_ROLE) for row in range(item.rowCount())]
        status = "error" if own is not None else summed_status(statuses)
        counts = {s: statuses.count(s) for s in ("passed", "failed", "error")}
        text = own.status if own else ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        self._set_status(item, status, text)


class TagFilter(QSortFilterProxyModel):
    """Shows the conversations whose tags match an expression (`smoke and not live`, as `workbench test --tags`),
    with their files."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self._selection = Selection()

    def set_expression(self, text: str) -> str | None:
        """Filter by `text` (empty: everything); returns why an unreadable expression is ignored."""
        expression = text.strip()
        try:
            if expression:
                check(expression)
        except ExpressionError as exc:
            return str(exc)
        self._selection = Selection(tags=expression)
        self.invalidate()
        return None

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        """A conversation shows when its tags match; a file when one of its conversations does."""
        if not self._selection.tags:
            return True
        test = self.sourceModel().index(row, 0, parent).data(TEST_ROLE)
        return test is not None and self._selection(test)
