"""Drive one code action through a realm of the worker: one eval when the code finishes synchronously, more
for fetch and, in debug mode, for every stop the debugger holds."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import esprima

from workbench.engine import incoming
from workbench.engine.internal_error import internal_error
from workbench.engine.sandbox_messages import normalise_messages
from workbench.engine.sandbox_prelude import CODE_URL
from workbench.engine.sandbox_types import (
    CodeError,
    CodeResult,
    FetchError,
    FetchHandler,
    Halt,
    Oversize,
    StepHandler,
    WrappedSource,
)
from workbench.engine.sandbox_worker_client import STOP_GRACE, RemoteContext, RemoteError, WorkerLost

_STACK_POSITION = re.compile(re.escape(CODE_URL) + r":(\d+):(\d+)")
_PARSE_HEAD = re.compile(r"^.*?:(\d+): (.*)$")
WORKER_LOST = "the code action ran out of memory and was stopped"
_OUT_OF_MEMORY = "the code action ran out of memory"
_UNREADABLE = "the code action's result could not be read back (did it change a builtin such as Object.prototype?)"
_TOO_DEEP = f"the code action's result is nested more than {incoming.MAX_DEPTH} levels deep"
ANSWER_DEPTH = incoming.MAX_DEPTH + 4
"""How deeply an answer from V8 may nest: what the code sent (at most `incoming.MAX_DEPTH` levels) inside the
prelude's own 4 (a run's state, its payload, the list of builder calls, one call)."""


_ARGS_JSON = json.JSONEncoder(default=str, allow_nan=False)  # `args` as JSON (one encoder, not one per run)


class RealmTainted(Exception):
    """An earlier run tainted the realm, so nothing ran (and the realm is closed): run again in a pristine one."""


async def execute(
    ctx: RemoteContext,
    source: str,
    args: Any,
    *,
    wrap: Callable[[str], WrappedSource],
    run_id: int,
    timeout: float,
    fetch: FetchHandler | None,
    started: float,
    step: StepHandler | None = None,
) -> CodeResult:
    """Run `source` once in `ctx`; closes `ctx` when it hit a limit or was tainted and must be thrown away
    (and ends its worker when V8 did not stop when told to). `RealmTainted` when an earlier run had tainted it.

    With `step` the run is in debug mode: `wrap` should instrument the source, and the run stops where
    the step handler's plan says.
    """
    args_json = _ARGS_JSON.encode(args)
    plan = json.dumps(step.plan()) if step is not None else "null"
    key = (wrap, source)
    cached = ctx.code_ids.get(key)
    if cached is None:
        prefix = ctx.reset_prefix()
        fn_id, wrapped = next(ctx.ids), wrap(source)
        ask, literal = ctx.eval, json.dumps(args_json)
        text = f"{prefix}__wb.run({run_id},{fn_id},{literal},{wrapped.text},{plan})\n//# sourceURL={CODE_URL}"
    else:
        # compiled by an earlier run: a call, with the args as they are (not as a string literal to evaluate)
        fn_id, wrapped = cached
        ask, text = ctx.call, f"[{run_id},{fn_id},{plan},{args_json}]"

    def fail(kind: Any, message: str, line: int | None = None, column: int | None = None) -> CodeResult:
        err = CodeError(kind, message, line, column)
        return CodeResult(sent=False, error=err, duration=time.perf_counter() - started)

    bridge: _Bridge | None = None
    deadline = asyncio.get_running_loop().time() + timeout
    try:
        # the first answer is waited for with the worker's deadline (no timer of its own: most runs end there)
        state = _state(await ask(text, deadline))
        if state["st"] == "tainted":
            raise RealmTainted
        if cached is None:
            ctx.code_ids[key] = (fn_id, wrapped)
        if state["st"] == "pending":
            async with asyncio.timeout_at(deadline) as limit:
                bridge = _Bridge(ctx, run_id, fetch, step, wrapped)
                state = await bridge.follow(state, limit)
    except RemoteError as exc:
        if exc.kind == "parse":
            return fail("syntax", *_syntax_error(str(exc), wrapped))
        ctx.close()
        return fail("memory", _OUT_OF_MEMORY) if exc.kind == "oom" else fail("runtime", str(exc))
    except WorkerLost as exc:
        if not exc.started:
            raise RuntimeError(str(exc)) from None
        return fail("memory", WORKER_LOST)
    except TimeoutError:
        exhausted, salvaged = await asyncio.gather(ctx.memory_exhausted(), _salvage(ctx, run_id))
        ctx.close()
        if exhausted:
            return fail("memory", _OUT_OF_MEMORY)
        timed_out = CodeError("timeout", f"the code action did not finish within {timeout:g} s")
        if salvaged is None:
            return CodeResult(sent=False, error=timed_out, duration=time.perf_counter() - started)
        return replace(_result(salvaged, wrapped, started), error=timed_out)
    except BaseException:
        ctx.close()
        raise
    finally:
        if bridge is not None:
            bridge.stop()
    if state["st"] != "done":
        ctx.close()
        return fail("runtime", _TOO_DEEP if state["st"] == "too deep" else _UNREADABLE)
    return _result(state, wrapped, started)


def json_value(text: Any, too_deep: Any = None) -> Any:
    """`text` (what V8 sent back: checked, not trusted) read as JSON nested at most `ANSWER_DEPTH` levels; None
    when it is not JSON text, `too_deep` when it nests deeper."""
    if not isinstance(text, str):
        return None
    try:
        return incoming.loads(text, max_depth=ANSWER_DEPTH)
    except json.JSONDecodeError:
        return None
    except incoming.IncomingError:
        # JSON.stringify writes no NaN, no Infinity and no long whole number: what is refused nests too deep
        return too_deep


def _state(text: Any) -> dict[str, Any]:
    """A run's state as the prelude reports it, checked whole: `{"st": "unreadable"}` when it is not in the
    prelude's shape (user code that changed builtins the prelude's JSON goes through), `{"st": "too deep"}`
    when it nests more than `ANSWER_DEPTH` levels."""
    state = json_value(text, too_deep={"st": "too deep"})
    st = state.get("st") if isinstance(state, dict) else None
    if st == "pending":
        halt = state.get("halt")
        reqs = state.get("reqs")
        if isinstance(reqs, list) and all(_is_request(r) for r in reqs) and (halt is None or _is_halt(halt)):
            return state
    elif st == "done":
        logs, error = state.get("logs"), state.get("error")
        if (
            isinstance(state.get("sent"), bool)
            and isinstance(logs, list)
            and all(isinstance(e, list) and len(e) == 2 for e in logs)
            and (error is None or isinstance(error, dict))
        ):
            return state
    elif st in ("gone", "too deep", "tainted"):
        return state
    return {"st": "unreadable"}


def _is_request(request: Any) -> bool:
    return (
        isinstance(request, dict)
        and isinstance(request.get("id"), int)
        and isinstance(request.get("url"), str)
        and isinstance(request.get("options"), dict)
    )


def _is_halt(halt: Any) -> bool:
    return isinstance(halt, dict) and {"where", "line", "function", "depth", "locals", "builder"} <= halt.keys()


class _Bridge:
    """Carries fetch requests from V8 to the handler and responses back, and in debug mode the run's stops
    to the step handler and its answers back, until the run is done.

    While the debugger holds the code, fetch responses wait too: nothing of the run moves during a pause.
    """

    def __init__(
        self,
        ctx: RemoteContext,
        run_id: int,
        handler: FetchHandler | None,
        step: StepHandler | None,
        wrapped: WrappedSource,
    ) -> None:
        self._ctx = ctx
        self._run_id = run_id
        self._handler = handler
        self._step = step
        self._wrapped = wrapped
        self._tasks: set[asyncio.Task[None]] = set()
        self._failures: list[BaseException] = []
        self._wake = asyncio.Event()
        self._running = asyncio.Event()
        self._running.set()
        self._replan = False

    async def follow(self, state: dict[str, Any], limit: asyncio.Timeout) -> dict[str, Any]:
        """Serve requests and stops, and re-read the run's state after every change until it reports done."""
        self._ctx.wake = self._wake
        unwatch = self._step.watch(self._plan_changed) if self._step is not None else None
        # Microtasks queued by the first eval run after it returns: look once more straight away.
        self._wake.set()
        try:
            while state["st"] == "pending":
                for request in state["reqs"]:
                    task = asyncio.create_task(self._serve(request))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                if state.get("halt") is not None:
                    await self._hold(state["halt"], limit)
                else:
                    await self._wake.wait()
                    self._wake.clear()
                    if self._replan:
                        await self._send_plan("plan")
                if self._failures:
                    raise self._failures[0]
                state = _state(await self._ctx.eval(f"__wb.take({self._run_id})"))
        finally:
            if unwatch is not None:
                unwatch()
        return state

    def _plan_changed(self) -> None:
        self._replan = True
        self._wake.set()

    async def _send_plan(self, command: str) -> None:
        assert self._step is not None
        self._replan = False
        await self._ctx.eval(f"__wb.{command}({self._run_id},{json.dumps(self._step.plan())})")

    async def _hold(self, raw: dict[str, Any], limit: asyncio.Timeout) -> None:
        """Let the step handler hold the code at a stop (the time limit waits meanwhile), then go on."""
        assert self._step is not None
        held = self._step.held
        when = limit.when()
        limit.reschedule(None)
        self._running.clear()
        try:
            await self._step.halt(_halt(raw, self._wrapped))
        finally:
            self._running.set()
            if when is not None:
                limit.reschedule(when + self._step.held - held)
        await self._send_plan("go")

    async def _serve(self, request: dict[str, Any]) -> None:
        try:
            ok, data = await self._call_handler(request["url"], request["options"])
            await self._running.wait()
            if self._replan:  # a stop or step asked for meanwhile reaches V8 before the code goes on
                await self._send_plan("plan")
            await self._ctx.eval(f"__wb.resume({self._run_id},{request['id']},{json.dumps(ok)},{data})")
        except Exception as exc:
            self._failures.append(exc)
        self._wake.set()

    async def _call_handler(self, url: str, options: dict[str, Any]) -> tuple[bool, str]:
        if self._handler is None:
            return False, json.dumps("fetch is not available: no fetch handler was given")
        try:
            response = await self._handler(url, options)
        except FetchError as exc:
            return False, json.dumps(str(exc))
        except Exception as exc:
            return False, json.dumps(internal_error(f"fetching {url}", exc))
        body = response.get("body", "")
        if isinstance(body, bytes):
            body = body.decode("utf-8", errors="replace")
        payload = {
            "status": int(response.get("status", 200)),
            "statusText": str(response.get("statusText", "")),
            "headers": {str(k): str(v) for k, v in dict(response.get("headers") or {}).items()},
            "body": "" if body is None else str(body),
        }
        return True, json.dumps(json.dumps(payload))

    def stop(self) -> None:
        """Forget outstanding requests (their promises stay pending in a finished run)."""
        if self._ctx.wake is self._wake:
            self._ctx.wake = None
        for task in list(self._tasks):
            task.cancel()


