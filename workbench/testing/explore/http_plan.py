"""Canned HTTP for exploration: every API action and `fetch` answered by plan, success or failure per state.

`success_body` derives what a successful answer looks like to each state that makes requests:
- an API action with `save:` gets a JSON body with a value at each saved path (`save: {ticket_id: booking.id}` →
  `{"booking": {"id": "ticket_id-1"}}`);
- an API action without `save:` gets Chatlayer's `{session: {namespace, data}}` form, filling the first variable
  the flow reads that nothing sets (`booking.ticket_id` in a later template → namespace `booking`);
- a code action gets, for the object its `await response.json()` is assigned to, a number at each property the
  code reads (`route.distance_km` → `{"distance_km": 100}`).
A failure is HTTP 500. `PlannedTransport` answers each request for the state that is running (from the
conversation's `StateEntered` events) and keeps every answer it gave, for the suite writer's `http:` entries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

from workbench.engine import events as ev
from workbench.flow.model import Flow, State
from workbench.testing.explore.reads import response_namespaces

FAILURE_STATUS = 500
FAILURE_BODY = "the explorer's canned failure"
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


def success_body(flow: Flow, state: State) -> Any:
    """The JSON a successful answer to `state`'s requests carries (see the module docstring)."""
    if state.api is not None and state.api.save:
        return _nested(state.api.save)
    if state.api is not None:
        namespaces = response_namespaces(flow)
        if not namespaces:
            return {}
        namespace, paths = next(iter(namespaces.items()))
        data = {path: f"{path}-1" for path in paths if "." not in path and "[" not in path}
        return {"session": {"namespace": namespace, "data": data}}
    if state.code is not None:
        return _code_body(state.code.source)
    return {}


class Responses:
    """The success bodies of one flow's states, each derived once (`success_body` walks the whole flow)."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self._bodies: dict[str, str] = {}

    def success(self, state: State) -> tuple[Any, bytes]:
        """`state`'s success body, as JSON data (a fresh copy) and as the bytes sent."""
        text = self._bodies.get(state.name)
        if text is None:
            text = self._bodies[state.name] = json.dumps(success_body(self.flow, state))
        return json.loads(text), text.encode()


class PlannedTransport(httpx.AsyncBaseTransport):
    """Answers requests by plan: success for every state except those in `failing`, which get HTTP 500."""

    def __init__(
        self,
        responses: Responses,
        failing: frozenset[str],
        *,
        running: str | None = None,
        answered: tuple[Answered, ...] = (),
    ) -> None:
        """A plan from the start, or (`running`, `answered`) one going on from a point of a conversation."""
        self.flow = responses.flow
        self.responses = responses
        self.failing = failing
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
        body, content = self.responses.success(state)
        self.answered.append(Answered(state_name, method, url, 200, body))
        return httpx.Response(200, content=content, request=request, headers={"content-type": "application/json"})
