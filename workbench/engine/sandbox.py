"""JavaScript for route conditions and code actions, in mini-racer (V8), with time and memory limits.

One V8 context per Sandbox is reused (a new one costs ~20 ms with lodash); it is created lazily inside the
running asyncio loop and replaced when that loop changes or the context hit a limit. Code actions run one
at a time per Sandbox; conditions may run alongside them.

Semantics worth knowing:
- Results of a code action count only once `send()` was called. If the code throws after `send()`, what was
  sent is kept (as Chatlayer would have delivered it) and `error` is set as well.
- The action ends when its body settled and it sent, or when nothing it started (fetch, timer) is pending;
  `fetch(...).then(...send())` without `await` therefore works.
- Globals a code action creates or overwrites are deleted or restored after it; builtin prototypes are not
  frozen, so `Array.prototype.x = ...` lasts for the context (reasonable effort, not a security boundary).
- A condition that times out is attributed to the condition V8 was evaluating when it was stopped.
- Conditions see the session variables as bare names (missing ones are undefined), `internal`
  (`variables["internal"]` or `{}`) and the standard globals, but not globals created by code actions.
- Debug mode (`run_code(..., step=...)`) runs the code instrumented (`instrument.py`): V8 decides at every
  statement whether to stop; a stop pings Python, which lets the step handler hold it (fetch responses
  wait meanwhile, and the time limit does not run) and then tells V8 to go on.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

from py_mini_racer import JSEvalException

from workbench.engine.instrument import instrument
from workbench.engine.sandbox_context import JsContext
from workbench.engine.sandbox_run import execute
from workbench.engine.sandbox_types import (
    CodeError,
    CodeResult,
    ConditionError,
    FetchError,
    FetchHandler,
    Halt,
    StepHandler,
    WrappedSource,
    wrap_source,
)

__all__ = [
    "DEFAULT_HEAP_LIMIT",
    "CodeError",
    "CodeResult",
    "ConditionError",
    "EvaluationError",
    "FetchError",
    "FetchHandler",
    "Halt",
    "Sandbox",
    "StepHandler",
    "WrappedSource",
    "wrap_source",
]

DEFAULT_HEAP_LIMIT = 64 * 2**20

# A watch expression over a scope of bare names (a prototype-less object, so `toString` is not in it), its value
# as JSON: undefined as null, functions as "function name()".
_EVALUATE_JS = """(() => {
  const reply = (x) => JSON.stringify(x, (k, v) => typeof v === 'function' ? `function ${v.name}()`
    : typeof v === 'bigint' ? String(v) : v);
  try {
    const f = new Function('__wbScope', 'with (__wbScope) { return (' + %s + '\\n); }');
    const value = f(Object.assign(Object.create(null), JSON.parse(%s)));
    return reply({value: value === undefined ? null : value});
  } catch (e) { return JSON.stringify({error: String(e)}); }
})()"""


class EvaluationError(Exception):
    """A watch expression threw, did not compile or ran out of time; the message says which."""


class Sandbox:
    """Evaluates route conditions and runs code actions; use as `async with Sandbox() as sb:`.

    `wrap` turns a code action's source into a function expression; a debugger can pass an
    instrumenting one.
    """

    def __init__(
        self,
        *,
        wrap: Callable[[str], WrappedSource] = wrap_source,
        heap_limit: int = DEFAULT_HEAP_LIMIT,
    ) -> None:
        self._wrap = wrap
        self._heap_limit = heap_limit
        self._ctx: JsContext | None = None
        self._creating: asyncio.Task[JsContext] | None = None
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self._run_ids = itertools.count(1)

    async def __aenter__(self) -> Sandbox:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Release the V8 context; the Sandbox makes a new one if it is used again."""
        creating, self._creating = self._creating, None
        if creating is not None and not creating.done():
            creating.cancel()
        self._drop()

    aclose = close

    async def first_true(
        self, conditions: Sequence[str | None], variables: dict[str, Any], timeout: float = 1.0
    ) -> int | None:
        """Index of the first truthy condition (None is always true), or None; one round trip to V8."""
        if not conditions:
            return None
        if conditions[0] is None:
            return 0
        ctx = await self._context(None)
        prefix = ""
        if any(c is not None and c not in ctx.cond_ids for c in conditions):
            prefix = ctx.reset_prefix()
        ids: list[int] = []
        new: dict[str, int] = {}
        for text in conditions:
            if text is None:
                ids.append(-1)
                continue
            cid = ctx.cond_ids.get(text, new.get(text))
            if cid is None:
                cid = new[text] = next(ctx.ids)
            ids.append(cid)
        defs = json.dumps({cid: text for text, cid in new.items()})
        scope = json.dumps(json.dumps(variables, default=str))
        try:
            async with asyncio.timeout(timeout):
                out = await ctx.eval(f"{prefix}__wb.first({json.dumps(ids)},{defs},{scope})")
        except TimeoutError:
            index = await _stopped_condition(ctx, conditions)
            self._drop(ctx)
            raise ConditionError(index, f"timed out after {timeout:g} s") from None
        except JSEvalException as exc:
            index = await _stopped_condition(ctx, conditions)
            self._drop(ctx)
            raise ConditionError(index, str(exc)) from None
        ctx.cond_ids.update(new)
        if isinstance(out, str):
            index, message = json.loads(out)
            raise ConditionError(index, message)
        return None if out < 0 else int(out)  # type: ignore[operator, call-overload]

    async def evaluate(self, expression: str, scope: dict[str, Any], timeout: float = 1.0) -> Any:
        """The JSON value of a JavaScript expression over `scope`'s keys as bare names (a debugger's watch);
        `EvaluationError` when it throws, does not compile or runs past `timeout` seconds."""
        ctx = await self._context(None)
        code = _EVALUATE_JS % (json.dumps(expression), json.dumps(json.dumps(scope, default=str)))
        try:
            async with asyncio.timeout(timeout):
                out = await ctx.eval(code)
        except TimeoutError:
            self._drop(ctx)
            raise EvaluationError(f"timed out after {timeout:g} s") from None
        except JSEvalException as exc:
            self._drop(ctx)
            raise EvaluationError(str(exc)) from None
        reply = json.loads(str(out))
        if "error" in reply:
            raise EvaluationError(reply["error"])
        return reply["value"]

    async def run_code(
        self,
        source: str,
        args: Any,
        *,
        timeout: float = 5.0,
        fetch: FetchHandler | None = None,
        heap_limit: int = DEFAULT_HEAP_LIMIT,
        step: StepHandler | None = None,
    ) -> CodeResult:
        """Run a code action (the body of an async function) with `args`; never raises for the code's faults.

        `timeout` is wall-clock time including awaited fetches; `heap_limit` is V8's hard limit in bytes.
        `args` must be JSON-serialisable (other values are passed as their `str`). With `step` the code runs
        instrumented (debug mode) and stops where the step handler says; time held there does not count,
        and whatever the step handler raises propagates after the context is thrown away.
        """
        started = time.perf_counter()
        async with self._run_lock():
            ctx = await self._context(heap_limit)
            result = await execute(
                ctx,
                source,
                args,
                wrap=instrument if step is not None else self._wrap,
                run_id=next(self._run_ids),
                timeout=timeout,
                fetch=fetch,
                started=started,
                step=step,
            )
            if ctx.broken:
                self._drop(ctx)
            return result

    def _run_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    async def _context(self, heap_limit: int | None) -> JsContext:
        loop = asyncio.get_running_loop()
        ctx = self._ctx
        if ctx is not None and (ctx.broken or ctx.loop is not loop):
            self._drop(ctx)
            ctx = None
        if ctx is None:
            creating = self._creating
            if creating is None or creating.get_loop() is not loop:
                creating = self._creating = loop.create_task(JsContext.create(heap_limit or self._heap_limit))
            try:
                ctx = await asyncio.shield(creating)
            finally:
                if self._creating is creating and creating.done():
                    self._creating = None
            if self._ctx is None or self._ctx.broken:
                self._ctx = ctx
            ctx = self._ctx
        if heap_limit is not None:
            ctx.set_heap_limit(heap_limit)
        return ctx

    def _drop(self, ctx: JsContext | None = None) -> None:
        if ctx is None or ctx is self._ctx:
            current, self._ctx = self._ctx, None
            if current is not None:
                current.close()
        if ctx is not None:
            ctx.close()


async def _stopped_condition(ctx: JsContext, conditions: Sequence[str | None]) -> int:
    """Which condition a timeout stopped: V8 stays usable after a cancelled eval long enough to ask."""
    try:
        async with asyncio.timeout(0.5):
            index = await ctx.eval("__wb.condIndex()")
        if isinstance(index, int) and 0 <= index < len(conditions):
            return index
    except (TimeoutError, JSEvalException):
        pass
    return next(i for i, c in enumerate(conditions) if c is not None)
