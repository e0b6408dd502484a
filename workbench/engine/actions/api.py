"""The API action: one HTTP call, its answer applied in Chatlayer's format.

Request: `method`, `url` (a template), `query`, `headers` and `body` (values are literals, templates,
`{var: path}` or `{state: name}`), `auth` (`{type: basic, username, password}` or `{type: bearer, token}`,
values are templates) and `timeout` in seconds. A mapping or list body is sent as JSON, a string as text.

Response, applied in Chatlayer's order when the call succeeds:
1. `session: {namespace, data}`: `data` becomes the variable named `namespace` (replacing it). A `session`
   object without `namespace`/`data` keys sets each of its top-level keys as a variable.
2. `save: {variable: path.in[0].json}` from the flow: parts of any JSON response (a path that is not there
   sets nothing and gives an `EngineWarning`).
3. `messages: [{type, config}]`: bot messages (see `chatlayer_messages`); one that cannot be shown is skipped
   with an `EngineWarning` saying which and why, and the rest still applies; at most 100 per response
   (`output_caps`), the rest left out with a warning.
4. `action: {nextDialogstate}`: where to jump; without it the state's `next` is followed.

Connection refused, a timeout, a non-2xx status, a body larger than 5 MB or one that is not strict JSON (see
`http_port.HttpResult.json`: invalid text, `NaN`, nested too deeply), and a `nextDialogstate` that names no
dialog state fail the action: no variable changes and no messages, an `EngineError`, then
`ActionFinished(ok=False)` (the conversation goes to `on_error` or `error_occurred`). An empty body (e.g. 204)
is a success with nothing to apply. A variable the session cannot hold (`session.namespace` of `arr[3000000]`)
is not set, with an `EngineWarning` that says why.
"""

from __future__ import annotations

import base64
import dataclasses
import itertools
from typing import Any

from workbench.engine import chatlayer_messages, http_port
from workbench.engine import events as ev
from workbench.engine.actions.base import ActionContext
from workbench.engine.actions.message import from_dict
from workbench.engine.actions.output_caps import cap_messages
from workbench.engine.chatlayer_messages import json_text
from workbench.engine.session import get_path, write_refusal
from workbench.flow import template
from workbench.flow.build import quoted, value_kind
from workbench.flow.model import BUILTIN_STATE_NAMES, ApiAction
from workbench.flow.paths import PathError, parse_path

METHODS: frozenset[str] = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
_MISSING = object()


class RequestError(ValueError):
    """The action's request cannot be built (unknown method or auth type)."""


class ResponseError(ValueError):
    """A response that fails the action as a whole (it names no dialog state to go to, for one)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Request:
    """The action's request with every template rendered."""

    method: str
    url: str
    params: dict[str, Any]
    headers: dict[str, str]
    content: str | None = None
    json_body: Any = None


def _param(value: Any) -> Any:
    if isinstance(value, list):
        return [template.to_text(v) for v in value]
    return template.to_text(value)


def _auth_header(ctx: ActionContext, auth: dict[str, Any]) -> str:
    kind = str(auth.get("type", "")).lower()
    if kind == "basic":
        username = template.to_text(ctx.render_value(auth.get("username", "")))
        password = template.to_text(ctx.render_value(auth.get("password", "")))
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        return f"Basic {token}"
    if kind == "bearer":
        return f"Bearer {template.to_text(ctx.render_value(auth.get('token', '')))}"
    raise RequestError(f"unknown auth type {quoted(auth.get('type'))} (use basic or bearer)")


def build_request(ctx: ActionContext, api: ApiAction) -> Request:
    """Render the action's request; template warnings collect in `ctx.warnings`."""
    method = api.method.upper()
    if method not in METHODS:
        raise RequestError(f"unknown method '{api.method}' (use {', '.join(sorted(METHODS))})")
    url = ctx.render(api.url)
    params = {str(k): _param(ctx.render_value(v)) for k, v in api.query.items()}
    headers = {str(k): template.to_text(ctx.render_value(v)) for k, v in api.headers.items()}
    if api.auth:
        headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        headers["Authorization"] = _auth_header(ctx, api.auth)
    if api.body is None:
        return Request(method, url, params, headers)
    if isinstance(api.body, str):
        return Request(method, url, params, headers, content=ctx.render(api.body))
    return Request(method, url, params, headers, json_body=ctx.render_value(api.body))


