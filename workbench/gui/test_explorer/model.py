"""The explorer's tree: convo files, under each its conversations with their tags and last result, and under a
conversation that ran in several languages one row per language with that language's result.

Rows carry what the panel needs in item data roles: `KEY_ROLE` (the test id, or the file path for a file row),
`TEST_ROLE` (the `ConvoTest` of a conversation row) and `STATUS_ROLE` (passed, failed, error, running or None).
A file row's status sums up its conversations', a conversation row's its languages'; a file that cannot be loaded
is an error row of its own. A language row's key is its result's id (`file::name [nl]`); the rows of a
conversation's languages are added as their results come in (one insertion per conversation in a batch) and
dropped when it runs again.

Statuses, their icons and result texts are not stored in the items: `data()` reads them from `results` and the
set of running tests, so that a batch of results (or marking 10,000 conversations as running) is a few dict
updates and one `dataChanged` per file touched, not three item changes per row.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QStyle

from workbench.flow.languages import language_name
from workbench.testing.convo_format import ConvoFile, ConvoTest
from workbench.testing.localize import labelled
from workbench.testing.runner import ConvoResult, file_error
from workbench.testing.selection import ExpressionError, Selection, check

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
TEST_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3
_ERROR_ROLE = Qt.ItemDataRole.UserRole + 4  # a file row's error result, while the row is built
LANGUAGE_ROLE = Qt.ItemDataRole.UserRole + 5
RUNNING = "running"
RESULT_COLUMN = 2
_ICONS = {
    "passed": QStyle.StandardPixmap.SP_DialogApplyButton,
    "failed": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "error": QStyle.StandardPixmap.SP_MessageBoxWarning,
    RUNNING: QStyle.StandardPixmap.SP_BrowserReload,
}
_WORST_FIRST = (RUNNING, "error", "failed")
_DISPLAY = Qt.ItemDataRole.DisplayRole
_DECORATION = Qt.ItemDataRole.DecorationRole
Row = list[QStandardItem]


@functools.cache
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


def language_of(result: ConvoResult) -> str | None:
    """The language of a result that is one of several languages of its conversation (its name carries the
    language), else None."""
    language = result.language
    return language if language and result.name.endswith(labelled("", language)) else None


def _cell(text: str = "", key: str | None = None) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    if key is not None:
        item.setData(key, KEY_ROLE)
    return item


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
        self._children: dict[str, list[str]] = {}
        self._file_of: dict[str, str] = {}
        self._running: set[str] = set()
        self._languages: dict[str, QStandardItem] = {}
        self._language_test: dict[str, str] = {}
        self.results: dict[str, ConvoResult] = {}
        """The last result of each test id, of each language of a test that ran in several (by the result's id) and
        of each file that cannot be loaded (by its path)."""

    # --- contents ---

    def file_rows(self, files: Sequence[ConvoFile], roots: Sequence[Path]) -> list[Row]:
        """The rows of `files` (named relative to the root folder they are under), not shown yet: building them
        touches neither the views nor the results, so a long listing can be built in slices with the loop getting
        turns in between."""
        return [self._file_row(convo, roots) for convo in files]

    def show_rows(self, rows: Sequence[Row]) -> None:
        """Show rows made by `file_rows` instead of the listed ones (one reset, not a signal per row), keeping the
        known results of what is still listed."""
        self.beginResetModel()
        self.blockSignals(True)
        try:
            self.removeRows(0, self.rowCount())
            self._files, self._rows, self._tests, self._children, self._file_of = {}, {}, {}, {}, {}
            self._languages, self._language_test = {}, {}
            for row in rows:
                self.appendRow(row)
                self._index(row[0])
            known = set(self._rows) | set(self._files)
            self.results = {key: result for key, result in self.results.items() if self._keeps(key, known)}
            self._add_languages([r for r in self.results.values() if language_of(r)])
        finally:
            self.blockSignals(False)
            self.endResetModel()
        self._running &= known

    def _keeps(self, key: str, known: set[str]) -> bool:
        """Whether the result at `key` still has a row: its test's or file's, or its test's for a language."""
        result = self.results[key]
        return key in known or (language_of(result) is not None and self._test_key(result) in known)

    def set_files(self, files: Sequence[ConvoFile], roots: Sequence[Path]) -> None:
        """Show `files` (named relative to the root folder they are under), keeping known results."""
        self.show_rows(self.file_rows(files, roots))

    def replace_file(self, convo: ConvoFile) -> None:
        """Show the new contents of a file already listed (after it was edited)."""
        item = self._files.get(convo.path)
        if item is None:
            return
        for key in self._children.pop(convo.path, []):
            self._forget(key)
        item.removeRows(0, item.rowCount())
        self._fill(item, convo)
        self._index(item)
        self._changed([convo.path])

    def _file_row(self, convo: ConvoFile, roots: Sequence[Path]) -> Row:
        path = Path(convo.path)
        root = next((r for r in roots if path.is_relative_to(r)), None)
        item = _cell(path.relative_to(root).as_posix() if root else str(path), convo.path)
        item.setToolTip(str(path))
        self._fill(item, convo)
        return [item, _cell(), _cell()]

    def _fill(self, item: QStandardItem, convo: ConvoFile) -> None:
        """Give a file's item its conversations' rows, and the file's own error result if it cannot run."""
        item.setData(None if convo.ok else file_error(convo), _ERROR_ROLE)
        for test in convo.tests:
            row = _cell(test.name, test.id)
            row.setData(test, TEST_ROLE)
            row.setColumnCount(len(self.COLUMNS))  # for the rows of its languages, when it runs in several
            item.appendRow([row, _cell(", ".join(test.tags)), _cell()])

    def _index(self, item: QStandardItem) -> None:
        """Remember a file's item and its conversations' rows by key, and the file's error as its result."""
        path = item.data(KEY_ROLE)
        self._files[path] = item
        error = item.data(_ERROR_ROLE)
        if error is None:
            self.results.pop(path, None)
        else:
            self.results[path] = error
            item.setData(None, _ERROR_ROLE)
        children: list[str] = []
        for number in range(item.rowCount()):
            row = item.child(number)
            test = row.data(TEST_ROLE)
            self._rows[test.id] = row
            self._tests[test.id] = test
            self._file_of[test.id] = path
            children.append(test.id)
        self._children[path] = children

    def _forget(self, key: str) -> None:
        for language_key in self._children.pop(key, []):
            self._forget_language(language_key)
        self._rows.pop(key, None)
        self._tests.pop(key, None)
        self._file_of.pop(key, None)
        self._running.discard(key)
        self.results.pop(key, None)

    # --- reading ---

    def test(self, key: str) -> ConvoTest | None:
        """The conversation test with id `key` (or of the language result with that id)."""
        return self._tests.get(self._language_test.get(key, key))

    def files(self) -> list[Path]:
        """Every listed file, in order."""
        return [Path(key) for key in self._files]

    def flows(self) -> list[Path]:
        """The flow files of the listed conversations, each once, in order."""
        return list(dict.fromkeys(test.flow for test in self._tests.values()))

    def tests_under(self, index: QModelIndex | QPersistentModelIndex) -> list[ConvoTest]:
        """The conversation at `index` (or of the language at `index`), or every conversation of the file at
        `index`."""
        key = self.index(index.row(), 0, index.parent()).data(KEY_ROLE)
        key = self._language_test.get(key, key)
        if key in self._tests:
            return [self._tests[key]]
        return [self._tests[child] for child in self._children.get(key, [])]

    def failed(self) -> list[ConvoTest]:
        """The conversations whose last result (in one of their languages) is a failure or an error."""
        keys = (self._language_test.get(key, key) for key, r in self.results.items() if not r.passed)
        return [self._tests[key] for key in dict.fromkeys(keys) if key in self._tests]

    def index_of(self, key: str) -> QModelIndex:
        """The index of the row of a test id, a language's result id or a file path (invalid when not listed)."""
        item = self._rows.get(key) or self._languages.get(key) or self._files.get(key)
        return item.index() if item is not None else QModelIndex()

    def status(self, key: str) -> str | None:
        """The status shown for a test id or a file path: running, its last result's, or a file's summed up."""
        if key in self._running:
            return RUNNING
        children = self._children.get(key)
        own = self.results.get(key)
        if children is None or own is not None:
            return own.status if own is not None else None
        return summed_status([self.status(child) for child in children])

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        """An item's data; a row's status, its icon and its result text come from the results."""
        column = index.column()
        if not (role == STATUS_ROLE or (role == _DECORATION and column == 0) or (role == _DISPLAY and column == 2)):
            return super().data(index, role)
        key = super().data(index.siblingAtColumn(0), KEY_ROLE)
        if key is None:
            return None
        if role == STATUS_ROLE:
            return self.status(key) if column == 0 else None
        if role == _DECORATION:
            return status_icon(self.status(key))
        return self._result_text(key)

    def _result_text(self, key: str) -> str:
        own = self.results.get(key)
        children = self._children.get(key)
        if children is None:
            return "" if own is None or key in self._running else _result_text(own)
        if own is not None:
            return own.status
        if key in self._tests:  # a conversation that ran in several languages
            return ", ".join(f"{self.results[child].language} {self.status(child)}" for child in children)
        statuses = [self.status(child) for child in children]
        counts = {s: statuses.count(s) for s in ("passed", "failed", "error")}
        return ", ".join(f"{n} {s}" for s, n in counts.items() if n)

    # --- results ---

    def mark_running(self, tests: Iterable[ConvoTest]) -> None:
        """Show `tests` as queued to run (their previous results, and the rows of their languages, are
        forgotten)."""
        keys = [test.id for test in tests if test.id in self._tests]
        for key in keys:
            self.results.pop(key, None)
            languages = self._children.pop(key, None)
            if languages:
                for language_key in languages:
                    self._forget_language(language_key)
                self._rows[key].removeRows(0, len(languages))
        self._running.update(keys)
        self._changed(keys)

    def set_results(self, results: Sequence[ConvoResult]) -> None:
        """Show a batch of results as they come in (one view update per file they belong to, and one insertion
        of rows per conversation whose languages came in)."""
        keys: list[str] = []
        languages: list[ConvoResult] = []
        for result in results:
            key = self._test_key(result)
            self._running.discard(key)
            keys.append(key)
            if language_of(result) is not None and key in self._tests:
                languages.append(result)
            else:
                self.results[key] = result
        self._add_languages(languages)
        self._changed(keys)

    def _test_key(self, result: ConvoResult) -> str:
        """The test id (or file path) of the row a result belongs to: its own, or its test's for a language."""
        language = language_of(result)
        if language is None or result.id in self._tests:
            return result.id
        return f"{result.file}::{result.name.removesuffix(labelled('', language))}"

    def _add_languages(self, results: Iterable[ConvoResult]) -> None:
        """Keep each language's result and give it a row under its conversation (new ones: one insertion per
        conversation)."""
        new: dict[str, list[ConvoResult]] = {}
        for result in results:
            key = self._test_key(result)
            if key not in self._tests:
                continue
            if result.id not in self._languages:
                new.setdefault(key, []).append(result)
            self.results[result.id] = result
        for key, found in new.items():
            # One cell per row: the other columns of a language row show nothing of their own (its result text
            # is read from `results`), and the conversation's children have every column (`_fill`).
            cells = [self._language_cell(self._tests[key], result) for result in found]
            self._rows[key].appendRows(cells)
            children = self._children.setdefault(key, [])
            for result, cell in zip(found, cells, strict=True):
                self._languages[result.id] = cell
                self._language_test[result.id] = key
                self._file_of[result.id] = self._file_of[key]
                children.append(result.id)

    def _language_cell(self, test: ConvoTest, result: ConvoResult) -> QStandardItem:
        cell = _cell(language_name(result.language), result.id)
        cell.setData(test, TEST_ROLE)
        cell.setData(result.language, LANGUAGE_ROLE)
        return cell

    def _forget_language(self, key: str) -> None:
        self._languages.pop(key, None)
        self._language_test.pop(key, None)
        self._file_of.pop(key, None)
        self.results.pop(key, None)

    def clear_running(self) -> None:
        """After a stopped run: conversations still shown as running have no result."""
        keys, self._running = list(self._running), set()
        self._changed(keys)

    def _changed(self, keys: Iterable[str]) -> None:
        """Tell the views that the rows of `keys` (and the rows of their files) show something else: one
        `dataChanged` per file for its conversations, and one over the file rows."""
        files = {self._file_of.get(key, key) for key in keys} & self._files.keys()
        if not files:
            return
        last = RESULT_COLUMN
        for path in files:
            item = self._files[path]
            if item.rowCount():
                self.dataChanged.emit(item.child(0, 0).index(), item.child(item.rowCount() - 1, last).index(), [])
        rows = sorted(self._files[path].row() for path in files)
        self.dataChanged.emit(self.index(rows[0], 0), self.index(rows[-1], last), [])


class TagFilter(QSortFilterProxyModel):
    """Shows the conversations whose tags match an expression (`smoke and not live`, as `workbench test --tags`),
    with their files."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        # What the filter reads (a conversation's tags) changes only with its rows, never by a dataChanged: no
        # filtering again on every result.
        self.setDynamicSortFilter(False)
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