async def _salvage(ctx: RemoteContext, run_id: int) -> dict[str, Any] | None:
    """After a timeout, what the run sent and logged so far: V8 answers once the runaway eval was stopped.
    V8 that does not answer at once ignored the stop (a builtin such as `Array.prototype.fill` on a huge
    array), and its worker is ended rather than left to grow until V8 aborts."""
    try:
        async with asyncio.timeout(STOP_GRACE):
            state = _state(await ctx.eval(f"__wb.abort({run_id})"))
    except TimeoutError:
        ctx.abandon()
        return None
    except (RemoteError, WorkerLost):
        return None
    return state if state["st"] == "done" else None


def _halt(raw: dict[str, Any], wrapped: WrappedSource) -> Halt:
    """A stop as V8 reported it; an error's line comes from its stack (the innermost line of the code)."""
    error = _runtime_error(raw["error"], wrapped) if raw["error"] else None
    builder = raw["builder"]
    return Halt(
        where=raw["where"],
        line=error.line if error is not None and error.line is not None else raw["line"],
        function=raw["function"],
        depth=raw["depth"],
        locals=raw["locals"],
        builder={**builder, "messages": normalise_messages(builder["messages"])[0]},
        console=[(str(level), str(text)) for level, text in raw["console"]],
        error=error.message if error is not None else None,
    )


