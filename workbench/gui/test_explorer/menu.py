"""Finding (or adding) a top-level menu of the window by its title, for packages that add actions to it."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu


def window_menu(window: QMainWindow, title: str) -> QMenu:
    """The menu bar's menu called `title` (with its `&` mnemonic), added at the end when there is none."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text() == title:
            return menu
    return window.menuBar().addMenu(title)


def add_entry(window: QMainWindow, title: str, action: QAction, tip: str) -> QAction:
    """`action` with the tooltip `tip`, added after a separator at the end of the menu called `title`."""
    action.setToolTip(tip)
    menu = window_menu(window, title)
    menu.addSeparator()
    menu.addAction(action)
    return action


TESTS = "&Tests"
VIEW = "&View"
