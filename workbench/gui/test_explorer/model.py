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
updates and one `dataChanged` per file touched (sent a slice of time at a time, `changes`), not three item changes
per row.

A listing (`list_files`) is applied a step at a time, so that the caller can give the loop turns in between: the
rows of new files are built first, off the model; then rows of files that are gone are removed a range at a time,
files still listed keep their rows (given their new contents when they changed), and new files get a row each.
Nothing is reset, so the tree keeps what is expanded and selected, and no step touches more than a few hundred rows
(a reset of 10,000 conversations blocked the window for half a second, most of it destroying the old rows).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QStyle

from workbench.flow.languages import language_name
from workbench.gui.test_explorer.changes import ChangeQueue, Span
from workbench.testing.convo_format import ConvoFile, ConvoTest
from workbench.testing.localize import labelled
from workbench.testing.runner import ConvoResult, file_error
from workbench.testing.selection import ExpressionError, Selection, check

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
TEST_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3
LANGUAGE_ROLE = Qt.ItemDataRole.UserRole + 5
RUNNING = "running"
RESULT_COLUMN = 2
REMOVED_AT_ONCE = 100
"""File rows removed in one step of a listing: one removal per range (each removal walks the views' persistent
indexes), small enough that destroying the rows' items stays short."""
_ICONS = {
    "passed": QStyle.StandardPixmap.SP_DialogApplyButton,
    "failed": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "error": QStyle.StandardPixmap.SP_MessageBoxWarning,
    RUNNING: QStyle.StandardPixmap.SP_BrowserReload,
}
_WORST_FIRST = (RUNNING, "error", "failed")
_DISPLAY = Qt.ItemDataRole.DisplayRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_SHOWN_ROLES = (_DISPLAY, _DECORATION, STATUS_ROLE)
"""What a new result or status changes of a row."""
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


@dataclass(slots=True)
class _FileRow:
    """A file's row built off the model: its cells, and its conversations' test ids, tests and rows."""

    convo: ConvoFile
    cells: Row
    tests: list[tuple[str, ConvoTest, QStandardItem]]


