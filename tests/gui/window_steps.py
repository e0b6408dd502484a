"""Steps the window tests of the explorer and of mutation testing share: open a flow written from its text, click
a state on the graph, and tell whether the window's event loop kept ticking while work ran off its thread."""

from __future__ import annotations

import time
from itertools import pairwise
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
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


class LoopTicks:
    """A 20 ms timer's ticks on the window's loop: `start` it before the work begins, `stop_after_half_a_second`
    once it is under way, then `longest_gap` says how long the loop stood still at most."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.timer = QTimer(interval=20)
        self.timer.timeout.connect(lambda: self.ticks.append(time.monotonic()))
        self.began = 0

    def start(self) -> None:
        """Start ticking."""
        self.timer.start()

    def stop_after_half_a_second(self, qtbot) -> None:
        """Wait for half a second of ticks from now, at least, then stop ticking."""
        self.began = len(self.ticks)
        qtbot.waitUntil(lambda: len(self.ticks) >= self.began + 25, timeout=20_000)
        self.timer.stop()

    def longest_gap(self) -> float:
        """The longest time, in seconds, between two ticks since `stop_after_half_a_second` began waiting."""
        return max(b - a for a, b in pairwise(self.ticks[self.began :]))