def _result(state: dict[str, Any], wrapped: WrappedSource, started: float) -> CodeResult:
    payload = state["payload"] if state["sent"] else None
    variables: dict[str, Any] = {}
    lines: dict[str, int] = {}
    messages: list[dict[str, Any]] = []
    problems: list[str] = []
    next_state = None
    oversize = _oversize(payload)
    if oversize is not None:
        payload = None
    if isinstance(payload, dict):
        for namespace, data, *line in _entries(payload.get("vars")):
            variables[str(namespace)] = data
            if line and isinstance(line[0], int):
                lines[str(namespace)] = line[0]
        messages, problems = normalise_messages(_entries(payload.get("msgs")))
        next_state = payload.get("next") if isinstance(payload.get("next"), str) else None
    # what the builder could not use is said where the code's author looks: in its console
    return CodeResult(
        sent=bool(state["sent"]),
        variables=variables,
        messages=messages,
        next_state=next_state,
        logs=[(str(level), str(text)) for level, text in state["logs"]] + [("warn", p) for p in problems],
        error=_runtime_error(state["error"], wrapped) if state["error"] else None,
        duration=time.perf_counter() - started,
        variable_lines=lines,
        oversize=oversize,
    )


def _oversize(payload: Any) -> Oversize | None:
    """The prelude's note of a `send()` too large to hand over, or None for any other payload."""
    if not isinstance(payload, dict) or type(payload.get("tooLarge")) is not int:
        return None
    name, message = payload.get("name"), payload.get("message")
    return Oversize(
        payload["tooLarge"],
        name if isinstance(name, str) else None,
        message if type(message) is int else None,
    )