class _Writes:
    """The variables this action sets, written as the session will apply them into a view of it of their own
    (`seen`), so that each `VariableChanged.previous` is the value the session holds once the writes before it
    are applied, and a write the session would refuse then is refused now, with the reason."""

    def __init__(self, ctx: ActionContext, detail: str) -> None:
        self.ctx = ctx
        self.detail = detail
        # A shallow copy of the session's variables. A write copies the objects and lists on its way down the
        # first time it passes them (the session's own and the response's values are never changed): `owned`
        # holds those copies, by id, and keeps them alive so that no other object can take an id of theirs.
        self.seen: dict[str, Any] = dict(ctx.session.variables)
        self.owned: dict[int, Any] = {id(self.seen): self.seen}
        self.events: list[ev.Event] = []

    def _own(self, container: Any) -> dict[str, Any] | list[Any]:
        """A copy of `container` (a list or an object) that this action may change."""
        mine: dict[str, Any] | list[Any] = list(container) if isinstance(container, list) else dict(container)
        self.owned[id(mine)] = mine
        return mine

    def _write(self, parts: tuple[str | int, ...], value: Any) -> None:
        """`value` at `parts` in `seen`, as `session.set_path` writes it (which `write_refusal` has allowed)."""
        cur: Any = self.seen
        for part, nxt in itertools.pairwise(parts):
            child = get_path(cur, (part,))
            if id(child) not in self.owned:
                # What is not an object or a list is replaced by a new, empty one, as `set_path` does.
                child = self._own(child if isinstance(child, dict | list) else [] if isinstance(nxt, int) else {})
                _assign(cur, part, child)
            cur = child
        _assign(cur, parts[-1], value)

    def set(self, name: str, value: Any, what: str) -> None:
        state = self.ctx.state.name
        try:
            parts = parse_path(name)
        except PathError as exc:
            self.events.append(ev.EngineWarning(message=f"{what}: {exc}; not set", state=state))
            return
        if parts[0] == "internal":
            self.events.append(
                ev.EngineWarning(message=f"{what}: '{name}' is read-only (internal.*), not set", state=state)
            )
            return
        refusal = write_refusal(self.seen, name)
        if refusal is not None:
            self.events.append(ev.EngineWarning(message=f"{what}: {refusal}; not set", state=state))
            return
        self.events.append(
            ev.VariableChanged(
                name=name,
                value=value,
                previous=get_path(self.seen, parts),
                origin="api",
                state=state,
                detail=self.detail,
            )
        )
        self._write(parts, value)


def _assign(container: Any, part: str | int, value: Any) -> None:
    if isinstance(part, int):  # `write_refusal` allows at most `MAX_GROWTH` past the end: pad with nulls
        container.extend([None] * (part + 1 - len(container)))
    container[part] = value


def _apply_session(writes: _Writes, session: Any) -> None:
    if not isinstance(session, dict):
        writes.events.append(
            ev.EngineWarning(message="response 'session' is not an object; ignored", state=writes.ctx.state.name)
        )
        return
    if "namespace" in session or "data" in session:
        namespace = session.get("namespace")
        data = session.get("data")
        if isinstance(namespace, str) and namespace:
            writes.set(namespace, data, "response session")
            return
        if namespace:
            writes.events.append(
                ev.EngineWarning(
                    message=f"response session.namespace is {value_kind(namespace)}, not a variable name; ignored",
                    state=writes.ctx.state.name,
                )
            )
            return
        if isinstance(data, dict):
            session = data
        else:
            writes.events.append(
                ev.EngineWarning(
                    message="response 'session' has no namespace and its data is not an object; ignored",
                    state=writes.ctx.state.name,
                )
            )
            return
    for name, value in session.items():
        writes.set(str(name), value, "response session")


def _lookup(data: Any, path: str) -> Any:
    """`path` inside the JSON response; a path starting with `[0]` indexes a top-level list."""
    if path.startswith("["):
        return get_path({"_": data}, "_" + path, _MISSING)
    return get_path(data, path, _MISSING)


def _apply_save(writes: _Writes, save: dict[str, str], data: Any) -> None:
    state = writes.ctx.state.name
    for name, path in save.items():
        try:
            value = _lookup(data, str(path))
        except PathError as exc:
            writes.events.append(ev.EngineWarning(message=f"save: {exc} in the response", state=state))
            continue
        if value is _MISSING:
            writes.events.append(
                ev.EngineWarning(message=f"save: '{path}' is not in the response; {name} not set", state=state)
            )
            continue
        writes.set(name, value, "save")


def _messages(ctx: ActionContext, messages: Any) -> list[ev.Event]:
    state = ctx.state.name
    out: list[ev.Event] = []
    if isinstance(messages, list):
        messages, out = cap_messages(messages, f"the API response of state '{state}'", state)
    normalised, problems = chatlayer_messages.normalise_all(messages)
    out += [ev.EngineWarning(message=f"response {p}", state=state) for p in problems]
    out.extend(from_dict(state, m) for m in normalised)
    return out


