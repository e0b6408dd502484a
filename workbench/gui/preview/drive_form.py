"""`DriveForm`: what the bot would give the page — the URL template and the session variables it reads — and the URL
that makes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.flow.paths import PathError
from workbench.gui.preview.page import RenderedUrl, nest, render_url
from workbench.testing.cli_test import parse_vars


class DriveForm(QWidget):
    """A URL template (`seat_picker.html?to={destination}`) and `name = value` rows (a value that is JSON is read as
    JSON); `Load` renders the template with those variables, as the engine would, and asks for that URL."""

    load_requested = Signal(str)
    """The rendered, absolute URL to show."""

    def __init__(self, url_template: str, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.template = QLineEdit(url_template)
        self.template.setPlaceholderText("page.html?to={destination}")
        self.template.returnPressed.connect(self.load)
        self.variables = QTableWidget(0, 2)
        self.variables.setHorizontalHeaderLabels(["Variable", "Value"])
        self.variables.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.variables.verticalHeader().hide()
        add = QPushButton("Add variable")
        add.clicked.connect(lambda: self.add_variable("", ""))
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_selected)
        load = QPushButton("Load")
        load.setDefault(True)
        load.clicked.connect(self.load)
        self.rendered = QLabel()
        self.rendered.setWordWrap(True)
        self.rendered.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QHBoxLayout()
        for button in (add, remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(load)
        form = QFormLayout()
        form.addRow("Page URL", self.template)
        form.addRow("Rendered", self.rendered)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(QLabel("Session variables the bot would have"))
        layout.addWidget(self.variables, 1)
        layout.addLayout(buttons)

    def add_variable(self, name: str, value: Any) -> None:
        """Add a row; a value that is not text is shown as JSON."""
        row = self.variables.rowCount()
        self.variables.insertRow(row)
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        self.variables.setItem(row, 0, QTableWidgetItem(name))
        self.variables.setItem(row, 1, QTableWidgetItem(text))

    def set_variables(self, variables: Mapping[str, Any]) -> None:
        """Replace the rows with `variables`."""
        self.variables.setRowCount(0)
        for name, value in variables.items():
            self.add_variable(name, value)

    def values(self) -> dict[str, Any]:
        """The rows as session variables (dotted names nest); raises PathError for a name that is no variable."""
        pairs = []
        for row in range(self.variables.rowCount()):
            name, value = (self.variables.item(row, column) for column in (0, 1))
            if name is not None and name.text().strip():
                pairs.append(f"{name.text().strip()}={value.text() if value is not None else ''}")
        return nest(parse_vars(pairs))

    def render(self) -> RenderedUrl | None:
        """The rendered URL, shown under the template; None (with the reason shown) when a name is not valid."""
        try:
            rendered = render_url(self.template.text(), self.values(), self.folder)
        except PathError as exc:
            self.rendered.setText(f"Cannot render: {exc}")
            return None
        note = f"  (no value for {', '.join(rendered.missing)})" if rendered.missing else ""
        self.rendered.setText(rendered.url + note)
        return rendered

    def load(self) -> None:
        """Render the template and ask for the page."""
        rendered = self.render()
        if rendered is not None:
            self.load_requested.emit(rendered.url)

    def _remove_selected(self) -> None:
        for row in sorted({index.row() for index in self.variables.selectedIndexes()}, reverse=True):
            self.variables.removeRow(row)
