"""The translations table: a column for the key, one for the primary text and one per secondary language, with the
missing translations marked."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QObject, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QStyle

from workbench.flow.languages import language_name
from workbench.flow.model import Flow, Loc
from workbench.gui.inspector.model import NO_INDEX, AnyIndex
from workbench.gui.translations.rows import TranslationRow, translation_rows

MISSING_TEXT = "missing"
FIRST_LANGUAGE_COLUMN = 2
"""Columns: the key, the primary text, then one per secondary language."""


class TranslationsModel(QAbstractTableModel):
    """Every translatable text of one flow, with its translations (`show_flow` fills it)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[TranslationRow] = []
        self.primary = ""
        self.languages: tuple[str, ...] = ()
        """The secondary languages, one column each."""
        self._italic = QFont()
        self._italic.setItalic(True)

    def show_flow(self, flow: Flow) -> None:
        """Show the texts of `flow` and its translations."""
        self.beginResetModel()
        self.rows = translation_rows(flow)
        self.primary = flow.languages.primary
        self.languages = flow.languages.secondary
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = NO_INDEX) -> int:
        """A row per text."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = NO_INDEX) -> int:
        """The key, the primary text, a column per secondary language."""
        return 0 if parent.isValid() else FIRST_LANGUAGE_COLUMN + len(self.languages)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """`Key`, `English (en) · primary`, `Dutch (nl)`…"""
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "Key"
        if section == 1:
            return f"{language_name(self.primary)} · primary"
        return language_name(self.languages[section - FIRST_LANGUAGE_COLUMN])

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The key, the text or its translation; a missing translation reads `missing`, in italics, with a
        warning icon."""
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], index.column()
        text = row.text
        if column < FIRST_LANGUAGE_COLUMN:
            if role == Qt.ItemDataRole.DisplayRole:
                return text.key if column == 0 else text.text
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{text.kind.replace('_', ' ')} of state '{text.state}'" if column == 0 else text.text
            return None
        cell = row.cells[column - FIRST_LANGUAGE_COLUMN]
        if not cell.missing:
            return cell.text if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) else None
        if role == Qt.ItemDataRole.DisplayRole:
            return MISSING_TEXT
        if role == Qt.ItemDataRole.ToolTipRole:
            name = language_name(self.languages[column - FIRST_LANGUAGE_COLUMN])
            return f"no {name} translation: a conversation in it shows the {language_name(self.primary)} text"
        if role == Qt.ItemDataRole.FontRole:
            return self._italic
        if role == Qt.ItemDataRole.DecorationRole:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return None

    def target(self, row: int, column: int) -> tuple[Loc, str]:
        """Where the cell's text is written, and what it is: the primary text for the key and primary columns
        (and for a missing translation, where the validator reports it), else the translation in its file."""
        text = self.rows[row].text
        if column < FIRST_LANGUAGE_COLUMN:
            return text.loc, f"`{text.key}` in {language_name(self.primary)}"
        cell = self.rows[row].cells[column - FIRST_LANGUAGE_COLUMN]
        name = language_name(self.languages[column - FIRST_LANGUAGE_COLUMN])
        if cell.missing or cell.loc is None:
            return text.loc, f"no {name} translation for `{text.key}`"
        return cell.loc, f"`{text.key}` in {name}"

    def matches(self, row: int, *, missing_only: bool, words: str) -> bool:
        """Whether a row has a missing translation (or `missing_only` is off) and its key, primary text or a
        translation contains `words` (any case; empty: every row)."""
        found = self.rows[row]
        if missing_only and not found.missing:
            return False
        words = words.strip().casefold()
        texts = (found.text.key, found.text.text, *(cell.text for cell in found.cells if cell.text))
        return not words or any(words in text.casefold() for text in texts)

    def missing(self) -> dict[str, int]:
        """How many texts each secondary language lacks."""
        return {
            language: sum(1 for row in self.rows if row.cells[i].missing) for i, language in enumerate(self.languages)
        }
