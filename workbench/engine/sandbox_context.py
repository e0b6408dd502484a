"""One V8 realm inside the sandbox worker process: a MiniRacer context with the prelude and lodash loaded.

Only the worker (`sandbox_worker.py`) imports this module; the engine reaches a realm through
`sandbox_worker_client.RemoteContext`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any

from py_mini_racer import MiniRacer

from workbench.engine.sandbox_prelude import PRELUDE_JS, PRELUDE_URL, lodash_source

# V8 leaves ~0.5 KB of old-generation garbage per evaluated script (~1.5 KB per code action) and, far below
# its own 1.4 GB limit, rarely collects it: left alone, a reused realm's heap grows until it hits the hard
# memory limit. A full collection every so many evaluations (about 13 ms with lodash loaded) keeps it under
# ~4 MB for a few µs a run.
COLLECT_EVERY = 2000


class JsContext:
    """A MiniRacer context ready to run conditions and code actions; throw it away after any limit."""

    def __init__(self, racer: MiniRacer, heap_limit: int) -> None:
        self.racer = racer
        self.heap_limit = heap_limit
        self.on_ping: Callable[[], None] = lambda: None
        self._ping_scope = contextlib.ExitStack()
        self._evals = 0
        self._running = 0
        self._closed = False

    @classmethod
    async def create(cls, heap_limit: int) -> JsContext:
        """Make a context in the running loop: prelude, lodash, the ping channel, the global baseline."""
        racer = MiniRacer()
        ctx = cls(racer, heap_limit)
        try:
            racer.set_hard_memory_limit(heap_limit)
            await racer.eval_cancelable(PRELUDE_JS + f"\n//# sourceURL={PRELUDE_URL}")
            await racer.eval_cancelable(lodash_source())
            # A raw one-way notification: unlike wrap_py_function it never calls back into V8, which
            # would block the loop while user code spins.
            ping = ctx._ping_scope.enter_context(
                racer._ctx._register_js_notification(lambda _handle: ctx.on_ping())  # type: ignore[union-attr]
            )
            init = await racer.eval_cancelable("(f) => __wb.init(f)")
            await init.cancelable()(ping)  # type: ignore[union-attr]
        except BaseException:
            ctx.close()
            raise
        return ctx

    async def eval(self, code: str) -> Any:
        """Evaluate `code`; cancelling the call stops V8."""
        self._running += 1
        try:
            value = await self.racer.eval_cancelable(code)
        finally:
            self._running -= 1
        self._evals += 1
        if self._evals % COLLECT_EVERY == 0 and self._running == 0:
            self.racer._ctx.low_memory_notification()  # type: ignore[union-attr]
        return value

    def set_heap_limit(self, heap_limit: int) -> None:
        """Change the hard memory limit when a caller asks for another one."""
        if heap_limit != self.heap_limit:
            self.racer.set_hard_memory_limit(heap_limit)
            self.heap_limit = heap_limit

    def memory_exhausted(self) -> bool:
        """Whether V8 hit the hard memory limit (it stays true: the context must go)."""
        with contextlib.suppress(Exception):
            return bool(self.racer.was_hard_memory_limit_reached())
        return False

    def heap_used(self) -> int:
        """Bytes of V8 heap in use."""
        stats = json.loads(self.racer._ctx.heap_stats())  # type: ignore[union-attr]
        return int(stats["used_heap_size"])

    def close(self) -> None:
        """Release V8; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.on_ping = lambda: None
        self._ping_scope.close()
        with contextlib.suppress(Exception):
            self.racer.close()


def when_made(task: asyncio.Task[JsContext], then: Callable[[JsContext], None]) -> None:
    """Call `then` with the context a creation task makes, now or once it is done (not if it failed)."""

    def call(done: asyncio.Task[JsContext]) -> None:
        if not done.cancelled() and done.exception() is None:
            then(done.result())

    if task.done():
        call(task)
    else:
        task.add_done_callback(call)
