"""The `code` kind: JavaScript in the sandbox, with Chatlayer's `args`, `ChatlayerResponseBuilder`, `fetch`,
`console` and `_` (lodash).

Results apply only when the code called `send()`, in Chatlayer's order: session variables, then messages, then
the jump. A failed action changes no variable. With a debugger the code runs in debug mode (instrumented,
stopping where the debugger says); time spent paused counts against neither the action's nor a fetch's timeout.

What the code hands to `send()` comes from outside the flow author's control and is checked whole before any
of it applies (`incoming`): variable paths the session can hold, values at most 64 levels deep, finite numbers,
at most `MAX_VALUE_BYTES` per value and `MAX_RESULT_BYTES` in all, a next dialog state that exists. Anything
else fails the action (its `on_error`) with a message that names the problem; `internal.*` is not set, with a
warning, as in the API action. Console output and bot messages are capped (`output_caps`).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
from typing import Any

from workbench.engine import events as ev
from workbench.engine import incoming
from workbench.engine.actions.base import ActionContext
from workbench.engine.actions.message import from_dict
from workbench.engine.actions.output_caps import cap_console, cap_messages
from workbench.engine.chatlayer_messages import json_text
from workbench.engine.debugger import Debugger
from workbench.engine.http_port import perform, size_text
from workbench.engine.sandbox_prelude import MAX_RESULT_BYTES, MAX_VALUE_BYTES
from workbench.engine.sandbox_types import CodeError, CodeResult, FetchError, FetchHandler, Oversize
from workbench.flow.model import BUILTIN_STATE_NAMES

MAX_FETCHES_IN_FLIGHT = 8
"""Requests of one code action under way at the same time; further `fetch()` calls wait for a free one."""
MAX_FETCHES = 100
"""`fetch()` calls one code action may make; later calls reject with "too many fetch() calls"."""


def code_args(ctx: ActionContext) -> Any:
    """The action's configured `args`, rendered; without `args`, a copy of every session variable."""
    code = ctx.state.code
    assert code is not None
    if code.args is None:
        return ctx.session.snapshot()
    return ctx.render_value(code.args)


def fetch_handler(ctx: ActionContext, exchanges: list[ev.Event]) -> FetchHandler:
    """`fetch()` for the code: carried out by the engine's HTTP client, each exchange kept as an event.

    At most `MAX_FETCHES_IN_FLIGHT` requests of the action are under way at once (the others wait their turn),
    and after `MAX_FETCHES` calls `fetch()` rejects. A request may take the action's whole timeout, counted
    from when it is sent: neither waiting for its turn nor waiting for V8 (other conversations' code actions)
    eats into it. The action's own time limit still ends the action.
    """
    code = ctx.state.code
    assert code is not None
    timeout = code.timeout
    slots = asyncio.Semaphore(MAX_FETCHES_IN_FLIGHT)
    calls = itertools.count(1)

    async def fetch(url: str, options: dict[str, Any]) -> dict[str, Any]:
        if next(calls) > MAX_FETCHES:
            raise FetchError(f"too many fetch() calls: a code action may make at most {MAX_FETCHES}")
        headers = {str(k): str(v) for k, v in (options.get("headers") or {}).items()}
        body = options.get("body")
        async with slots:
            result = await perform(
                ctx.ports.http,
                method=str(options.get("method") or "GET").upper(),
                url=url,
                headers=headers,
                content=body if isinstance(body, str | bytes) else None,
                timeout=timeout,
                state=ctx.state.name,
                source="fetch",
            )
        exchanges.append(result.exchange)
        if result.status is None:
            raise FetchError(result.error or f"request to {url} failed")
        return {
            "status": result.status,
            "statusText": result.reason,
            "headers": result.headers,
            "body": result.text(),
        }

    return fetch


def _where(ctx: ActionContext, error: CodeError) -> str | None:
    code = ctx.state.code
    assert code is not None
    if error.line is None or not code.line:
        return None
    return f"{ctx.state.loc.file}:{code.line + error.line - 1}:{code.indent + (error.column or 1)}"


