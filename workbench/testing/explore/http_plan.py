"""Canned HTTP for exploration: every API action and `fetch` answered by plan, success or failure per state.

`success_body` derives what a successful answer looks like to each state that makes requests:
- an API action with `save:` gets a JSON body with a value at each saved path (`save: {ticket_id: booking.id}` →
  `{"booking": {"id": "ticket_id-1"}}`);
- an API action without `save:` gets Chatlayer's `{session: {namespace, data}}` form, filling the first variable
  the flow reads that nothing sets (`booking.ticket_id` in a later template → namespace `booking`);
- a code action gets, for the object its `await response.json()` is assigned to, a number at each property the
  code reads (`route.distance_km` → `{"distance_km": 100}`).
A failure is HTTP 500. An API action also gets Chatlayer's full `{session, messages, action}` response
(`chatlayer_body`, the format of the API action's documentation: session variables set first, then the messages,
then the jump to `action.nextDialogstate`): one per dialog state its request names with a `{state: name}` value
(the documented way of telling the backend where it may send the user), or, for an action with `save:` and no such
value, one that only sets the session. `PlannedTransport` answers each request for the state that is running (from
the conversation's `StateEntered` events) and keeps every answer it gave, for the suite writer's `http:` entries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from workbench.engine import events as ev
from workbench.flow.model import Flow, State
from workbench.testing.explore.reads import response_namespaces

FAILURE_STATUS = 500
FAILURE_BODY = "the explorer's canned failure"
CHATLAYER_TEXT = "The explorer's canned answer."
"""The text message every Chatlayer response of the plan carries."""
NUMBER = 100
_JSON_RESULT = re.compile(r"(?:const|let|var)\s+(\w+)\s*=\s*await\s+\w+\.json\(\)")


@dataclass(frozen=True, slots=True)
class Answered:
    """One request the plan answered: where, what, and with which status and JSON (None for the failure text)."""

    state: str
    method: str
    url: str
    status: int
    json: Any


def _nested(paths: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for variable, path in sorted(paths.items(), key=lambda item: item[1]):
        *parents, leaf = path.split(".")
        node = body
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = f"{variable}-1"
    return body


def _code_body(source: str) -> dict[str, Any]:
    found = _JSON_RESULT.search(source)
    if found is None:
        return {}
    props = re.findall(rf"\b{re.escape(found.group(1))}\.(\w+)", source)
    return dict.fromkeys(sorted(set(props)), NUMBER)


def _session(flow: Flow) -> dict[str, Any] | None:
    """Chatlayer's `{namespace, data}` filling the first variable the flow reads that nothing sets, if any."""
    namespaces = response_namespaces(flow)
    if not namespaces:
        return None
    namespace, paths = next(iter(namespaces.items()))
    return {
        "namespace": namespace,
        "data": {path: f"{path}-1" for path in paths if "." not in path and "[" not in path},
    }


def success_body(flow: Flow, state: State) -> Any:
    """The JSON a successful answer to `state`'s requests carries (see the module docstring)."""
    if state.api is not None and state.api.save:
        return _nested(state.api.save)
    if state.api is not None:
        session = _session(flow)
        return {} if session is None else {"session": session}
    if state.code is not None:
        return _code_body(state.code.source)
    return {}


def _state_values(value: Any) -> Iterator[str]:
    """The state names of the `{state: name}` values inside a request's query, headers or body."""
    if isinstance(value, Mapping):
        if set(value) == {"state"} and isinstance(value["state"], str):
            yield value["state"]
            return
        for item in value.values():
            yield from _state_values(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _state_values(item)


def chatlayer_targets(flow: Flow, state: State) -> tuple[str, ...]:
    """Where Chatlayer responses to `state`'s API action jump, sorted ("" for one that only sets the session);
    none for a state without an API action, or when the plain success is that response already."""
    if state.api is None:
        return ()
    api = state.api
    named = {name for part in (api.query, api.headers, api.body) for name in _state_values(part)}
    targets = tuple(sorted(name for name in named if name in flow.states))
    if targets:
        return targets
    return ("",) if api.save and _session(flow) is not None else ()


def chatlayer_body(flow: Flow, state: State, target: str) -> dict[str, Any]:
    """A Chatlayer response to `state`'s API action: the saved paths, the session the flow reads, a text message,
    and the jump to `target` (none for "")."""
    body: dict[str, Any] = _nested(state.api.save) if state.api is not None else {}
    session = _session(flow)
    if session is not None:
        body["session"] = session
    body["messages"] = [{"type": "text", "config": {"textMessages": [{"text": CHATLAYER_TEXT}]}}]
    if target:
        body["action"] = {"nextDialogstate": target}
    return body


class Responses:
    """The answers to one flow's states, each derived once (`success_body` walks the whole flow)."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self._bodies: dict[tuple[str, str | None], str] = {}
        self._targets: dict[str, tuple[str, ...]] = {}

    def success(self, state: State) -> tuple[Any, bytes]:
        """`state`'s success body, as JSON data (a fresh copy) and as the bytes sent."""
        return self._body(state, None)

    def chatlayer(self, state: State, target: str) -> tuple[Any, bytes]:
        """`state`'s Chatlayer response jumping to `target`, as JSON data (a fresh copy) and as the bytes sent."""
        return self._body(state, target)

    def targets(self, state: State) -> tuple[str, ...]:
        """`chatlayer_targets` of `state`."""
        if state.name not in self._targets:
            self._targets[state.name] = chatlayer_targets(self.flow, state)
        return self._targets[state.name]

    def _body(self, state: State, target: str | None) -> tuple[Any, bytes]:
        key = (state.name, target)
        text = self._bodies.get(key)
        if text is None:
            data = success_body(self.flow, state) if target is None else chatlayer_body(self.flow, state, target)
            text = self._bodies[key] = json.dumps(data)
        return json.loads(text), text.encode()


class PlannedTransport(httpx.AsyncBaseTransport):
    """Answers requests by plan: HTTP 500 for the states in `failing`, a Chatlayer response for those in
    `chatlayer` (state → where it jumps), success for every other state."""

    def __init__(
        self,
        responses: Responses,
        failing: frozenset[str],
        chatlayer: Mapping[str, str] | None = None,
        *,
        running: str | None = None,
        answered: tuple[Answered, ...] = (),
    ) -> None:
        """A plan from the start, or (`running`, `answered`) one going on from a point of a conversation."""
        self.flow = responses.flow
        self.responses = responses
        self.failing = failing
        self.chatlayer = dict(chatlayer or {})
        self.running = running
        self.answered: list[Answered] = list(answered)

    def observe(self, event: ev.Event) -> None:
        """Follow the conversation's events to know which state's action is making requests."""
        if isinstance(event, ev.StateEntered):
            self.running = event.state

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        state_name = self.running or ""
        state = self.flow.states.get(state_name)
        method, url = request.method, str(request.url)
        if state is None or state_name in self.failing:
            self.answered.append(Answered(state_name, method, url, FAILURE_STATUS, None))
            return httpx.Response(FAILURE_STATUS, text=FAILURE_BODY, request=request)
        if state_name in self.chatlayer:
            body, content = self.responses.chatlayer(state, self.chatlayer[state_name])
        else:
            body, content = self.responses.success(state)
        self.answered.append(Answered(state_name, method, url, 200, body))
        return httpx.Response(200, content=content, request=request, headers={"content-type": "application/json"})