def _jump(ctx: ActionContext, action: Any) -> tuple[str | None, list[ev.Event]]:
    """The state `action.nextDialogstate` names (a name, or `{name}` / `{id}`); raises `ResponseError` when it
    names none of the flow's dialog states."""
    if action is None:
        return None, []
    target = action.get("nextDialogstate") if isinstance(action, dict) else None
    if target is None:
        if isinstance(action, dict) and not action:
            return None, []
        warning = ev.EngineWarning(message="response 'action' has no nextDialogstate; ignored", state=ctx.state.name)
        return None, [warning]
    named = target.get("name") or target.get("id") if isinstance(target, dict) else target
    if named in (None, ""):
        return None, []
    if not isinstance(named, str):
        raise ResponseError(f"the response's action.nextDialogstate is {value_kind(named)}, not a dialog state name")
    if named not in ctx.flow.states and named not in BUILTIN_STATE_NAMES:
        raise ResponseError(f"the response's action.nextDialogstate {json_text(named)} is no dialog state of this flow")
    return named, []


def apply_response(ctx: ActionContext, api: ApiAction, data: Any, detail: str) -> tuple[list[ev.Event], str | None]:
    """The events a successful response produces, in Chatlayer's order, and the state to jump to, if any;
    raises `ResponseError` (before anything applies) for a response that fails the action."""
    writes = _Writes(ctx, detail)
    chatlayer = data if isinstance(data, dict) else {}
    jump, problems = _jump(ctx, chatlayer.get("action"))
    if "session" in chatlayer and chatlayer["session"] is not None:
        _apply_session(writes, chatlayer["session"])
    _apply_save(writes, api.save, data)
    events = writes.events
    if chatlayer.get("messages") is not None:
        events += _messages(ctx, chatlayer["messages"])
    return events + problems, jump


def _fail(ctx: ActionContext, events: list[ev.Event], problem: str, where: str) -> list[ev.Event]:
    message = f"API call of state '{ctx.state.name}' failed: {problem} ({where})"
    events.append(ev.EngineError(error="api", message=message, state=ctx.state.name))
    events.append(ctx.finished("api", ok=False, error=message))
    return events


def _status_problem(result: http_port.HttpResult) -> str:
    problem = f"HTTP {result.status}"
    body = result.text().strip()
    if body:
        problem += f": {body[:200]}"
    return problem


async def run(ctx: ActionContext) -> list[ev.Event]:
    """The `api` kind: call the backend and apply its answer (see the module docstring)."""
    api = ctx.state.api
    events: list[ev.Event] = [ev.ActionStarted(state=ctx.state.name, action="api")]
    if api is None:
        return _fail(ctx, events, "the state has no api action", "no request")
    try:
        request = build_request(ctx, api)
    except RequestError as exc:
        events += ctx.warnings
        ctx.warnings.clear()
        return _fail(ctx, events, str(exc), api.url)
    events += ctx.warnings
    ctx.warnings.clear()
    where = f"{request.method} {request.url}"
    if ctx.ports is None or ctx.ports.http is None:
        return _fail(ctx, events, "no HTTP client is available", where)

    result = await http_port.perform(
        ctx.ports.http,
        method=request.method,
        url=request.url,
        headers=request.headers,
        params=request.params or None,
        content=request.content,
        json_body=request.json_body,
        timeout=api.timeout,
        state=ctx.state.name,
        source="api",
    )
    exchange = result.exchange
    where = f"{request.method} {exchange.url}"
    if result.error is not None:
        events.append(exchange)
        return _fail(ctx, events, result.error, where)
    if not result.ok:
        problem = _status_problem(result)
        events.append(dataclasses.replace(exchange, error=problem))
        return _fail(ctx, events, problem, where)
    data: Any = None
    if result.body and result.body.strip():
        try:
            data = result.json()
        except http_port.BodyError as exc:
            events.append(dataclasses.replace(exchange, error=str(exc)))
            return _fail(ctx, events, str(exc), where)
    events.append(exchange)
    try:
        applied, jump = apply_response(ctx, api, data, f"{request.method} {request.url}")
    except ResponseError as exc:
        return _fail(ctx, events, str(exc), where)
    events += applied
    events += ctx.warnings
    ctx.warnings.clear()
    events.append(ctx.finished("api", ok=True, jump=jump, result={"status": result.status}))
    return events


__all__ = ["METHODS", "Request", "RequestError", "ResponseError", "apply_response", "build_request", "run"]