def _entries(items: Any) -> list[list[Any]]:
    """The builder's recorded calls that have the shape the prelude gives them (a list of 2 or more)."""
    return [item for item in items if isinstance(item, list) and len(item) >= 2] if isinstance(items, list) else []


def _runtime_error(error: dict[str, Any], wrapped: WrappedSource) -> CodeError:
    name, message = error.get("name") or "", str(error.get("message", ""))
    line = column = None
    match = _STACK_POSITION.search(error.get("stack") or "")
    if match:
        line, column = wrapped.user_position(int(match[1]), int(match[2]))
    kind = "fetch" if error.get("fetch") else "runtime"
    return CodeError(kind, f"{name}: {message}" if name else message, line, column)


def _syntax_error(text: str, wrapped: WrappedSource) -> tuple[str, int | None, int | None]:
    """Message and user position of a V8 parse error ("<anonymous>:3: SyntaxError: …" plus a caret line)."""
    lines = text.split("\n")
    head = _PARSE_HEAD.match(lines[0])
    if head is None:
        return _esprima_error(wrapped) or (text.strip(), None, None)
    caret = lines[2].find("^") if len(lines) > 2 else -1
    line, column = wrapped.user_position(int(head[1]), caret + 1 if caret >= 0 else None)
    return head[2], line, column


def _esprima_error(wrapped: WrappedSource) -> tuple[str, int | None, int | None] | None:
    try:
        esprima.parseScript("(" + wrapped.text + ")")
    except esprima.Error as exc:
        line, column = wrapped.user_position(exc.lineNumber, exc.column)
        message = re.sub(r"^Line \d+: ", "", str(exc.message))
        return f"SyntaxError: {message}", line, column
    return None
