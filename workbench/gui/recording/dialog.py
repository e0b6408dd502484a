"""The "Save conversation as test" dialog: name, file, tags, canned HTTP, and the assertions to add."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.gui.recording.assertions import Assertion
from workbench.testing.convo_format import SUFFIX

_NOT_IN_NAMES = re.compile(r"[^a-z0-9]+")


def file_name(name: str) -> str:
    """A convo file name for a conversation name: `Books a ticket!` gives `books-a-ticket.convo.yaml`."""
    stem = _NOT_IN_NAMES.sub("-", name.casefold()).strip("-") or "conversation"
    return stem + SUFFIX


@dataclass(frozen=True, slots=True)
class SaveChoice:
    """What the tester chose in the dialog."""

    path: Path
    name: str
    tags: tuple[str, ...]
    canned_http: bool
    assertions: tuple[Assertion, ...]


class SaveTestDialog(QDialog):
    """Asks where to save the live conversation as a test and which of the offered assertions to keep.

    The file follows the name (in `folder`) until the tester edits the file field by hand. A `warning` (what the
    saved test will differ in from the live conversation) shows above the buttons.
    """

    def __init__(
        self,
        folder: Path,
        name: str,
        offered: Sequence[Assertion],
        made_requests: bool,
        parent: QWidget | None = None,
        *,
        warning: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("save_test_dialog")
        self.setWindowTitle("Save conversation as test")
        self.folder = folder
        self.warning_label = QLabel(warning, wordWrap=True, objectName="save_warning")
        self.name_edit = QLineEdit(name)
        self.path_edit = QLineEdit(str(folder / file_name(name)))
        self.tags_edit = QLineEdit(placeholderText="smoke, booking")
        self.http_box = QCheckBox("Answer HTTP requests from the recorded exchanges (canned http: entries)")
        self.http_box.setChecked(True)
        self.http_box.setEnabled(made_requests)
        self.http_box.setToolTip("Unticked, the test says `http: passthrough` and its replay uses the network.")
        self.assertion_list = QListWidget()
        self.assertion_list.setObjectName("assertions")
        for assertion in offered:
            item = QListWidgetItem(assertion.label)
            item.setData(Qt.ItemDataRole.UserRole, assertion)
            item.setToolTip(assertion.label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if assertion.suggested else Qt.CheckState.Unchecked)
            self.assertion_list.addItem(item)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()
        self.warning_label.setVisible(bool(warning))  # after the layout has made it a child, not a window
        self._path_by_hand = False
        self.name_edit.textEdited.connect(self._follow_name)
        self.path_edit.textEdited.connect(self._path_edited)
        for edit in (self.name_edit, self.path_edit):
            edit.textChanged.connect(self._check)

    def _lay_out(self) -> None:
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("File", path_row)
        form.addRow("Tags", self.tags_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.http_box)
        layout.addWidget(QLabel("Check at the end of the conversation (tick the ones to keep):"))
        layout.addWidget(self.assertion_list, 1)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.buttons)
        self.resize(560, 480)

    def choice(self) -> SaveChoice:
        """The tester's choices."""
        items = [self.assertion_list.item(row) for row in range(self.assertion_list.count())]
        return SaveChoice(
            path=Path(self.path_edit.text().strip()).expanduser(),
            name=self.name_edit.text().strip(),
            tags=tuple(t.strip() for t in self.tags_edit.text().split(",") if t.strip()),
            canned_http=self.http_box.isChecked(),
            assertions=tuple(
                item.data(Qt.ItemDataRole.UserRole) for item in items if item.checkState() == Qt.CheckState.Checked
            ),
        )

    def _follow_name(self, name: str) -> None:
        if not self._path_by_hand:
            self.path_edit.setText(str(self.folder / file_name(name)))

    def _path_edited(self) -> None:
        self._path_by_hand = True

    def _check(self) -> None:
        ready = bool(self.name_edit.text().strip()) and self.path_edit.text().strip().endswith(SUFFIX)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ready)

    def _browse(self) -> None:
        # The overwrite question comes after the dialog, from the save itself, for every way of naming a file.
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Save conversation test",
            self.path_edit.text(),
            f"Conversation tests (*{SUFFIX})",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if name:
            self._path_by_hand = True
            self.path_edit.setText(name if name.endswith(SUFFIX) else name + SUFFIX)
