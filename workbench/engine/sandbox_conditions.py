"""Route decisions: the call that asks a realm for the first true condition, reading its answer, and the
engine's own V8 context for bounded conditions (`condition_safety.py`).

A bounded condition cannot loop, define code, change anything or allocate without bound, so it runs in a
MiniRacer context of the engine's process (one per Sandbox and asyncio loop, with the same prelude as a worker
realm and the time limit) and skips the round trip to the sandbox worker. That context never runs code
actions, so conditions there see none of their globals, as in the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from py_mini_racer import JSEvalException, JSOOMException

from workbench.engine.condition_safety import bounded_names
from workbench.engine.sandbox_context import JsContext
from workbench.engine.sandbox_run import json_value
from workbench.engine.sandbox_types import ConditionError
from workbench.engine.sandbox_worker_client import CACHE_LIMIT, STOP_GRACE


class ConditionCache(Protocol):
    """What a realm remembers of the conditions compiled in it."""

    cond_ids: dict[str, int]
    ids: Iterator[int]

    def reset_prefix(self) -> str:
        """JavaScript that empties the realm's caches when they are full ("" otherwise)."""
        ...


def first_call(
    cache: ConditionCache, conditions: Sequence[str | None], variables: dict[str, Any], entry: str = "first"
) -> tuple[str, dict[str, int]]:
    """The JavaScript that evaluates `conditions` over `variables` in a realm (through the prelude's `entry`),
    and the conditions it compiles there for the first time (add them to `cache.cond_ids` once the realm
    answered)."""
    prefix = ""
    if any(c is not None and c not in cache.cond_ids for c in conditions):
        prefix = cache.reset_prefix()
    ids: list[int] = []
    new: dict[str, int] = {}
    for text in conditions:
        if text is None:
            ids.append(-1)
            continue
        cid = cache.cond_ids.get(text, new.get(text))
        if cid is None:
            cid = new[text] = next(cache.ids)
        ids.append(cid)
    defs = json.dumps({cid: text for text, cid in new.items()})
    scope = json.dumps(json.dumps(variables, default=str))
    return f"{prefix}__wb.{entry}({json.dumps(ids)},{defs},{scope})", new


def first_condition(conditions: Sequence[str | None]) -> int:
    """The index of the first route that has a condition."""
    return next(i for i, c in enumerate(conditions) if c is not None)


def first_reply(out: Any, conditions: Sequence[str | None]) -> tuple[int, str | None, bool]:
    """What `__wb.first` answered: the index (-1: no condition held), a failure's message or None, and
    whether the answer was unreadable (the realm must go: something changed the builtins the prelude uses)."""
    if isinstance(out, int) and not isinstance(out, bool) and -1 <= out < len(conditions):
        return out, None, False
    reply = json_value(out)
    if not (
        isinstance(reply, list) and len(reply) == 2 and isinstance(reply[0], int) and -1 <= reply[0] < len(conditions)
    ):
        return first_condition(conditions), "the condition's result could not be read back", True
    index, message = reply
    if message is None:
        return index, None, False
    if index < 0 or conditions[index] is None:
        index = first_condition(conditions)
    return index, str(message), False


def bounded_scope(conditions: Sequence[str | None], variables: dict[str, Any]) -> dict[str, Any] | None:
    """The variables that bounded conditions read (nothing else needs to cross to V8), or None when one of
    the conditions is not bounded."""
    scope: dict[str, Any] = {}
    for text in conditions:
        if text is None:
            continue
        names = bounded_names(text)
        if names is None:
            return None
        for name in names:
            if name in variables:
                scope[name] = variables[name]
    return scope


class LocalConditions:
    """The engine process's V8 context for bounded conditions, made on first use in the running loop (and
    again after a limit, or in another loop)."""

    def __init__(self, heap_limit: int) -> None:
        self._heap_limit = heap_limit
        self._making: asyncio.Task[JsContext] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.cond_ids: dict[str, int] = {}
        self.ids: Iterator[int] = iter(range(2**62))

    def reset_prefix(self) -> str:
        """JavaScript that empties the context's compiled conditions when there are too many."""
        if len(self.cond_ids) < CACHE_LIMIT:
            return ""
        self.cond_ids.clear()
        return "__wb.reset(),"

    async def first_true(self, conditions: Sequence[str | None], scope: dict[str, Any], timeout: float) -> int | None:
        """Index of the first truthy condition (None is always true), or None; `ConditionError` when one fails."""
        ctx = await self._context()
        code, new = first_call(self, conditions, scope, "decide")
        try:
            async with asyncio.timeout(timeout):
                out = await ctx.eval(code)
        except TimeoutError:
            index = await _stopped_condition(ctx, conditions)
            self.close()
            raise ConditionError(index, f"timed out after {timeout:g} s") from None
        except JSEvalException as exc:
            index = await _stopped_condition(ctx, conditions)
            self.close()
            message = "the condition ran out of memory" if isinstance(exc, JSOOMException) else str(exc)
            raise ConditionError(index, message) from None
        self.cond_ids.update(new)
        index, message, unreadable = first_reply(out, conditions)
        if unreadable:
            self.close()
        if message is not None:
            raise ConditionError(index, message)
        return None if index < 0 else index

    def close(self) -> None:
        """Release the context (the next condition makes a new one)."""
        making, self._making = self._making, None
        self.cond_ids = {}
        if making is None:
            return
        if making.done():
            if not making.cancelled() and making.exception() is None:
                making.result().close()
        else:
            with contextlib.suppress(RuntimeError):  # a task of a loop that is closed
                making.cancel()

    async def _context(self) -> JsContext:
        loop = asyncio.get_running_loop()
        if self._making is None or self._loop is not loop:
            self.close()  # a context of another loop: mini-racer ties it to the loop it was made in
            self._making, self._loop = loop.create_task(JsContext.create(self._heap_limit)), loop
            self.cond_ids = {}
        making = self._making
        try:
            return making.result() if making.done() else await asyncio.shield(making)
        except JSEvalException as exc:
            if self._making is making:
                self._making = None
            raise RuntimeError(f"the JavaScript engine could not make a context: {exc}") from None


async def _stopped_condition(ctx: JsContext, conditions: Sequence[str | None]) -> int:
    """Which condition a timeout or a limit stopped: V8 answers once the runaway eval was stopped."""
    try:
        async with asyncio.timeout(STOP_GRACE):
            index = await ctx.eval("__wb.condIndex()")
        if isinstance(index, int) and 0 <= index < len(conditions) and conditions[index] is not None:
            return index
    except (TimeoutError, JSEvalException):
        pass
    return first_condition(conditions)
