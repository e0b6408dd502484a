"""Long work (a search, a mutation run) in a thread of its own, awaited on the window's event loop, and the
thread's news handed back to that loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

_T = TypeVar("_T")


async def in_thread(work: Callable[[], _T], name: str, cancel: Callable[[], object] | None = None) -> _T:
    """`work()` in a thread of its own (named after `name`), so that the loop's default executor stays free for
    the window's other work. When the awaiting task is cancelled (the window closing), `cancel()` (when given)
    tells the work to end, and the thread is not waited for, or the loop would block on it."""
    thread = ThreadPoolExecutor(1, thread_name_prefix=name)
    try:
        return await asyncio.get_running_loop().run_in_executor(thread, work)
    except asyncio.CancelledError:
        if cancel is not None:
            cancel()
        raise
    finally:
        thread.shutdown(wait=False)


def on_loop(callback: Callable[[_T], object]) -> Callable[[_T], None]:
    """`callback` for another thread to call: each call runs it on the loop running now (the window's)."""
    loop = asyncio.get_running_loop()
    return lambda value: loop.call_soon_threadsafe(callback, value)
