"""A `VariableModel` in a tree view that keeps the expanded rows and the current row when the view changes: the
inspector's session tree, and the debugger's locals and builder queue."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QHeaderView, QTreeView, QWidget

from workbench.gui.inspector.history import TurnView
from workbench.gui.inspector.model import NO_INDEX, VALUE_COLUMN, VariableModel
from workbench.gui.inspector.values import Path


class ValueTree(QTreeView):
    """Shows `model`; `set_view` replaces what it shows without collapsing what the user opened, and fits the
    columns beside the value to the rows in view."""

    def __init__(self, model: VariableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value_model = model
        self.setModel(model)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        header = self.header()
        header.setStretchLastSection(False)
        # The columns beside the value fit their contents once per change of view, not in ResizeToContents mode:
        # that measures every row in view again for every row whose data changes.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(VALUE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setResizeContentsPrecision(0)  # measure the rows in view, not every row
        self.expanded.connect(self.fit_columns)
        self.collapsed.connect(self.fit_columns)
        self.verticalScrollBar().valueChanged.connect(self.fit_columns)

    def set_view(self, view: TurnView, *, editable: bool) -> None:
        """Show `view`, keeping the rows expanded and the current row where they still exist."""
        expanded = self.expanded_paths()
        current = self.value_model.node(self.currentIndex()).path
        self.value_model.set_view(view, editable=editable)
        for path in expanded:
            self.setExpanded(self.value_model.index_for(path), True)
        if current:
            self.setCurrentIndex(self.value_model.index_for(current))
        self.fit_columns()

    def fit_columns(self) -> None:
        """Fit the columns beside the value to the rows in view."""
        for column in range(self.value_model.columnCount()):
            if column != VALUE_COLUMN:
                self.resizeColumnToContents(column)

    def expanded_paths(self, parent: QModelIndex = NO_INDEX) -> list[Path]:
        """The paths of the expanded rows under `parent`, parents before their children."""
        paths: list[Path] = []
        for row in range(self.value_model.rowCount(parent)):
            index = self.value_model.index(row, 0, parent)
            if self.isExpanded(index):
                paths.append(self.value_model.node(index).path)
                paths.extend(self.expanded_paths(index))
        return paths
