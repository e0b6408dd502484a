"""A typing box that sends on Enter and recalls what was typed before with Up and Down, like a shell."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget


class HistoryLineEdit(QLineEdit):
    """One line of input. Enter emits `submitted` with the stripped text (empty input is ignored) and clears
    the box; Up and Down walk through earlier entries, and Down past the newest brings back the unsent draft."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history: list[str] = []
        self._index = 0
        self._draft = ""
        self.returnPressed.connect(self.submit)

    @property
    def history(self) -> list[str]:
        """What was sent, oldest first (a repeated entry is kept once)."""
        return list(self._history)

    def submit(self) -> None:
        """Send what is typed, as Enter does."""
        text = self.text().strip()
        if not text:
            return
        if not self._history or self._history[-1] != text:
            self._history.append(text)
        self._index = len(self._history)
        self._draft = ""
        self.clear()
        self.submitted.emit(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Up and Down browse the history; every other key edits as usual."""
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(Qt.Key(event.key()))
        if step is None:
            super().keyPressEvent(event)
            return
        self._recall(step)

    def _recall(self, step: int) -> None:
        index = max(0, min(len(self._history), self._index + step))
        if index == self._index:
            return
        if self._index == len(self._history):
            self._draft = self.text()
        self._index = index
        self.setText(self._draft if index == len(self._history) else self._history[index])
