"""Adding the test explorer to the main window: the dock, and the Tests and View menu entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from workbench.gui.coverage_view import show_coverage
from workbench.gui.flow_session import Opened
from workbench.gui.test_explorer.menu import TESTS, VIEW, window_menu
from workbench.gui.test_explorer.panel import ExplorerPanel

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow

DOCK = "tests"


def install(window: MainWindow) -> None:
    """Dock the test explorer under the chat (tabbed with the event log) and add its menu entries."""
    panel = ExplorerPanel(window.bridge, window.settings, window.flow_session.variables)
    panel.setObjectName("test_explorer")
    window._dock(DOCK, "Tests", panel, Qt.DockWidgetArea.BottomDockWidgetArea)
    dock = window.docks[DOCK]
    if "event_log" in window.docks:
        window.tabifyDockWidget(window.docks["event_log"], dock)
    panel.message.connect(lambda text: window.statusBar().showMessage(text, 10_000))
    panel.covered.connect(lambda coverage: show_coverage(window, coverage))
    window.closing.connect(panel.shutdown)

    def follow(opened: Opened) -> None:
        if opened.conversation is not None:
            panel.set_flow_folder(opened.path.parent)

    window.flow_session.opened.connect(follow)
    if window.flow_session.path is not None:
        panel.set_flow_folder(window.flow_session.path.parent)

    def showing(slot: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            dock.show()
            dock.raise_()
            slot()

        return run

    menu = window_menu(window, TESTS)
    menu.addSeparator()
    menu.addAction(window._action("Run &all tests", showing(panel.run_all), "Ctrl+Shift+T"))
    menu.addAction(window._action("Run s&elected tests", showing(panel.run_selected)))
    menu.addAction(window._action("Run &failed tests", showing(panel.run_failed)))
    menu.addAction(window._action("S&top tests", panel.stop))
    menu.addSeparator()
    menu.addAction(window._action("Add test &folder…", showing(panel.choose_folder)))
    window_menu(window, VIEW).addAction(dock.toggleViewAction())
