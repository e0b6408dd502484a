"""The rows of the translations view: every text of a flow that a user sees, with its translation in each of the
flow's secondary languages or none (missing), and where each is written. Built from the loaded flow only: the
texts and keys come from `translation_keys`, the translations from the flow's translation files."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.flow.model import Flow, Loc
from workbench.flow.translation_keys import TranslatableText, translatable_texts


@dataclass(frozen=True, slots=True)
class Cell:
    """One text in one secondary language: its translation and where it is written, or None for both (missing)."""

    text: str | None
    loc: Loc | None

    @property
    def missing(self) -> bool:
        """Whether the text has no translation in this language."""
        return self.text is None


@dataclass(frozen=True, slots=True)
class TranslationRow:
    """A text in the flow's primary language and a cell per secondary language (in the flow's order)."""

    text: TranslatableText
    cells: tuple[Cell, ...]

    @property
    def missing(self) -> bool:
        """Whether any secondary language lacks this text."""
        return any(cell.missing for cell in self.cells)


MISSING = Cell(None, None)


def translation_rows(flow: Flow) -> list[TranslationRow]:
    """A row per translatable text of `flow`, in the flow file's order."""
    translations = [flow.translations.get(language) for language in flow.languages.secondary]
    rows = []
    for text in translatable_texts(flow):
        cells = tuple(
            Cell(t.texts[text.key], t.locs.get(text.key)) if t is not None and text.key in t.texts else MISSING
            for t in translations
        )
        rows.append(TranslationRow(text, cells))
    return rows
