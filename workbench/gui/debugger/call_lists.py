"""What a paused code action produced so far: its console output and its fetch() calls with their results."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QTreeWidget, QTreeWidgetItem, QWidget

from workbench.engine import events as ev

_LEVEL_ICONS = {
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "warn": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
}
_BODIES = (("request_body", "Request body"), ("response_body", "Response body"), ("error", "Error"))


class ConsoleList(QListWidget):
    """The `console.*` output of the paused code action, one line per call, warnings and errors with an icon."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("debugger_console")
        self.setWordWrap(True)

    def show_pause(self, paused: ev.Paused) -> None:
        """Show the output up to `paused`."""
        self.clear()
        for level, text in paused.console:
            item = QListWidgetItem(text)
            item.setToolTip(f"console.{level}")
            if level in _LEVEL_ICONS:
                item.setIcon(self.style().standardIcon(_LEVEL_ICONS[level]))
            self.addItem(item)
        self.scrollToBottom()


class FetchList(QTreeWidget):
    """The paused code action's `fetch()` calls: method, URL and status, with the bodies (or the error) below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("debugger_calls")
        self.setHeaderLabels(["Call", "Status"])
        self.setColumnWidth(0, 420)

    def show_pause(self, paused: ev.Paused) -> None:
        """Show the calls made up to `paused`."""
        self.clear()
        for call in paused.fetches:
            self.addTopLevelItem(_call_item(call))

    def calls(self) -> list[str]:
        """The calls as shown, e.g. `GET http://127.0.0.1:8765/price?to=Brussels → 200`."""
        items = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        return [f"{item.text(0)} → {item.text(1)}" for item in items]


def _call_item(call: dict[str, Any]) -> QTreeWidgetItem:
    status = "failed" if call.get("status") is None else str(call["status"])
    item = QTreeWidgetItem([f"{call.get('method', '')} {call.get('url', '')}", status])
    item.setToolTip(0, item.text(0))
    for key, title in _BODIES:
        if call.get(key):
            child = QTreeWidgetItem([f"{title}: {call[key]}", ""])
            child.setToolTip(0, str(call[key]))
            item.addChild(child)
    return item
