"""The ticks of a timer on the window's event loop: how long the loop stood still at most while work ran."""

from __future__ import annotations

import time
from itertools import pairwise

from PySide6.QtCore import QTimer


class LoopTicks:
    """A 20 ms timer's ticks on the window's loop: `start` it before the work begins, then `longest_gap` says how
    long the loop stood still at most (since `stop_after_half_a_second` began waiting, when it was called)."""

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
        """The longest time, in seconds, between two ticks (since `stop_after_half_a_second` began waiting, if it
        was called; else since `start`)."""
        return max(b - a for a, b in pairwise(self.ticks[self.began :]))
