"""Watch expressions: JavaScript expressions evaluated at every pause against what the paused code sees (its
locals, `args`, the session variables), each with its value or its own error.

They run in a sandbox of their own, with a time limit, so a runaway watch never touches the paused action's
JavaScript context.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QStyle, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from workbench.engine import events as ev
from workbench.engine.sandbox import EvaluationError, Sandbox
from workbench.gui.inspector.values import display_text

WATCH_TIMEOUT = 0.5
NOT_PAUSED = "(evaluated at the next pause)"


def watch_scope(paused: ev.Paused) -> dict[str, Any]:
    """The names a watch sees: the session variables, `args`, and the locals (which hide both)."""
    return {**paused.variables, "args": paused.args, **paused.locals}


class WatchList(QWidget):
    """A list of watch expressions with their values at the current pause; type one and press Enter to add it,
    select one and press Delete to remove it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sandbox = Sandbox()
        self.tree = _WatchTree()
        self.tree.setObjectName("debugger_watches")
        self.tree.setHeaderLabels(["Expression", "Value"])
        self.tree.setRootIsDecorated(False)
        self.tree.remove_requested.connect(self.remove_selected)
        self.input = QLineEdit(placeholderText="Add a watch expression (Enter)", clearButtonEnabled=True)
        self.input.setObjectName("debugger_watch_input")
        self.input.returnPressed.connect(self._add_typed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addWidget(self.input)
        self._paused: ev.Paused | None = None
        self._task: asyncio.Task[None] | None = None

    def expressions(self) -> list[str]:
        """The watch expressions, in order."""
        return [self.tree.topLevelItem(i).text(0) for i in range(self.tree.topLevelItemCount())]

    def value_text(self, expression: str) -> str | None:
        """What the list shows as the value of `expression` (None when it is not watched)."""
        return next((i.text(1) for i in self._items() if i.text(0) == expression), None)

    def add(self, expression: str) -> None:
        """Watch `expression` (evaluated at once when paused)."""
        expression = expression.strip()
        if not expression or expression in self.expressions():
            return
        item = QTreeWidgetItem([expression, NOT_PAUSED])
        self.tree.addTopLevelItem(item)
        self._evaluate([item])

    def remove_selected(self) -> None:
        """Stop watching the selected expression."""
        for item in self.tree.selectedItems():
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))

    def show_pause(self, paused: ev.Paused | None) -> None:
        """Evaluate every watch at `paused` (None: keep the values of the last pause)."""
        self._paused = paused
        if paused is not None:
            self._evaluate(self._items())

    async def aclose(self) -> None:
        """Stop evaluating and release the sandbox."""
        if self._task is not None:
            self._task.cancel()
        await self.sandbox.aclose()

    def _items(self) -> list[QTreeWidgetItem]:
        return [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]

    def _add_typed(self) -> None:
        self.add(self.input.text())
        self.input.clear()

    def _evaluate(self, items: list[QTreeWidgetItem]) -> None:
        if self._paused is None or not items:
            return
        if self._task is not None and not self._task.done():
            self._task.cancel()
            items = self._items()  # the cancelled round may not have reached every watch
        self._task = asyncio.ensure_future(self._evaluate_all(items, watch_scope(self._paused)))

    async def _evaluate_all(self, items: list[QTreeWidgetItem], scope: dict[str, Any]) -> None:
        for item in items:
            try:
                value = await self.sandbox.evaluate(item.text(0), scope, timeout=WATCH_TIMEOUT)
            except EvaluationError as exc:
                self._show(item, str(exc), str(exc), error=True)
            else:
                self._show(item, display_text(value), json.dumps(value, indent=2, ensure_ascii=False), error=False)

    def _show(self, item: QTreeWidgetItem, text: str, tip: str, *, error: bool) -> None:
        if self.tree.indexOfTopLevelItem(item) < 0:
            return  # removed meanwhile
        item.setText(1, text)
        item.setToolTip(1, tip)
        if error:
            item.setIcon(1, self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
        else:
            item.setData(1, Qt.ItemDataRole.DecorationRole, None)


class _WatchTree(QTreeWidget):
    """The watch list; Delete or Backspace removes the selected watch."""

    remove_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_requested.emit()
        else:
            super().keyPressEvent(event)
