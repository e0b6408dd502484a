"""Steps the window tests of the explorer and of mutation testing share: open a flow written from its text and
click a state on the graph."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from qa_helpers import open_flow

from workbench.gui.main_window import MainWindow


def open_flow_text(window: MainWindow, qtbot, path: Path, text: str, tests: str | None = None) -> Path:
    """Write `text` to `path` (and `tests` beside it as its conversations), open it and wait for its first turn."""
    path.write_text(text, encoding="utf-8")
    if tests is not None:
        path.with_suffix(".convo.yaml").write_text(tests, encoding="utf-8")
    open_flow(window, qtbot, path)
    return path


def click_state(window: MainWindow, qtbot, name: str) -> None:
    """Click the state `name` on the graph, scrolled into view first."""
    view = window.graph.view
    view.center_on_state(name)
    node = view.node_item(name)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(node.scenePos()))
