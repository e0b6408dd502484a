"""`TranslationsView`: every text of the open flow per language, the missing translations marked, a double-click
away from the line where the text (or its translation) is written."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.flow.languages import language_name
from workbench.flow.model import Flow
from workbench.flow.translations import Coverage
from workbench.gui.translations.model import TranslationsModel

NO_FLOW = "Open a flow to see its texts and their translations."
STALE = "The flow did not load (see Problems): these are its texts as they last loaded."
COLUMN_WIDTH = 260


class TranslationsView(QWidget):
    """The translations of the flow last loaded, with a "Missing only" filter and a word filter; double-clicking
    a cell emits `location_selected` with where its text is written (a missing translation: the primary text,
    where the validator reports it)."""

    location_selected = Signal(object, str)
    """The `Loc` of the text double-clicked, and what is written there (`` `menu.say[0]` in Dutch (nl) ``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TranslationsModel(self)
        self.summary = QLabel(NO_FLOW)
        self.summary.setObjectName("translations_summary")
        self.summary.setWordWrap(True)
        self.missing_only = QCheckBox("Missing only")
        self.missing_only.setToolTip("Show only the texts that a language has no translation for")
        self.missing_only.toggled.connect(self._filter)
        self.words = QLineEdit(placeholderText="Filter by key or text…", clearButtonEnabled=True)
        self.words.textChanged.connect(self._filter)
        self.table = QTableView()
        self.table.setObjectName("translations_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(COLUMN_WIDTH)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(self._jump)
        self.table.activated.connect(self._jump)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.missing_only)
        top.addWidget(self.words)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def show_flow(self, flow: Flow | None) -> None:
        """Show the texts of `flow` (just loaded); None: the flow did not load, the last texts stay, marked as
        such."""
        if flow is None:
            if self.model.rows:
                self.summary.setText(STALE)
            return
        self.model.show_flow(flow)
        self.summary.setText(_summary(flow, self.model))
        self._filter()

    def missing_count(self) -> int:
        """How many translations are missing, over every secondary language."""
        return sum(self.model.missing().values())

    def shown_keys(self) -> list[str]:
        """The keys of the rows the filters let through, in order."""
        return [row.text.key for i, row in enumerate(self.model.rows) if not self.table.isRowHidden(i)]

    def _filter(self) -> None:
        missing_only, words = self.missing_only.isChecked(), self.words.text()
        for row in range(self.model.rowCount()):
            self.table.setRowHidden(row, not self.model.matches(row, missing_only=missing_only, words=words))

    def _jump(self, index: QModelIndex) -> None:
        loc, what = self.model.target(index.row(), index.column())
        self.location_selected.emit(loc, what)


def _summary(flow: Flow, model: TranslationsModel) -> str:
    """`Dutch (nl): 44 of 47 texts translated (93%)`, per secondary language (counted from the rows shown, so
    the flow's texts are walked once)."""
    primary = language_name(flow.languages.primary)
    if not flow.languages.secondary:
        return f"This flow speaks only {primary}: declare other languages under `languages:` to translate it."
    texts = len(model.rows)
    found = [Coverage(language, texts, texts - missing) for language, missing in model.missing().items()]
    return " · ".join(
        f"{language_name(c.language)}: {c.translated} of {c.texts} texts translated ({c.percent}%)" for c in found
    )
