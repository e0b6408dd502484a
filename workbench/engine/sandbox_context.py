"""One V8 context with the prelude and lodash loaded, bound to the asyncio loop that created it."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from typing import Any

from py_mini_racer import MiniRacer

from workbench.engine.sandbox_prelude import PRELUDE_JS, PRELUDE_URL, lodash_source

# Compiled conditions and code functions kept per context before the caches are dropped and rebuilt.
CACHE_LIMIT = 2000


class JsContext:
    """A MiniRacer context ready to run conditions and code actions; throw it away after any limit."""

    def __init__(self, racer: MiniRacer, loop: asyncio.AbstractEventLoop, heap_limit: int) -> None:
        self.racer = racer
        self.loop = loop
        self.heap_limit = heap_limit
        self.broken = False
        self.cond_ids: dict[str, int] = {}
        self.code_ids: dict[tuple[Any, str], tuple[int, Any]] = {}  # (wrap, source) → (function id, wrapped)
        self.ids = itertools.count()
        self.wake: asyncio.Event | None = None
        self._ping_scope: contextlib.ExitStack = contextlib.ExitStack()

    @classmethod
    async def create(cls, heap_limit: int) -> JsContext:
        """Make a context in the running loop: prelude, lodash, the ping channel, the global baseline."""
        loop = asyncio.get_running_loop()
        racer = MiniRacer()
        ctx = cls(racer, loop, heap_limit)
        try:
            racer.set_hard_memory_limit(heap_limit)
            await racer.eval_cancelable(PRELUDE_JS + f"\n//# sourceURL={PRELUDE_URL}")
            await racer.eval_cancelable(lodash_source())
            # A raw one-way notification: unlike wrap_py_function it never calls back into V8, which
            # would block the loop while user code spins.
            ping = ctx._ping_scope.enter_context(
                racer._ctx._register_js_notification(ctx._on_ping)  # type: ignore[union-attr]
            )
            init = await racer.eval_cancelable("(f) => __wb.init(f)")
            await init.cancelable()(ping)  # type: ignore[union-attr]
        except BaseException:
            ctx.close()
            raise
        return ctx

    def _on_ping(self, _handle: object) -> None:
        if self.wake is not None:
            self.wake.set()

    async def eval(self, code: str) -> Any:
        """Evaluate `code`; the caller bounds it with a timeout (cancelling stops V8)."""
        return await self.racer.eval_cancelable(code)

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

    def reset_prefix(self) -> str:
        """JavaScript to put before an eval that adds to the caches: empties them when they are full."""
        if len(self.cond_ids) + len(self.code_ids) < CACHE_LIMIT:
            return ""
        self.cond_ids.clear()
        self.code_ids.clear()
        return "__wb.reset(),"

    def close(self) -> None:
        """Release V8; safe to call twice and while V8 still runs a runaway continuation."""
        self.broken = True
        self.wake = None
        self._ping_scope.close()
        with contextlib.suppress(Exception):
            self.racer.close()
