"""The translations view in the window: a dock under the chat, opened from Flow > Translations…, that follows each
load of the flow (and so each save of a translation file, which the flow session watches too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from workbench.gui.flow_session import Opened
from workbench.gui.test_explorer.menu import VIEW, window_menu
from workbench.gui.translations.view import TranslationsView

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow

__all__ = ["DOCK", "FLOW", "TranslationsView", "install", "show_translations"]

DOCK = "translations"
FLOW = "F&low"
TITLE = "Translations"


def install(window: MainWindow) -> TranslationsView:
    """Dock the translations view under the chat (hidden until asked for) and add Flow > Translations…."""
    view = TranslationsView()
    view.setObjectName("translations")
    window._dock(DOCK, TITLE, view, Qt.DockWidgetArea.BottomDockWidgetArea)
    dock = window.docks[DOCK]
    if "problems" in window.docks:
        window.tabifyDockWidget(window.docks["problems"], dock)
    dock.hide()
    view.location_selected.connect(window.show_location)

    def follow(opened: Opened) -> None:
        view.show_flow(opened.result.flow)
        missing = view.missing_count()
        dock.setWindowTitle(f"{TITLE} ({missing} missing)" if missing else TITLE)

    window.flow_session.opened.connect(follow)
    action = window._action("&Translations…", lambda: show_translations(window))
    action.setToolTip("Every text of the flow in each of its languages, the missing translations marked")
    window_menu(window, FLOW).addAction(action)
    window_menu(window, VIEW).addAction(dock.toggleViewAction())
    return view


def show_translations(window: MainWindow) -> TranslationsView:
    """Bring the translations view to the front."""
    dock = window.docks[DOCK]
    dock.show()
    dock.raise_()
    view = dock.widget()
    assert isinstance(view, TranslationsView)
    return view
