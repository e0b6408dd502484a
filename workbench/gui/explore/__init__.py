"""Tests › Explore this flow…: the explorer (`workbench explore`) run from the window.

The open flow's file is searched in a worker thread within the budget the dialog shows (remembered in the
window's settings); the states it reaches light up on the graph (the coverage overlay) as it goes, and when it is
done the states and transitions it did not reach say why (their tooltips, the routes popup); Stop ends it;
the user ticks the generated conversations to keep, and Keep selected writes them beside the flow (`explored/` by
default) and has the Tests dock list them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workbench.gui.coverage_view import show_coverage
from workbench.gui.explore.dialog import ExploreDialog
from workbench.gui.test_explorer.menu import TESTS, add_entry
from workbench.gui.test_explorer.panel import ExplorerPanel

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow

__all__ = ["ExploreDialog", "dialog", "explore_flow", "install"]

MESSAGE_MS = 10_000


def dialog(window: MainWindow) -> ExploreDialog | None:
    """The Explore dialog installed on `window`, if any."""
    return window.findChild(ExploreDialog, "explore_dialog")


def install(window: MainWindow) -> ExploreDialog:
    """Add Tests › Explore this flow… to `window` (once)."""
    found = dialog(window)
    if found is not None:
        return found
    explorer = ExploreDialog(window, settings=window.settings)
    explorer.covered.connect(lambda coverage: show_coverage(window, coverage))
    explorer.saved.connect(lambda folder: _list_in_tests_dock(window, folder))
    explorer.message.connect(lambda text: window.statusBar().showMessage(text, MESSAGE_MS))
    window.closing.connect(explorer.stop)
    add_entry(
        window,
        TESTS,
        window._action("E&xplore this flow…", lambda: explore_flow(window)),
        "Walk every path of the flow and generate conversation tests for it",
    )
    return explorer


def explore_flow(window: MainWindow) -> ExploreDialog:
    """Show the Explore dialog and explore the open flow (a search under way is shown, not restarted)."""
    explorer = install(window)
    path = window.flow_session.path
    if path is None:
        window.statusBar().showMessage("Open a flow first: it is the flow that gets explored", MESSAGE_MS)
        return explorer
    explorer.show()
    explorer.raise_()
    explorer.start(path, window.flow_session.variables)
    return explorer


def _list_in_tests_dock(window: MainWindow, folder: Path) -> None:
    panel = window.findChild(ExplorerPanel, "test_explorer")
    if panel is None:
        return
    if any(folder.resolve().is_relative_to(listed) for listed in panel.folders):
        panel.rescan()
    else:
        panel.add_folder(folder)
    dock = window.docks.get("tests")
    if dock is not None:
        dock.show()
        dock.raise_()