def _title(path: str, roots: Sequence[Path]) -> str:
    """A file's name relative to the root folder it is under."""
    where = Path(path)
    root = next((r for r in roots if where.is_relative_to(r)), None)
    return where.relative_to(root).as_posix() if root else str(where)


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
        self._convos: dict[str, ConvoFile] = {}
        self.results: dict[str, ConvoResult] = {}
        """The last result of each test id, of each language of a test that ran in several (by the result's id) and
        of each file that cannot be loaded (by its path)."""
        self._queue = ChangeQueue(self, self._children_span, RESULT_COLUMN, _SHOWN_ROLES)

    # --- contents ---

    def list_files(self, files: Sequence[ConvoFile], roots: Sequence[Path]) -> Iterator[None]:
        """Show `files` instead of the listed ones (named relative to the root folder they are under), keeping the
        known results of what is still listed, a step at a time (see the module's docstring): the caller may give
        the loop a turn at each `yield`."""
        listed = [self.item(row).data(KEY_ROLE) for row in range(self.rowCount())]
        wanted = {convo.path for convo in files}
        kept = [path for path in listed if path in wanted]
        if kept != [convo.path for convo in files if convo.path in self._files]:
            kept = []  # the files are listed in another order: every row goes
        stay = set(kept)
        built: dict[str, _FileRow] = {}
        for convo in files:
            if convo.path not in stay or self._convos.get(convo.path) != convo:
                built[convo.path] = self._file_row(convo, roots)
            yield
        yield from self._remove_all_but(listed, stay)
        for row, convo in enumerate(files):
            fresh = built.get(convo.path)
            if convo.path not in stay:
                assert fresh is not None
                self.insertRow(row, fresh.cells)
                self._index(fresh)
            else:
                item = self._files[convo.path]
                title = _title(convo.path, roots)
                if item.text() != title:
                    item.setText(title)
                if fresh is not None:
                    self._refill(item, fresh, keep_results=True)
            yield
        self._files = {convo.path: self._files[convo.path] for convo in files}

    def set_files(self, files: Sequence[ConvoFile], roots: Sequence[Path]) -> None:
        """Show `files` (named relative to the root folder they are under), keeping known results, all at once."""
        for _ in self.list_files(files, roots):
            pass

    def replace_file(self, convo: ConvoFile) -> None:
        """Show the new contents of a file already listed (after it was edited: its results are forgotten)."""
        item = self._files.get(convo.path)
        if item is None:
            return
        self._refill(item, self._file_row(convo, ()), keep_results=False)
        self._changed([convo.path])

    def _file_row(self, convo: ConvoFile, roots: Sequence[Path]) -> _FileRow:
        """A file's row and its conversations' rows, not shown yet."""
        item = _cell(_title(convo.path, roots), convo.path)
        item.setToolTip(convo.path)
        tests = []
        for test in convo.tests:
            key = test.id
            row = _cell(test.name, key)
            row.setData(test, TEST_ROLE)
            row.setColumnCount(len(self.COLUMNS))  # for the rows of its languages, when it runs in several
            item.appendRow([row, _cell(", ".join(test.tags)), _cell()])
            tests.append((key, test, row))
        return _FileRow(convo, [item, _cell(), _cell()], tests)

    def _index(self, built: _FileRow) -> None:
        """Remember a file's item and its conversations' rows by key, and the file's error as its result."""
        convo = built.convo
        path = convo.path
        self._files[path] = built.cells[0]
        self._convos[path] = convo
        if convo.ok:
            self.results.pop(path, None)
        else:
            self.results[path] = file_error(convo)
        for key, test, row in built.tests:
            self._rows[key] = row
            self._tests[key] = test
            self._file_of[key] = path
        self._children[path] = [key for key, _, _ in built.tests]

    def _refill(self, item: QStandardItem, built: _FileRow, keep_results: bool) -> None:
        """Give the listed row `item` of a file the conversations of `built`; with `keep_results`, those still
        there keep their results, their running status and the rows of their languages."""
        still = {key for key, _, _ in built.tests} if keep_results else set()
        languages: list[ConvoResult] = []
        for key in self._children.pop(built.convo.path, []):
            if key in still:
                languages += [self.results[k] for k in self._children.get(key, []) if k in self.results]
            self._forget(key, listed=key in still)
        item.removeRows(0, item.rowCount())
        rows = built.cells[0]
        while rows.rowCount():
            item.appendRow(rows.takeRow(0))
        self._index(_FileRow(built.convo, [item], built.tests))
        self._add_languages(languages)

    def _remove_all_but(self, listed: Sequence[str], kept: set[str]) -> Iterator[None]:
        """Remove the rows of `listed` (the paths of the rows in order) that are not `kept`, a range at a time
        from the bottom up, at most REMOVED_AT_ONCE rows a step."""
        end = len(listed)
        while end > 0:
            if listed[end - 1] in kept:
                end -= 1
                continue
            start = end - 1
            while start > 0 and end - start < REMOVED_AT_ONCE and listed[start - 1] not in kept:
                start -= 1
            for path in listed[start:end]:
                for key in self._children.pop(path, []):
                    self._forget(key)
                self._files.pop(path, None)
                self._convos.pop(path, None)
                self.results.pop(path, None)
            self.removeRows(start, end - start)
            end = start
            yield

    def _forget(self, key: str, listed: bool = False) -> None:
        """Forget a conversation's row and its languages' rows; their results and its running status too, unless
        it is still `listed`."""
        for language_key in self._children.pop(key, []):
            self._forget_language(language_key, keep_result=listed)
        self._rows.pop(key, None)
        self._tests.pop(key, None)
        self._file_of.pop(key, None)
        if not listed:
            self._running.discard(key)
            self.results.pop(key, None)

    # --- reading ---

    def test(self, key: str) -> ConvoTest | None:
        """The conversation test with id `key` (or of the language result with that id)."""
        return self._tests.get(self._language_test.get(key, key))

    def tests(self, shown: Callable[[ConvoTest], bool] | None = None) -> list[ConvoTest]:
        """Every listed conversation, in order (those that `shown` accepts)."""
        tests = self._tests
        listed = (tests[key] for path in self._files for key in self._children[path])
        return list(listed if shown is None else filter(shown, listed))

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

    def mark_running(self, keys: Iterable[str]) -> None:
        """Show the tests with ids `keys` as queued to run (their previous results, and the rows of their
        languages, are forgotten)."""
        tests = self._tests
        keys = [key for key in keys if key in tests]
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

    def _forget_language(self, key: str, keep_result: bool = False) -> None:
        self._languages.pop(key, None)
        self._language_test.pop(key, None)
        self._file_of.pop(key, None)
        if not keep_result:
            self.results.pop(key, None)

    def clear_running(self) -> None:
        """After a stopped run: conversations still shown as running have no result."""
        keys, self._running = list(self._running), set()
        self._changed(keys)

    def _changed(self, keys: Iterable[str]) -> None:
        """Tell the views that the rows of `keys` (and the rows of their files) show something else: a
        `dataChanged` over the file rows, then one per file for its conversations (`changes`)."""
        file_of = self._file_of
        files = {file_of.get(key, key) for key in keys} & self._files.keys()
        if not files:
            return
        if len(files) == len(self._files):  # every file (a whole run): no need to look for their rows
            self._queue.changed(0, self.rowCount() - 1, files)
        else:
            rows = [self._files[path].row() for path in files]
            self._queue.changed(min(rows), max(rows), files)

    def _children_span(self, path: str) -> Span | None:
        """The first and last cells of the conversations of a listed file (None: it has none, or is gone)."""
        item = self._files.get(path)
        if item is None or not item.rowCount():
            return None
        return item.child(0, 0).index(), item.child(item.rowCount() - 1, RESULT_COLUMN).index()


class TagFilter(QSortFilterProxyModel):
    """Shows the conversations whose tags match an expression (`smoke and not live`, as `workbench test --tags`),
    with their files."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        # What the filter reads (a conversation's tags) changes only with its rows, never by a dataChanged: no
        # filtering again on every result.
        self.setDynamicSortFilter(False)
        # The role the filter reads: a dataChanged of other roles (results) needs no check of the rows' parents.
        self.setFilterRole(TEST_ROLE)
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

    def accepts(self, test: ConvoTest) -> bool:
        """Whether the conversation `test` shows."""
        return not self._selection.tags or self._selection(test)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        """A conversation shows when its tags match; a file when one of its conversations does."""
        if not self._selection.tags:
            return True
        test = self.sourceModel().index(row, 0, parent).data(TEST_ROLE)
        return test is not None and self._selection(test)
