"""Finding (or adding) a top-level menu of the window by its title, for packages that add actions to it."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu


def window_menu(window: QMainWindow, title: str) -> QMenu:
    """The menu bar's menu called `title` (with its `&` mnemonic), added at the end when there is none."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text() == title:
            return menu
    return window.menuBar().addMenu(title)


TESTS = "&Tests"
VIEW = "&View"
