"""The "Compare with…" dialog: replays the open flow's conversation tests against the flow as saved and against
another file or a git revision, and shows per conversation the first turn where the two behave differently.

The comparison runs as a task on the event loop (files are read and parsed in a thread): the window stays live.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.testing.flow_diff import ConvoDiff, DiffError, DiffReport, diff_flow

COLUMNS = ("Conversation", "Turn", "What differs", "Saved", "Other")


class CompareDialog(QDialog):
    """Compare the flow at `flow` with another version of it."""

    def __init__(self, flow: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow = flow
        self.report: DiffReport | None = None
        self._task: asyncio.Task[None] | None = None
        self.setWindowTitle(f"Compare {flow.name} with…")
        self.resize(1000, 420)
        self.against = QLineEdit(placeholderText="A flow file, or a git revision: HEAD, HEAD~1, main…")
        self.against.returnPressed.connect(self.compare)
        browse = QPushButton("File…")
        browse.clicked.connect(self.choose_file)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setDefault(True)
        self.compare_button.clicked.connect(self.compare)
        self.status = QLabel(f"Replays the conversation tests in {flow.parent} against both versions.")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel("Compare with:"))
        row.addWidget(self.against, 1)
        row.addWidget(browse)
        row.addWidget(self.compare_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(close)

    def choose_file(self) -> None:
        """Pick the other version from a file."""
        name, _ = QFileDialog.getOpenFileName(
            self, "Compare with flow", str(self.flow.parent), "Flow files (*.yaml *.yml);;All files (*)"
        )
        if name:
            self.against.setText(name)
            self.compare()

    def compare(self) -> asyncio.Task[None] | None:
        """Start comparing with what the field names (a running comparison is replaced)."""
        against = self.against.text().strip()
        if not against:
            self.status.setText("Name a flow file or a git revision to compare with.")
            return None
        if self._task is not None:
            self._task.cancel()
        self.status.setText(f"Replaying the conversation tests against {self.flow.name} and {against}…")
        self.table.setRowCount(0)
        self._task = asyncio.ensure_future(self._compare(against))
        return self._task

    async def _compare(self, against: str) -> None:
        try:
            self.report = await diff_flow(self.flow, against)
        except DiffError as exc:
            self.report = None
            self.status.setText(str(exc))
            return
        finally:
            if self._task is asyncio.current_task():
                self._task = None
        self.show_report(self.report)

    def show_report(self, report: DiffReport) -> None:
        """One row per conversation: its first difference, or that it behaves the same."""
        self.table.setHorizontalHeaderLabels([*COLUMNS[:3], f"Saved ({report.left})", f"Other ({report.right})"])
        self.table.setRowCount(len(report.conversations))
        for row, convo in enumerate(report.conversations):
            for column, text in enumerate(_cells(convo)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if convo.difference is None:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        for column in range(len(COLUMNS)):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 320))
        self.table.resizeRowsToContents()
        summary = report.summary
        if not report.conversations:
            summary = f"No conversation tests of {self.flow.name} were found in {self.flow.parent}."
        self.status.setText(summary)

    def done(self, result: int) -> None:
        """Closing the dialog stops a comparison that is still running."""
        if self._task is not None:
            self._task.cancel()
        super().done(result)

    def rows(self) -> list[list[str]]:
        """The table's text, row by row."""
        return [
            [self.table.item(r, c).text() for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]


def _cells(convo: ConvoDiff) -> tuple[str, str, str, str, str]:
    d = convo.difference
    if d is None:
        return convo.name, "", "behaves the same", convo.left, convo.right
    return convo.name, f"{Path(d.loc.file).name}:{d.loc.line}: {d.turn}", d.what, d.left, d.right
