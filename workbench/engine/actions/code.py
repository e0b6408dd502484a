"""The `code` kind: JavaScript in the sandbox, with Chatlayer's `args`, `ChatlayerResponseBuilder`, `fetch`,
`console` and `_` (lodash).

Results apply only when the code called `send()`, in Chatlayer's order: session variables, then messages, then
the jump. A failed action changes no variable. With a debugger the code runs in debug mode (instrumented,
stopping where the debugger says); time spent paused counts against neither the action's nor a fetch's timeout.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
from typing import Any

from workbench.engine import events as ev
from workbench.engine.actions.base import ActionContext
from workbench.engine.actions.message import from_dict
from workbench.engine.debugger import Debugger
from workbench.engine.http_port import perform
from workbench.engine.sandbox_types import CodeError, FetchError, FetchHandler

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
    out.extend(ev.CodeLog(state=name, level=level, message=text) for level, text in result.logs)  # type: ignore[arg-type]
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
    for variable, value in result.variables.items():
        out.append(
            ev.VariableChanged(
                name=variable,
                value=value,
                previous=ctx.session.get(variable),
                origin="code",
                state=name,
                detail="addSessionVariable",
                line=result.variable_lines.get(variable),
            )
        )
    out.extend(from_dict(name, message) for message in result.messages)
    summary = {"sent": True, "variables": sorted(result.variables), "messages": len(result.messages)}
    return [*out, ctx.finished("code", result=summary, jump=result.next_state)]
