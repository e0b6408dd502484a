"""The list of conversations an exploration generated, each with a check box (ticked: keep it) and its name; a
conversation handed over again (renamed once its path was shrunk) keeps its row and its tick."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from workbench.gui.explore.job import Found

_INDEX = Qt.ItemDataRole.UserRole


def reached_text(reached: Iterable[str]) -> str:
    """`Reached first: states ask_count, route; 2 transitions` (what a conversation reached that no shorter one
    did)."""
    reached = list(reached)
    states = [item.removeprefix("state ") for item in reached if item.startswith("state ")]
    transitions = len(reached) - len(states)
    parts = [f"state{'s' if len(states) > 1 else ''} {', '.join(states)}"] if states else []
    if transitions:
        parts.append(f"{transitions} transition{'s' if transitions > 1 else ''}")
    return "Reached first: " + "; ".join(parts) if parts else ""


class FoundList(QListWidget):
    """One checkable row per generated conversation, ticked when it arrives."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("explored_conversations")
        self.setUniformItemSizes(True)
        self._rows: dict[int, QListWidgetItem] = {}

    def add(self, found: Iterable[Found]) -> None:
        """Append rows for `found`, or rename the rows of those listed already."""
        for conversation in found:
            item = self._rows.get(conversation.index)
            if item is None:
                item = self._rows[conversation.index] = QListWidgetItem()
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                item.setData(_INDEX, conversation.index)
                self.addItem(item)
            item.setText(conversation.name)
            item.setToolTip(reached_text(conversation.reached))

    def clear(self) -> None:
        """Remove every row."""
        self._rows.clear()
        super().clear()

    def rows(self) -> list[QListWidgetItem]:
        """Every row, in the search's order."""
        return [self.item(row) for row in range(self.count())]

    def names(self) -> list[str]:
        """The conversations' names, in order."""
        return [item.text() for item in self.rows()]

    def checked(self) -> list[int]:
        """The search's indices of the ticked conversations."""
        return [item.data(_INDEX) for item in self.rows() if item.checkState() == Qt.CheckState.Checked]

    def check_all(self, on: bool) -> None:
        """Tick (or clear) every row."""
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for item in self.rows():
            item.setCheckState(state)
