"""`ProblemsPanel`: the errors and warnings of the flow last opened, as a table a click away from each line.

Each row shows the severity as an icon (the word in its tooltip), the message first, then where: the file relative to
the flow's folder, with line and column (`train_ticket.yaml:5:10`). Clicking a row (or Enter on it) emits
`problem_selected`; the window shows that line of the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTreeWidget, QTreeWidgetItem, QWidget

from workbench.flow.model import Loc
from workbench.flow.problems import Problem

COLUMNS = ("Problem", "Where")
_ICONS = {"error": QStyle.StandardPixmap.SP_MessageBoxCritical, "warning": QStyle.StandardPixmap.SP_MessageBoxWarning}


def location(problem: Problem, folder: Path | None) -> str:
    """`file:line:column` of `problem`, the file relative to `folder` when it lies below it."""
    return place(problem.loc, folder)


def place(loc: Loc, folder: Path | None) -> str:
    """`file:line:column` of `loc`, the file relative to `folder` when it lies below it."""
    file = Path(loc.file)
    if folder is not None and file.is_relative_to(folder):
        file = file.relative_to(folder)
    return f"{file.as_posix()}:{loc.line}:{loc.column}"


def summary(problems: Sequence[Problem]) -> str:
    """How many errors and warnings, in words: `2 errors, 1 warning` ("" for none)."""
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    counts = [(errors, "error"), (warnings, "warning")]
    return ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts if n)


class ProblemsPanel(QTreeWidget):
    """A table of problems: severity icon and message, then location; a click asks to show the problem's line."""

    problem_selected = Signal(object)
    """The `Problem` the user clicked (or chose with the keyboard)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problems")
        self.setColumnCount(len(COLUMNS))
        self.setHeaderLabels(COLUMNS)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.itemClicked.connect(self._select)
        self.itemActivated.connect(self._select)
        self.folder: Path | None = None
        """The folder locations are shown relative to."""

    def show_problems(self, problems: Sequence[Problem], folder: Path | None) -> None:
        """Show `problems`, with locations relative to `folder` (the flow's folder)."""
        self.clear()
        self.folder = folder
        style = self.style()
        for problem in problems:
            item = QTreeWidgetItem([problem.message, location(problem, folder)])
            item.setIcon(0, style.standardIcon(_ICONS[problem.severity]))
            item.setToolTip(0, f"{problem.severity}: {problem.message}")
            item.setToolTip(1, problem.loc.file)
            item.setData(0, Qt.ItemDataRole.UserRole, problem)
            self.addTopLevelItem(item)

    def _select(self, item: QTreeWidgetItem) -> None:
        self.problem_selected.emit(item.data(0, Qt.ItemDataRole.UserRole))
