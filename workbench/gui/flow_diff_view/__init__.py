"""Flow diff in the window: Tests > Compare with… replays the open flow's conversation tests against another
version of the flow (a file or a git revision) and shows where each conversation first behaves differently."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from workbench.gui.flow_diff_view.dialog import CompareDialog

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow

__all__ = ["CompareDialog", "install", "open_compare"]

MENU_TITLE = "&Tests"
ACTION_NAME = "compare_with"


def _tests_menu(window: MainWindow) -> QMenu:
    # The test explorer may have made the Tests menu already: share it.
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text() == MENU_TITLE:
            return menu
    return window.menuBar().addMenu(MENU_TITLE)


def open_compare(window: MainWindow) -> CompareDialog | None:
    """Open the "Compare with…" dialog for the open flow (None when no flow is open)."""
    path = window.flow_session.path
    if path is None:
        window.statusBar().showMessage("Open a flow first, then compare it with another version.", 10_000)
        return None
    dialog = window.findChild(CompareDialog)
    if dialog is None or dialog.flow != path:
        if dialog is not None:
            dialog.deleteLater()
        dialog = CompareDialog(path, window)
    dialog.show()
    dialog.raise_()
    return dialog


def install(window: MainWindow) -> None:
    """Add Tests > Compare with… to `window` (once)."""
    if window.findChild(QAction, ACTION_NAME) is not None:
        return
    action = QAction("Co&mpare with…", window, objectName=ACTION_NAME)
    action.setToolTip("Replay the conversation tests against another version of the flow (a file or a git revision)")
    action.triggered.connect(lambda: open_compare(window))
    _tests_menu(window).addAction(action)
