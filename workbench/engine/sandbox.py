"""JavaScript for route conditions and code actions, in mini-racer (V8), with time and memory limits.

V8 runs in a worker process of the Sandbox's own (`sandbox_worker.py`), started on first use in the running
asyncio loop and started again after it dies: a V8 abort (a fatal out-of-memory that no limit catches) costs
the action that caused it, reported as "the code action ran out of memory and was stopped", never the
workbench. Route conditions run there too (an expression can hold an arrow function that does anything),
except bounded ones (`condition_safety.py`: no loops, no code, no unbounded allocation), which run in a V8
context of the engine's own process (`sandbox_conditions.py`) and save the round trip to the worker.

Each `realm` (a conversation's id; "" by default) gets a pristine V8 context of its own, made ahead of time
in the worker so that a conversation's start does not wait for it (a new one costs ~20 ms with lodash).
`release(realm)` forgets it (a conversation ends or restarts). A context is reused for the realm's actions
and replaced when it hit a limit or a run tainted it (see the prelude). Code actions run one at a time per
Sandbox; conditions may run alongside them.

Semantics worth knowing:
- Results of a code action count only once `send()` was called. If the code throws after `send()`, what was
  sent is kept (as Chatlayer would have delivered it) and `error` is set as well.
- The action ends when its body settled and it sent, or when nothing it started (fetch, timer) is pending;
  `fetch(...).then(...send())` without `await` therefore works.
- Globals a code action creates or overwrites are deleted or restored after it. Builtin prototypes are not
  frozen: a run that adds to one (`Object.prototype.x = ...`, prototype pollution through lodash 4.17.4's
  `_.merge`), leaves a global it cannot delete, or leaves an `Atomics.waitAsync` pending taints the context,
  and the next run gets a pristine one; overwriting an existing builtin method lasts for the realm.
- A condition that times out is attributed to the condition V8 was evaluating when it was stopped.
- Conditions see the session variables as bare names (missing ones are undefined), `internal`
  (`variables["internal"]` or `{}`) and the standard globals, but not globals created by code actions.
- Debug mode (`run_code(..., step=...)`) runs the code instrumented (`instrument.py`): V8 decides at every
  statement whether to stop; a stop pings the engine (a message on the worker's pipe), which lets the step
  handler hold it (fetch responses wait meanwhile, and the time limit does not run) and then tells V8 to go on.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, TypeVar

from workbench.engine.instrument import instrument
from workbench.engine.sandbox_conditions import LocalConditions, bounded_scope, first_call, first_condition, first_reply
from workbench.engine.sandbox_prelude import TAINTED
from workbench.engine.sandbox_run import RealmTainted, execute, json_value
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
from workbench.engine.sandbox_worker_client import STOP_GRACE, RemoteContext, RemoteError, WorkerLost, WorkerProcess

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
# Realms kept per Sandbox: the least recently used goes first (a conversation that was never released).
MAX_REALMS = 8
_CONDITION_LOST = "the condition ran out of memory and was stopped"
_T = TypeVar("_T")

# A watch expression over a scope of bare names (a prototype-less object, so `toString` is not in it), its value
# as JSON: undefined as null, functions as "function name()".
_EVALUATE_JS = (
    """__wb.dirty() ? '"""
    + TAINTED
    + """' : (() => {
  const reply = (x) => JSON.stringify(x, (k, v) => typeof v === 'function' ? `function ${v.name}()`
    : typeof v === 'bigint' ? String(v) : v);
  try {
    const f = new Function('__wbScope', 'with (__wbScope) { return (' + %s + '\\n); }');
    const value = f(Object.assign(Object.create(null), JSON.parse(%s)));
    return reply({value: value === undefined ? null : value});
  } catch (e) { return JSON.stringify({error: String(e)}); }
})()"""
)


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
        self._worker: WorkerProcess | None = None
        self._starting: asyncio.Task[WorkerProcess] | None = None
        self._realms: OrderedDict[str, RemoteContext] = OrderedDict()
        self._realm_ids = itertools.count(1)
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self._run_ids = itertools.count(1)
        self._local = LocalConditions(heap_limit)

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
        """End the worker process; the Sandbox starts a new one if it is used again."""
        starting, self._starting = self._starting, None
        if starting is not None and not starting.done():
            starting.cancel()
        worker, self._worker = self._worker, None
        self._realms.clear()
        self._local.close()
        if worker is None:
            return
        if worker.loop is asyncio.get_running_loop():
            await worker.close()
        else:
            worker.kill()

    aclose = close

    async def release(self, realm: str) -> None:
        """Forget `realm`'s V8 context: its next condition or action gets a pristine one."""
        ctx = self._realms.pop(realm, None)
        if ctx is not None:
            ctx.close()

    def holds_realm(self, realm: str) -> bool:
        """Whether `realm` still has a live context (its globals and any paused or pending work)."""
        ctx = self._realms.get(realm)
        return ctx is not None and not ctx.broken

    @property
    def worker_pid(self) -> int | None:
        """The worker process's id while it runs (for diagnostics and tests)."""
        return self._worker.pid if self._worker is not None and self._worker.alive else None

    async def memory(self) -> dict[str, Any]:
        """For benchmarks and tests: the worker's resident memory (`rss`) and each open realm's V8 heap in use
        (`heap`), in bytes, and its Python thread states (`threads`); empty before the worker started."""
        if self._worker is None or not self._worker.alive:
            return {}
        _, future = self._worker.request({"op": "stats"})
        return dict(await future)

    async def first_true(
        self, conditions: Sequence[str | None], variables: dict[str, Any], timeout: float = 1.0, *, realm: str = ""
    ) -> int | None:
        """Index of the first truthy condition (None is always true), or None; one round trip to V8 (in this
        process when every condition is bounded, in the realm's worker context otherwise)."""
        if not conditions:
            return None
        if conditions[0] is None:
            return 0
        scope = bounded_scope(conditions, variables)
        if scope is not None:
            return await self._local.first_true(conditions, scope, timeout)
        return await self._pristine(
            realm, None, lambda ctx: self._first_true_in(ctx, realm, conditions, variables, timeout)
        )

    async def _first_true_in(
        self,
        ctx: RemoteContext,
        realm: str,
        conditions: Sequence[str | None],
        variables: dict[str, Any],
        timeout: float,
    ) -> int | None:
        code, new = first_call(ctx, conditions, variables)
        try:
            async with asyncio.timeout(timeout):
                out = await ctx.eval(code)
        except TimeoutError:
            index = await _stopped_condition(ctx, conditions)
            self._drop(realm, ctx)
            raise ConditionError(index, f"timed out after {timeout:g} s") from None
        except RemoteError as exc:
            index = await _stopped_condition(ctx, conditions)
            self._drop(realm, ctx)
            message = "the condition ran out of memory" if exc.kind == "oom" else str(exc)
            raise ConditionError(index, message) from None
        except WorkerLost as exc:
            self._drop(realm, ctx)
            raise ConditionError(first_condition(conditions), _CONDITION_LOST if exc.started else str(exc)) from None
        if out == TAINTED:
            raise RealmTainted
        ctx.cond_ids.update(new)
        index, message, unreadable = first_reply(out, conditions)
        if unreadable:
            self._drop(realm, ctx)
        if message is not None:
            raise ConditionError(index, message)
        return None if index < 0 else index

    async def evaluate(self, expression: str, scope: dict[str, Any], timeout: float = 1.0, *, realm: str = "") -> Any:
        """The JSON value of a JavaScript expression over `scope`'s keys as bare names (a debugger's watch);
        `EvaluationError` when it throws, does not compile or runs past `timeout` seconds."""
        code = _EVALUATE_JS % (json.dumps(expression), json.dumps(json.dumps(scope, default=str)))
        return await self._pristine(realm, None, lambda ctx: self._evaluate_in(ctx, realm, code, timeout))

    async def _evaluate_in(self, ctx: RemoteContext, realm: str, code: str, timeout: float) -> Any:
        try:
            async with asyncio.timeout(timeout):
                out = await ctx.eval(code)
        except TimeoutError:
            await _answers_after_stop(ctx)
            self._drop(realm, ctx)
            raise EvaluationError(f"timed out after {timeout:g} s") from None
        except (RemoteError, WorkerLost) as exc:
            self._drop(realm, ctx)
            raise EvaluationError(str(exc)) from None
        if out == TAINTED:
            raise RealmTainted
        reply = json_value(out)
        if not isinstance(reply, dict):
            self._drop(realm, ctx)
            raise EvaluationError("the expression's value could not be read back")
        if "error" in reply:
            raise EvaluationError(str(reply["error"]))
        return reply.get("value")

    async def run_code(
        self,
        source: str,
        args: Any,
        *,
        timeout: float = 5.0,
        fetch: FetchHandler | None = None,
        heap_limit: int = DEFAULT_HEAP_LIMIT,
        step: StepHandler | None = None,
        realm: str = "",
    ) -> CodeResult:
        """Run a code action (the body of an async function) with `args`; never raises for the code's faults.

        `timeout` is wall-clock time including awaited fetches; `heap_limit` is V8's hard limit in bytes.
        `args` must be JSON-serialisable (other values are passed as their `str`). With `step` the code runs
        instrumented (debug mode) and stops where the step handler says; time held there does not count,
        and whatever the step handler raises propagates after the context is thrown away.
        """
        started = time.perf_counter()
        wrap = instrument if step is not None else self._wrap

        async def run(ctx: RemoteContext) -> CodeResult:
            try:
                run_id = next(self._run_ids)
                return await execute(
                    ctx,
                    source,
                    args,
                    wrap=wrap,
                    run_id=run_id,
                    timeout=timeout,
                    fetch=fetch,
                    started=started,
                    step=step,
                )
            finally:
                if ctx.broken:
                    self._drop(realm, ctx)

        async with self._run_lock():
            return await self._pristine(realm, heap_limit, run)

    async def _pristine(
        self, realm: str, heap_limit: int | None, attempt: Callable[[RemoteContext], Awaitable[_T]]
    ) -> _T:
        """`attempt` in the realm's context, and once more in a pristine one when an earlier run had tainted it
        (the prelude refuses to run anything in a tainted realm; a pristine one never is)."""
        ctx = await self._context(realm, heap_limit)
        try:
            return await attempt(ctx)
        except RealmTainted:
            self._drop(realm, ctx)
        try:
            return await attempt(await self._context(realm, heap_limit))
        except RealmTainted:
            raise RuntimeError("the JavaScript sandbox could not make a pristine context") from None

    def _run_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    async def _context(self, realm: str, heap_limit: int | None, *, retry: bool = True) -> RemoteContext:
        """The realm's context, ready: made (from the worker's spare) when it has none or lost it; once more
        in a new worker when the worker died meanwhile."""
        worker = await self._running_worker()
        ctx = self._realms.get(realm)
        if ctx is not None and (ctx.broken or ctx.worker is not worker):
            self._drop(realm, ctx)
            ctx = None
        if ctx is None:
            ctx = self._realms[realm] = RemoteContext(worker, next(self._realm_ids), heap_limit or self._heap_limit)
            while len(self._realms) > MAX_REALMS:
                self._realms.popitem(last=False)[1].close()
        else:
            self._realms.move_to_end(realm)
            if heap_limit is not None:
                ctx.set_heap_limit(heap_limit)
        try:
            await ctx.ready()
        except RemoteError as exc:
            self._drop(realm, ctx)
            raise RuntimeError(f"the JavaScript sandbox could not make a context: {exc}") from None
        except WorkerLost as exc:
            self._drop(realm, ctx)
            if not exc.started or not retry:
                raise RuntimeError(str(exc)) from None
            return await self._context(realm, heap_limit, retry=False)
        return ctx

    async def _running_worker(self) -> WorkerProcess:
        """The worker of the running loop, started when there is none or it died."""
        loop = asyncio.get_running_loop()
        worker = self._worker
        if worker is not None and worker.alive and worker.loop is loop:
            return worker
        if worker is not None:
            worker.kill()
            self._worker = None
            self._realms.clear()
        starting = self._starting
        if starting is None or starting.get_loop() is not loop:
            starting = self._starting = loop.create_task(WorkerProcess.start())
        try:
            worker = await asyncio.shield(starting)
        finally:
            if self._starting is starting and starting.done():
                self._starting = None
        if self._worker is None or not self._worker.alive:
            self._worker = worker
        return self._worker

    def _drop(self, realm: str, ctx: RemoteContext) -> None:
        if self._realms.get(realm) is ctx:
            del self._realms[realm]
        ctx.close()


async def _stopped_condition(ctx: RemoteContext, conditions: Sequence[str | None]) -> int:
    """Which condition a timeout or a limit stopped: V8 stays usable after a stopped eval long enough to ask.
    V8 that does not answer at once ignored the stop, and its worker is ended."""
    try:
        async with asyncio.timeout(STOP_GRACE):
            index = await ctx.eval("__wb.condIndex()")
        if isinstance(index, int) and 0 <= index < len(conditions) and conditions[index] is not None:
            return index
    except TimeoutError:
        ctx.abandon()
    except (RemoteError, WorkerLost):
        pass
    return first_condition(conditions)


async def _answers_after_stop(ctx: RemoteContext) -> None:
    """After a stopped eval, V8 must answer a trivial one at once; if it does not, its worker is ended."""
    try:
        async with asyncio.timeout(STOP_GRACE):
            await ctx.eval("0")
    except TimeoutError:
        ctx.abandon()
    except (RemoteError, WorkerLost):
        pass
