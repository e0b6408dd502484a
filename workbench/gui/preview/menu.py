"""`install(window)`: the preview's items in the main window's File menu. QtWebEngine starts only when one is used."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu

from workbench.engine import events as ev
from workbench.flow import template
from workbench.flow.model import State
from workbench.gui.preview.page import PREVIEW_HEIGHT
from workbench.gui.preview.verdict import flow_states

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow
    from workbench.gui.preview.window import PreviewWindow


def install(window: MainWindow) -> None:
    """Add "Preview iframe page…" and "Preview this state's iframe" (enabled in an iframe state) to File."""
    choose = QAction("Preview iframe &page…", window)
    choose.triggered.connect(lambda: choose_page(window))
    this_state = QAction("Preview this state's &iframe", window)
    this_state.triggered.connect(lambda: preview_state(window))
    this_state.setEnabled(False)

    def refresh(*_: Any) -> None:
        this_state.setEnabled(_iframe_state(window) is not None)

    window.bridge.conversation_changed.connect(refresh)
    window.bridge.event.connect(lambda event: refresh() if isinstance(event, ev.StateEntered) else None)
    menu = _file_menu(window)
    quit_section = next(a for a in reversed(menu.actions()) if a.isSeparator())
    menu.insertActions(quit_section, [choose, this_state])


def choose_page(window: MainWindow) -> PreviewWindow | None:
    """Ask for a page file and preview it (against the open flow's states, if any)."""
    flow = window.bridge.flow
    start = str(flow.folder) if flow is not None else ""
    name, _ = QFileDialog.getOpenFileName(
        window, "Preview iframe page", start, "Web pages (*.html *.htm);;All files (*)"
    )
    if not name:
        return None
    path = Path(name).resolve()
    folder = flow.folder.resolve() if flow is not None else path.parent
    shown = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)
    return _open(window, shown, folder=folder, variables={}, height=PREVIEW_HEIGHT)


def preview_state(window: MainWindow) -> PreviewWindow | None:
    """Preview the current state's iframe: its URL template, its height, and the session's values for the template's
    variables (`null` where the session has none)."""
    state = _iframe_state(window)
    conversation = window.bridge.conversation
    if state is None or state.iframe is None or conversation is None:
        return None
    from workbench.gui.iframe.host import DEFAULT_HEIGHT

    url = state.iframe.url
    variables = {path: conversation.session.get(path) for path in template.variables(url)}
    height = state.iframe.height or DEFAULT_HEIGHT  # what the iframe panel shows
    return _open(window, url, folder=conversation.flow.folder, variables=variables, height=height)


def _open(window: MainWindow, url: str, *, folder: Path, variables: dict[str, Any], height: int) -> PreviewWindow:
    from workbench.gui.preview.window import PreviewWindow

    flow = window.bridge.flow
    preview = PreviewWindow(
        url,
        folder=folder,
        root=flow.folder if flow is not None else None,
        variables=variables,
        height=height,
        states=lambda: flow_states(window.bridge.flow),
        parent=window,
    )
    preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    preview.show()
    return preview


def _iframe_state(window: MainWindow) -> State | None:
    conversation = window.bridge.conversation
    if conversation is None:
        return None
    state = conversation.flow.states.get(conversation.session.current_state or "")
    return state if state is not None and state.iframe is not None else None


def _file_menu(window: MainWindow) -> QMenu:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and menu.title().replace("&", "") == "File":
            return menu
    raise LookupError("the window has no File menu")
