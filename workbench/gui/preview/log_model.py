"""`MessageLog`: every message the previewed page posted, with the engine's verdict; each row expands to show the raw
data (pretty-printed when it is JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtGui import QFontDatabase, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QStyle

from workbench.gui.event_log.describe import pretty_body
from workbench.gui.preview.verdict import Verdict

COLUMNS = ("Time", "Origin", "Type", "Verdict", "Reason / effect", "Data")
DATA_PREVIEW_CHARS = 120
ACCEPTED_ICON = QStyle.StandardPixmap.SP_DialogApplyButton
REJECTED_ICON = QStyle.StandardPixmap.SP_MessageBoxWarning


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One posted message: when, from which origin, the data as posted (text) and the engine's verdict."""

    time: datetime
    origin: str
    data: str
    verdict: Verdict


class MessageLog(QStandardItemModel):
    """The log's rows, one per message, oldest first; the raw data is the one child row of each."""

    def __init__(self) -> None:
        super().__init__(0, len(COLUMNS))
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.entries: list[LogEntry] = []

    @property
    def accepted(self) -> int:
        """How many messages the engine accepted."""
        return sum(e.verdict.accepted for e in self.entries)

    def add(self, entry: LogEntry) -> None:
        """Append a row for `entry`."""
        verdict = entry.verdict
        one_line = " ".join(entry.data.split())
        cells = [
            entry.time.strftime("%H:%M:%S.%f")[:-3],
            entry.origin,
            verdict.type,
            "accepted" if verdict.accepted else "rejected",
            verdict.detail,
            one_line if len(one_line) <= DATA_PREVIEW_CHARS else one_line[:DATA_PREVIEW_CHARS] + "…",
        ]
        row = [QStandardItem(text) for text in cells]
        for item in row:
            item.setEditable(False)
            item.setToolTip(item.text())
        icon = ACCEPTED_ICON if verdict.accepted else REJECTED_ICON
        row[3].setIcon(QApplication.style().standardIcon(icon))
        raw = QStandardItem(pretty_body(entry.data))
        raw.setEditable(False)
        raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.entries.append(entry)
        self.appendRow(row)
        row[0].appendRow(raw)  # after its parent is in the model, so that views hear of it

    def clear_entries(self) -> None:
        """Remove every row."""
        self.removeRows(0, self.rowCount())
        self.entries.clear()
