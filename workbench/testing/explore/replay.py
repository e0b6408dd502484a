"""Replaying a path in the real engine: a `Conversation` on the flow, its HTTP answered by plan.

`Player` keeps what replays share (one JavaScript sandbox, one HTTP client whose transport is the replay's
plan) and plays one path at a time. `Played` is what the search and the suite writer read of the result: the event
log, where the input of the last move began in it, the session, and the HTTP answers given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.sandbox import Sandbox
from workbench.engine.session import Session
from workbench.flow.model import Flow
from workbench.testing.explore.http_plan import Answered, PlannedTransport
from workbench.testing.explore.paths import Move, Path

IFRAME_ORIGIN = "explore"


@dataclass(frozen=True, slots=True)
class Played:
    """The outcome of replaying a path: the conversation's events, the index in them where the last move's
    input began (0 for the empty path), the session at the end and every HTTP answer given on the way."""

    path: Path
    events: tuple[ev.Event, ...]
    last_turn: int
    session: Session
    answered: tuple[Answered, ...]

    @property
    def state(self) -> str:
        """The state the conversation is in at the end."""
        return self.session.current_state or ""

    def turn_events(self) -> tuple[ev.Event, ...]:
        """The events of the last move's turn (of the start, for the empty path)."""
        return self.events[self.last_turn :]


class _Delegate(httpx.AsyncBaseTransport):
    """The HTTP client's transport: whichever plan the replay in progress set."""

    def __init__(self) -> None:
        self.plan: PlannedTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.plan is None:
            raise httpx.ConnectError("no replay in progress")
        return await self.plan.handle_async_request(request)


class Player:
    """Plays paths on `flow` from `start` with starting `variables`, one at a time; `aclose` when done."""

    def __init__(self, flow: Flow, *, start: str | None = None, variables: Mapping[str, Any] | None = None) -> None:
        self.flow = flow
        self.start = start
        self.variables = dict(variables or {})
        self.sandbox = Sandbox()
        self._transport = _Delegate()
        self._client = httpx.AsyncClient(transport=self._transport, trust_env=False)
        self.replays = 0
        self.turns = 0

    async def play(self, path: Path) -> Played:
        """Replay `path` from the start in a fresh conversation."""
        plan = PlannedTransport(self.flow, path.failing)
        self._transport.plan = plan
        conversation = Conversation(self.flow, variables=self.variables, http=self._client, sandbox=self.sandbox)
        conversation.subscribe(plan.observe)
        try:
            await conversation.start(self.start)
            last_turn = 0
            for move in path.moves:
                last_turn = len(conversation.events)
                await _send(conversation, move)
            self.replays += 1
            self.turns += len(path.moves) + 1
            return Played(path, tuple(conversation.events), last_turn, conversation.session, tuple(plan.answered))
        finally:
            self._transport.plan = None
            await conversation.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client and the sandbox."""
        await self._client.aclose()
        await self.sandbox.close()


async def _send(conversation: Conversation, move: Move) -> None:
    if move.kind == "text":
        await conversation.send_text(move.value)
    elif move.kind == "click":
        await conversation.press(move.value)
    elif move.kind == "iframe":
        await conversation.post_message({"target": "CL_API", **move.value}, IFRAME_ORIGIN)
    elif move.kind == "agent":
        await conversation.agent_reply(move.value)
    else:
        await conversation.hand_back(move.value)
