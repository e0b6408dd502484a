"""The test explorer panel: the convo files under the flow's folder (and added folders), run from the window."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from workbench.flow.languages import language_name
from workbench.flow.loader import load_flow
from workbench.gui import heap
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.test_explorer.detail import ResultDetail
from workbench.gui.test_explorer.model import KEY_ROLE, TagFilter, TestTreeModel, language_of
from workbench.gui.test_explorer.replay import ChatReplay, failing_turn
from workbench.gui.test_explorer.runs import SuiteRun
from workbench.gui.test_explorer.scan import load, scan
from workbench.gui.test_explorer.watch import ConvoWatcher
from workbench.testing.convo_format import ConvoTest
from workbench.testing.localize import ONE_LANGUAGE, RunLanguages
from workbench.testing.runner import ConvoResult
from workbench.testing.suite import SuiteResult

CLOCK_MS = 100
"""How often the elapsed time, the progress and the results that came in since are shown during a run."""
SETTINGS = "test_explorer"
WIDEST_RESULT = "failed · 9999 ms"
"""The result column is at least this wide, so that results coming in during a run are not cut."""


STATUSES = ("passed", "failed", "error")


def _counts_text(counts: Counter[str], every: bool = True) -> str:
    """`3 passed, 1 failed, 0 error` (only the statuses that occur, unless `every`)."""
    return ", ".join(f"{counts[s]} {s}" for s in STATUSES if every or counts[s])


def _process_counts() -> list[int]:
    most = max(2, os.cpu_count() or 1)
    return sorted({2, most} | {n for n in (4, 8) if n < most})


class ExplorerPanel(QWidget):
    """Lists convo files → conversations with tags and last results, and runs them (Run all / selected /
    failed, Stop) on the event loop or in worker processes, in the primary language, one language or all of them
    (the choice shows when the listed flows speak several), with progress and elapsed time. A conversation that ran
    in several languages has a row per language under it, and the summary counts per language. The selected
    result's detail shows below; Open in chat replays a conversation in the chat (in the selected result's
    language) up to its failing turn.
    Convo files are watched: with Watch ticked, an edited file is run again. `message` is for the status bar;
    `covered(Coverage)` tells what a finished run covered. Conversations with `http: passthrough` run with
    `live_variables` (the window's starting variables, e.g. the `api_base` of the backend it started).
    """

    message = Signal(str)
    covered = Signal(object)

    def __init__(
        self,
        bridge: EngineBridge,
        settings: QSettings,
        live_variables: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.live_variables = dict(live_variables or {})
        self.flow_folder: Path | None = None
        self.extra_folders = [Path(p) for p in self._setting_list("folders")]
        self.model = TestTreeModel(self)
        self.proxy = TagFilter(self)
        self.proxy.setSourceModel(self.model)
        self.runs = SuiteRun(self)
        self.chat_replay = ChatReplay(bridge, self)
        self.watcher = ConvoWatcher(self)
        self.tasks: set[asyncio.Task[Any]] = set()
        self._scanning: asyncio.Task[None] | None = None
        self._waiting: dict[str, ConvoTest] = {}
        self._arrived: list[ConvoResult] = []
        self._counts: Counter[str] = Counter()
        self._language_counts: dict[str, Counter[str]] = {}
        self._began = 0.0
        self._build()
        self._connect()
        self._set_running(False)

    # --- building ---

    def _build(self) -> None:
        self.run_all_button = QPushButton("Run all")
        self.run_selected_button = QPushButton("Run selected")
        self.run_failed_button = QPushButton("Run failed")
        self.stop_button = QPushButton("Stop")
        self.where = QComboBox()
        self.where.setToolTip("Run on the window's event loop, or in worker processes")
        self.where.addItem("On the event loop", 0)
        for count in _process_counts():
            self.where.addItem(f"In {count} processes", count)
        self.where.setCurrentIndex(max(0, self.where.findData(int(self.settings.value(f"{SETTINGS}/workers", 0)))))
        self.language_choice = QComboBox()
        self.language_choice.setObjectName("run_language")
        self.language_choice.setToolTip("The languages to run the conversations in")
        self.show_languages(())
        self.watch_box = QCheckBox("Watch")
        self.watch_box.setToolTip("Run a convo file again whenever it is saved")
        self.watch_box.setChecked(self.settings.value(f"{SETTINGS}/watch", False, type=bool))
        self.add_folder_button = QPushButton("Add folder…")
        self.filter_edit = QLineEdit(self.settings.value(f"{SETTINGS}/tags", "", type=str))
        self.filter_edit.setPlaceholderText("Tags, e.g. smoke and not live")
        self.filter_edit.setClearButtonEnabled(True)
        self.tree = QTreeView()
        self.tree.setObjectName("test_tree")
        self.tree.setModel(self.proxy)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Tags and results are short: fitted to the rows in view after a listing and after a run, not on every
        # change (each result measured the column again, a hundred data() calls per result).
        header.setResizeContentsPrecision(0)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.elapsed = QLabel()
        self.summary = QLabel()
        self.summary.setObjectName("test_summary")
        self.detail = ResultDetail()
        self._lay_out()

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for widget in (self.run_all_button, self.run_selected_button, self.run_failed_button, self.stop_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.where)
        buttons.addWidget(self.language_choice)
        buttons.addWidget(self.watch_box)
        buttons.addStretch(1)
        buttons.addWidget(self.add_folder_button)
        status = QHBoxLayout()
        status.addWidget(self.progress, 1)
        status.addWidget(self.elapsed)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.filter_edit)
        layout.addWidget(split, 1)
        layout.addLayout(status)
        layout.addWidget(self.summary)

    def _connect(self) -> None:
        self.run_all_button.clicked.connect(self.run_all)
        self.run_selected_button.clicked.connect(self.run_selected)
        self.run_failed_button.clicked.connect(self.run_failed)
        self.stop_button.clicked.connect(self.stop)
        self.add_folder_button.clicked.connect(self.choose_folder)
        self.where.currentIndexChanged.connect(
            lambda: self.settings.setValue(f"{SETTINGS}/workers", self.where.currentData())
        )
        self.watch_box.toggled.connect(lambda on: self.settings.setValue(f"{SETTINGS}/watch", on))
        self.filter_edit.textChanged.connect(self._filter)
        self.tree.selectionModel().currentChanged.connect(self._show_current)
        self.proxy.rowsInserted.connect(self._expand_files)
        self.detail.open_in_chat.connect(self.open_in_chat)
        self.runs.planned.connect(self.progress.setMaximum)
        self.runs.results.connect(self._on_results)
        self.runs.finished.connect(self._on_finished)
        self.watcher.listing_changed.connect(self.rescan)
        self.watcher.edited.connect(self._on_edited)
        self._clock = QTimer(self, interval=CLOCK_MS)
        self._clock.timeout.connect(self._tick)
        self._filter(self.filter_edit.text())

    # --- folders ---

    @property
    def folders(self) -> list[Path]:
        """The folders whose convo files are listed: the flow's, then the ones added."""
        return list(dict.fromkeys([*([self.flow_folder] if self.flow_folder else []), *self.extra_folders]))

    def set_flow_folder(self, folder: Path) -> asyncio.Task[None] | None:
        """List the convo files under the open flow's folder (and the added ones)."""
        folder = folder.resolve()
        if folder == self.flow_folder:
            return None
        self.flow_folder = folder
        return self.rescan()

    def add_folder(self, folder: Path) -> asyncio.Task[None]:
        """List the convo files under `folder` too, from now on (it is remembered)."""
        self.extra_folders = list(dict.fromkeys([*self.extra_folders, folder.resolve()]))
        self.settings.setValue(f"{SETTINGS}/folders", [str(p) for p in self.extra_folders])
        return self.rescan()

    def choose_folder(self) -> None:
        """Ask for a folder of convo files to add."""
        start = str(self.flow_folder or "")
        name = QFileDialog.getExistingDirectory(self, "Add a folder of conversation tests", start)
        if name:
            self.add_folder(Path(name))

    def rescan(self) -> asyncio.Task[None]:
        """Find and load the convo files again, then show them."""
        if self._scanning is not None:
            self._scanning.cancel()
        self._scanning = self._spawn(self._rescan())
        return self._scanning

    async def _rescan(self) -> None:
        folders = self.folders
        files = await scan(folders)
        # Watched before they show, so that an edit made as soon as a file is listed is seen. The paths stay
        # strings (resolved already): making and splitting 2,500 Path objects took 25 ms of the loop at once.
        names = [convo.path for convo in files]
        await self.watcher.watch([*folders, *sorted({os.path.dirname(name) for name in names})], names)
        slices = heap.Slices()
        for _ in self.model.list_files(files, folders):
            await slices.turn()
        # What the model did not keep (the files listed again unchanged) goes a file at a time: freeing thousands
        # of parsed files at once blocks the loop (half a million objects: 80 ms).
        while files:
            files.pop()
            await slices.turn()
        self._fit_columns()
        await self._find_languages()

    def _expand_files(self, parent: QModelIndex, first: int, last: int) -> None:
        """A file's row shows its conversations from the start."""
        if not parent.isValid():
            for row in range(first, last + 1):
                self.tree.expand(self.proxy.index(row, 0))

    async def _find_languages(self) -> None:
        """Offer the languages of the listed conversations' flows (each flow loaded once, off the loop)."""
        loop = asyncio.get_running_loop()
        found: list[str] = []
        for path in self.model.flows():
            flow = (await loop.run_in_executor(None, load_flow, path)).flow
            found += flow.languages.all if flow is not None else ()
        self.show_languages(tuple(dict.fromkeys(found)))

    def show_languages(self, languages: Sequence[str]) -> None:
        """Offer runs in the primary language, in each of `languages` and in all of them (the choice is hidden for
        one language); the choice made is kept when it is still offered."""
        choice = self.language_choice
        kept = choice.currentText()
        choice.clear()
        choice.addItem("Primary language", ONE_LANGUAGE)
        for code in languages:
            choice.addItem(language_name(code), RunLanguages((code,)))
        choice.addItem("All languages", RunLanguages(every=True))
        choice.setCurrentIndex(max(0, choice.findText(kept)))
        choice.setVisible(len(languages) > 1)

    def _on_edited(self, paths: list[Path]) -> None:
        self._spawn(self._reload(paths))

    async def _reload(self, paths: Sequence[Path]) -> None:
        files = await load(paths)
        for convo in files:
            self.model.replace_file(convo)
            self.tree.expand(self.proxy.mapFromSource(self.model.index_of(convo.path)))
        self._fit_columns()
        self._show_current(self.tree.currentIndex())
        if self.watch_box.isChecked():
            self.run(test for convo in files for test in convo.tests)

    # --- running ---

    def run_all(self) -> asyncio.Task[None] | None:
        """Run every conversation shown (the tag filter applies)."""
        return self.run(self.model.tests(self.proxy.accepts))

    def run_selected(self) -> asyncio.Task[None] | None:
        """Run the selected conversations (a selected file: all of its conversations)."""
        rows = self.tree.selectionModel().selectedRows(0)
        return self.run(t for index in rows for t in self.model.tests_under(self.proxy.mapToSource(index)))

    def run_failed(self) -> asyncio.Task[None] | None:
        """Run the conversations whose last result is a failure or an error."""
        return self.run(self.model.failed())

    def run(self, tests: Iterable[ConvoTest]) -> asyncio.Task[None] | None:
        """Run `tests`; while a run goes on they wait for it to end (the watcher asks while tests run)."""
        todo = {t.id: t for t in tests}
        if self.runs.running:
            self._waiting.update(todo)
            return None
        if not todo:
            self.message.emit("No conversation to run")
            return None
        self.model.mark_running(todo)
        self._arrived.clear()
        self._counts.clear()
        self._language_counts.clear()
        self._began = time.perf_counter()
        self.progress.setRange(0, len(todo))
        self.progress.setValue(0)
        self.summary.clear()
        self._set_running(True)
        self._clock.start()
        languages = ONE_LANGUAGE if self.language_choice.isHidden() else self.language_choice.currentData()
        return self.runs.start(list(todo.values()), self.where.currentData(), self.live_variables, languages)

    def stop(self) -> None:
        """Stop the run going on."""
        self._waiting.clear()
        self.runs.stop()

    def shutdown(self) -> None:
        """The window is closing: stop the run, forget the scans, stop watching files and give the listing back to
        the garbage collector."""
        self.stop()
        self.watcher.stop()
        for task in list(self.tasks):
            task.cancel()
        heap.release()

    def _on_results(self, results: list[ConvoResult]) -> None:
        # Shown with the next tick of the clock, with every other result that came in by then: one update of
        # the tree per file and one of the progress bar per tick, however fast results come (a worker process
        # hands over a whole chunk at once).
        self._arrived += results

    def _show_arrived(self) -> None:
        arrived, self._arrived = self._arrived, []
        if not arrived:
            return
        self.model.set_results(arrived)
        self._counts.update(result.status for result in arrived)
        for result in arrived:
            if result.language:
                self._language_counts.setdefault(result.language, Counter())[result.status] += 1
        self.progress.setValue(sum(self._counts.values()))
        current = self._current_key()
        if current is not None and any(result.id == current for result in arrived):
            self._show_current(self.tree.currentIndex())

    def _on_finished(self, outcome: SuiteResult | None) -> None:
        self._clock.stop()
        self._tick()
        self._set_running(False)
        self.model.clear_running()
        self._fit_columns()
        stopped = " (stopped)" if outcome is None or self.progress.value() < self.progress.maximum() else ""
        text = f"{_counts_text(self._counts)} in {time.perf_counter() - self._began:.1f} s{stopped}"
        if len(self._language_counts) > 1:
            each = (
                f"{language_name(code)}: {_counts_text(n, every=False)}" for code, n in self._language_counts.items()
            )
            text += " — " + " · ".join(each)
        self.summary.setText(text)
        self.summary.setToolTip(outcome.coverage.summary() if outcome is not None else "")
        self.message.emit(f"Tests: {text}")
        if outcome is not None:
            self.covered.emit(outcome.coverage)
        waiting, self._waiting = self._waiting, {}
        if waiting:
            self.run(waiting.values())

    def _tick(self) -> None:
        self._show_arrived()
        seconds = time.perf_counter() - self._began
        self.elapsed.setText(f"{self.progress.value()}/{self.progress.maximum()} · {seconds:.1f} s")

    def _fit_columns(self) -> None:
        self.tree.resizeColumnToContents(1)
        self.tree.resizeColumnToContents(2)
        widest = self.tree.fontMetrics().horizontalAdvance(WIDEST_RESULT) + 2 * self.tree.indentation()
        self.tree.setColumnWidth(2, max(self.tree.columnWidth(2), widest))

    def _set_running(self, running: bool) -> None:
        for button in (
            self.run_all_button,
            self.run_selected_button,
            self.run_failed_button,
            self.where,
            self.language_choice,
        ):
            button.setEnabled(not running)
        self.stop_button.setEnabled(running)

    # --- selection, detail and Open in chat ---

    def _filter(self, text: str) -> None:
        problem = self.proxy.set_expression(text)
        self.filter_edit.setToolTip(f"Not used: {problem}" if problem else "Show the conversations with these tags")
        if problem is None:
            self.settings.setValue(f"{SETTINGS}/tags", text)
            self.tree.expandAll()

    def _current_key(self) -> str | None:
        return self.tree.currentIndex().data(KEY_ROLE)

    def _show_current(self, index: QModelIndex) -> None:
        key = self.proxy.mapToSource(index).data(KEY_ROLE) if index.isValid() else None
        test = self.model.test(key) if key else None
        self.detail.show_result(test, self.model.results.get(key) if key else None)

    def select(self, key: str) -> None:
        """Make the row of a test id (or a file path) the current one, showing its detail."""
        index = self.proxy.mapFromSource(self.model.index_of(key))
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.tree.selectionModel().setCurrentIndex(index, flags)

    def open_in_chat(self, test: ConvoTest, result: ConvoResult | None) -> asyncio.Task[None]:
        """Replay `test` in the window's chat up to the turn its `result` failed at (to its end if it passed), in
        the language of `result` when that is one of the test's several languages."""
        language = language_of(result) if result is not None else None
        return self._spawn(self._open_in_chat(test, failing_turn(test, result), language))

    async def _open_in_chat(self, test: ConvoTest, upto: int | None, language: str | None) -> None:
        failure = await self.chat_replay.open(test, upto, language)
        if failure is not None:
            self.message.emit(f"“{test.name}” in the chat stopped at {failure.loc}: {failure.message}")
        elif upto is None:
            self.message.emit(f"“{test.name}” replayed in the chat to its end")
        else:
            turn = test.turns[upto]
            self.message.emit(f"“{test.name}” replayed in the chat up to its failing turn {turn.loc}: {turn.text}")

    # --- helpers ---

    def _spawn(self, work: Any) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def _setting_list(self, name: str) -> list[str]:
        value = self.settings.value(f"{SETTINGS}/{name}", [])
        return [value] if isinstance(value, str) else list(value or [])
