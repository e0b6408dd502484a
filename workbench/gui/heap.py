"""What the window builds to keep (a flow loaded with the warm-ups it needs, the test explorer's listing, a run's
plan) kept out of the garbage collector's full passes, and long jobs on the event loop paced (no Qt).

A full pass of the collector visits every tracked object; with 10,000 listed and planned conversations that is
millions of objects, and one pass blocked the window for 2.3 s while a run was being planned. What such a job
builds lives as long as the listing or the run, so it is frozen as it is built (`gc.freeze`): full passes then
visit only what was made since. The explorer never unfreezes while it lists tests: that would hand everything back
to the next full pass, which blocks just as long. It unfreezes when it shuts down (`release`). The price: an
object that was alive at a freeze and later becomes garbage inside a reference cycle is not reclaimed until then
(objects freed by reference counting, most of them, go at once as usual); the young generations are collected
before each freeze so that little garbage is frozen with the rest.
"""

from __future__ import annotations

import asyncio
import gc
import time

SLICE_SECONDS = 0.008
"""Work done between two turns of the event loop."""


def keep() -> None:
    """Take every object alive now out of the collector's full passes (its young garbage collected first)."""
    gc.collect(1)
    gc.freeze()


def release() -> None:
    """Give the frozen objects back to the collector (the next full pass visits them all)."""
    gc.unfreeze()


class Slices:
    """Paces a long job on the event loop: `await slices.turn()` after each step yields to the loop once a slice
    of time is used up, first keeping what the steps built (`keep`) unless told not to (`keeping`: for a job that
    builds nothing that lasts)."""

    def __init__(self, seconds: float = SLICE_SECONDS, keeping: bool = True) -> None:
        self._seconds = seconds
        self._keeping = keeping
        self._end = time.perf_counter() + seconds

    async def turn(self) -> None:
        """Give the loop a turn if this slice's time is up."""
        if time.perf_counter() < self._end:
            return
        if self._keeping:
            keep()
        await asyncio.sleep(0)
        self._end = time.perf_counter() + self._seconds
