"""Recording: the live conversation saved as a `*.convo.yaml` test, with the assertions the tester picks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.gui.recording.save import ConversationSaver
from workbench.gui.test_explorer.menu import TESTS, window_menu

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow


def install(window: MainWindow) -> None:
    """Add Tests > Save conversation as test… (Ctrl+S) to `window`."""
    saver = ConversationSaver(window, window.bridge)
    action = window._action("&Save conversation as test…", saver.save, "Ctrl+S")
    action.setObjectName("save_as_test")
    window_menu(window, TESTS).addAction(action)
