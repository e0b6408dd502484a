"""`PreviewWindow`: one iframe page in the iframe panel's own host page (`PageHost`, the one bridge), at a chosen
width and height, reloaded when its file changes, beside the drive form and the log of what it posted."""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from workbench.gui.file_watcher import FileWatcher
from workbench.gui.iframe.host import PageHost
from workbench.gui.preview.drive_form import DriveForm
from workbench.gui.preview.log_model import COLUMNS, LogEntry, MessageLog
from workbench.gui.preview.page import PREVIEW_HEIGHT, local_file
from workbench.gui.preview.verdict import ANY_STATE, judge

WIDTHS: tuple[tuple[str, int], ...] = (("Chat widget (360 px)", 360), ("320 px", 320), ("375 px", 375), ("768 px", 768))
"""The iframe's width presets, in CSS pixels."""
MAX_HEIGHT = 4000
REASON_COLUMN = COLUMNS.index("Reason / effect")
REASON_WIDTH = 360
"""The reason column's starting width; it grows for longer reasons up to MAX_REASON_WIDTH (the tool tip has all)."""
MAX_REASON_WIDTH = 720


class PreviewWindow(QWidget):
    """Previews the page at `url_template` (rendered with `variables`; relative to `folder`) and logs what it posts.

    A local page is served from `root` when it lies below it (the flow's folder), else from its own folder. `states`
    gives the dialog states a `GO_TO_DIALOGSTATE` may name (asked for each message, so that a flow
    reloaded meanwhile counts); by default any name, as without a flow.
    """

    def __init__(
        self,
        url_template: str,
        *,
        folder: Path,
        root: Path | None = None,
        variables: Mapping[str, Any] | None = None,
        height: int = PREVIEW_HEIGHT,
        states: Callable[[], Container[str]] = lambda: ANY_STATE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(f"Preview: {url_template} — Flow Workbench")
        self.resize(1280, 760)
        self._states = states
        self._root = root
        self._url = ""

        self.width_choice = QComboBox()
        for label, width in WIDTHS:
            self.width_choice.addItem(label, width)
        self.height_choice = QSpinBox(minimum=1, maximum=MAX_HEIGHT, suffix=" px", value=height)
        self.height_choice.setKeyboardTracking(False)  # reload once a typed height is complete, not per digit
        reload = QPushButton("Reload")
        self.host = PageHost()
        self.form = DriveForm(url_template, folder)
        self.form.set_variables(variables or {})
        self.log = MessageLog()
        self.log_view = QTreeView()
        self.log_view.setModel(self.log)
        self.log_view.setColumnWidth(REASON_COLUMN, REASON_WIDTH)
        self.counts = QLabel()
        clear = QPushButton("Clear log")
        self.watcher = FileWatcher(self)

        self.setLayout(self._layout(reload, clear))
        self.width_choice.currentIndexChanged.connect(self.reload)
        self.height_choice.valueChanged.connect(self.reload)
        reload.clicked.connect(self.reload)
        clear.clicked.connect(self._clear_log)
        self.form.load_requested.connect(self.load)
        self.watcher.changed.connect(self.reload)
        self.host.message_posted.connect(self._on_message)
        self.host.messages_dropped.connect(self._on_dropped)
        self.log.rowsInserted.connect(self._span_raw_data)
        self._dropped = 0
        self._show_counts()
        self.form.load()

    def _layout(self, reload: QPushButton, clear: QPushButton) -> QVBoxLayout:
        bar = QHBoxLayout()
        for widget in (QLabel("Width"), self.width_choice, QLabel("Height"), self.height_choice, reload):
            bar.addWidget(widget)
        bar.addStretch(1)
        log_bar = QHBoxLayout()
        log_bar.addWidget(self.counts, 1)
        log_bar.addWidget(clear)
        log_pane = QWidget()
        log_layout = QVBoxLayout(log_pane)
        log_layout.setContentsMargins(0, 0, 0, 0)
        log_layout.addWidget(QLabel("Messages the page posted"))
        log_layout.addWidget(self.log_view, 1)
        log_layout.addLayout(log_bar)
        side = QSplitter(Qt.Orientation.Vertical)
        side.addWidget(self.form)
        side.addWidget(log_pane)
        side.setSizes([260, 500])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.host)
        split.addWidget(side)
        split.setSizes([560, 720])
        layout = QVBoxLayout()
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        return layout

    @property
    def url(self) -> str:
        """The absolute URL shown (the template rendered), "" before the first load."""
        return self._url

    @property
    def frame_width(self) -> int:
        """The iframe's width in CSS pixels (the chosen preset)."""
        return int(self.width_choice.currentData())

    def load(self, url: str) -> None:
        """Show `url` and watch its file, if it is a local one."""
        self._url = url
        self.watcher.watch(local_file(url))
        self.reload()

    def reload(self) -> None:
        """Load the page again, at the chosen width and height."""
        if not self._url:
            return
        try:
            self.host.load(self._url, self.height_choice.value(), self._root, width=self.frame_width)
        except ValueError as exc:
            self.form.rendered.setText(str(exc))

    def _on_message(self, origin: str, data: str) -> None:
        self.log.add(LogEntry(datetime.now(), origin, data, judge(data, self._states())))
        self._fit_columns(self.log.rowCount() - 1)
        self._show_counts()
        self.log_view.scrollToBottom()

    def _on_dropped(self, count: int) -> None:
        self._dropped += count
        self._show_counts()

    def _fit_columns(self, row: int) -> None:
        """Widen the columns before Data (which takes the rest) to show `row`'s cells whole: only the new row is
        measured, as measuring every row of a long log on each message would be slow."""
        header = self.log_view.header()
        for column in range(REASON_COLUMN + 1):
            needed = self.log_view.sizeHintForIndex(self.log.index(row, column)).width()
            if column == 0:
                needed += self.log_view.indentation()  # the expand arrow
            needed = max(needed, header.sectionSizeHint(column))
            if column == REASON_COLUMN:
                needed = min(needed, MAX_REASON_WIDTH)
            if needed > header.sectionSize(column):
                header.resizeSection(column, needed)

    def _span_raw_data(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid():  # the raw data under a message: one line across every column
            for row in range(first, last + 1):
                self.log_view.setFirstColumnSpanned(row, parent, True)

    def _clear_log(self) -> None:
        self.log.clear_entries()
        self._dropped = 0
        self._show_counts()

    def _show_counts(self) -> None:
        total, accepted = len(self.log.entries), self.log.accepted
        counts = f"{total} messages: {accepted} accepted, {total - accepted} rejected"
        if self._dropped:
            counts += f", {self._dropped} more dropped (posted faster than the window could take them)"
        self.counts.setText(counts)