async def run(ctx: ActionContext, debugger: Debugger | None = None) -> list[ev.Event]:
    """Run the state's code action (in debug mode under `debugger`) and turn what it sent into events."""
    code = ctx.state.code
    assert code is not None
    name = ctx.state.name
    started = ev.ActionStarted(state=name, action="code")
    args = copy.deepcopy(code_args(ctx))
    exchanges: list[ev.Event] = []
    step = debugger.probe(name, args, exchanges) if debugger is not None else None
    fetch = fetch_handler(ctx, exchanges)
    result = await ctx.ports.sandbox.run_code(
        code.source, args, timeout=code.timeout, fetch=fetch, step=step, realm=ctx.conversation_id
    )
    out: list[ev.Event] = [started, *ctx.warnings, *exchanges]
    logs, cut = cap_console(result.logs, name)
    out.extend(ev.CodeLog(state=name, level=level, message=text) for level, text in logs)  # type: ignore[arg-type]
    out.extend(cut)
    if result.error is not None:
        message = f"{result.error.kind} error in the code of state '{name}': {result.error.message}"
        if result.error.line is not None:
            message += f" (line {result.error.line} of the code)"
        out.append(ev.EngineError(error="code", message=message, state=name, where=_where(ctx, result.error)))
        return [*out, ctx.finished("code", ok=False, error=message)]
    if not result.sent:
        out.append(
            ev.EngineWarning(message=f"the code of state '{name}' never called send(); nothing was applied", state=name)
        )
        return [*out, ctx.finished("code", result={"sent": False})]
    try:
        applied = _sent(ctx, result)
    except incoming.IncomingError as exc:
        message = f"send() in the code of state '{name}' was refused: {exc}; nothing was applied"
        out.append(ev.EngineError(error="code", message=message, state=name))
        return [*out, ctx.finished("code", ok=False, error=message)]
    out.extend(applied)
    variables = sorted(e.name for e in applied if isinstance(e, ev.VariableChanged))
    summary = {"sent": True, "variables": variables, "messages": sum(isinstance(e, ev.BotMessage) for e in applied)}
    return [*out, ctx.finished("code", result=summary, jump=result.next_state)]


def _sent(ctx: ActionContext, result: CodeResult) -> list[ev.Event]:
    """The events of what the code sent, in Chatlayer's order (variables, then messages), checked whole; raises
    `IncomingError` naming the first thing that cannot be used, before anything applies."""
    name = ctx.state.name
    if result.oversize is not None:
        raise incoming.IncomingError(_oversize_text(result.oversize))
    events: list[ev.Event] = []
    writes: list[tuple[str, Any]] = []
    total = 0
    for variable, value in result.variables.items():
        call = f"addSessionVariable({json_text(variable)})"
        refused = incoming.name_problem(variable)
        if refused is not None:
            raise incoming.IncomingError(f"{call}: {refused}")
        total += len(variable) + _checked_size(value, call, variable)
        if incoming.is_internal(variable):
            events.append(
                ev.EngineWarning(message=f"{call}: '{variable}' is read-only (internal.*), not set", state=name)
            )
        else:
            writes.append((variable, value))
    messages, capped = cap_messages(result.messages, f"the code of state '{name}'", name)
    total += sum(_checked_size(message, "a message", "") for message in messages)
    if total > MAX_RESULT_BYTES:
        raise incoming.IncomingError(f"it is {size_text(total)} in all, more than {size_text(MAX_RESULT_BYTES)}")
    jump = result.next_state
    if jump and jump not in ctx.flow.states and jump not in BUILTIN_STATE_NAMES:
        raise incoming.IncomingError(f"setNextDialogState({json_text(jump)}): this flow has no such dialog state")
    for variable, value, previous in incoming.plan_writes(ctx.session, writes):
        events.append(
            ev.VariableChanged(
                name=variable,
                value=value,
                previous=previous,
                origin="code",
                state=name,
                detail="addSessionVariable",
                line=result.variable_lines.get(variable),
            )
        )
    return [*events, *capped, *(from_dict(name, message) for message in messages)]


def _oversize_text(oversize: Oversize) -> str:
    """Why a `send()` far past the limits was refused, as `_sent` says it of one just past them."""
    size = size_text(oversize.size)
    if oversize.name is not None:
        call = f"addSessionVariable({json_text(oversize.name)})"
        return f"{call}: the value is {size}, more than {size_text(MAX_VALUE_BYTES)}"
    if oversize.message is not None:
        return f"message {oversize.message}: the value is {size}, more than {size_text(MAX_VALUE_BYTES)}"
    return f"it is {size} in all, more than {size_text(MAX_RESULT_BYTES)}"


def _checked_size(value: Any, what: str, root: str) -> int:
    """The size of `value` as JSON text; raises `IncomingError` when `incoming.problem` refuses it or it is
    larger than `MAX_VALUE_BYTES`."""
    found = incoming.problem(value, root)
    if found is not None:
        raise incoming.IncomingError(f"{what}: the value {found}")
    size = incoming.json_size(value)
    if size > MAX_VALUE_BYTES:
        raise incoming.IncomingError(f"{what}: the value is {size_text(size)}, more than {size_text(MAX_VALUE_BYTES)}")
    return size
