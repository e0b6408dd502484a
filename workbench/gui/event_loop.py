"""The window's asyncio loop: qasync's, except that a cancelled timer lets go of what it held at once.

qasync keeps a cancelled `call_later` handle until its Qt timer fires. Every turn of a replayed conversation sets
a timeout (`asyncio.timeout`) and cancels it when the turn ends, so each conversation of a test-explorer run stayed
reachable for that long through the handle's context (which holds the conversation being served): at thousands of
conversations the garbage collector's passes grew to hundreds of milliseconds. asyncio's own `Handle.cancel`
already drops the callback and its arguments; this drops the context too.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from typing import Any

import qasync


class _ReleasingHandle(asyncio.Handle):
    """A handle that forgets its callback, arguments and context when it is cancelled."""

    __slots__ = ()

    def cancel(self) -> None:
        super().cancel()
        self._context = contextvars.Context()


class WorkbenchEventLoop(qasync.QEventLoop):
    """qasync's event loop whose delayed callbacks hold nothing once cancelled (see the module's docstring)."""

    def call_later(
        self, delay: float, callback: Callable[..., Any], *args: Any, context: contextvars.Context | None = None
    ) -> asyncio.Handle:
        """Run `callback(*args)` after `delay` seconds, as qasync does."""
        if asyncio.iscoroutinefunction(callback):
            raise TypeError("coroutines cannot be used with call_later")
        if not callable(callback):
            raise TypeError(f"callback must be callable: {type(callback).__name__}")
        return self._add_callback(_ReleasingHandle(callback, args, self, context=context), delay)
