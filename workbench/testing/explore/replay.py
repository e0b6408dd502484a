"""Replaying a path in the real engine: a `Conversation` on the flow, its HTTP answered by plan.

`Player` keeps what replays share (one JavaScript sandbox, one HTTP client whose transport is the replay's
plan) and plays one path at a time. `Played` is what the search and the suite writer read of the result: the event
log, where the input of the last move began in it, the session, and the HTTP answers given.

A path whose parent was `keep`-t is not replayed from the start: its parent's conversation is rewound to the
parent's end (`Conversation.rewind`, a new branch of its timeline) and only the last input is sent, so a search
runs one turn per path instead of the whole path. The `Rewound` bookkeeping is left out of `Played.events`, which
are what a replay from the start gives. A fork keeps its conversation's V8 realm (a new realm per fork cost more
than the turn itself): the sandbox already gives a realm a run left polluted (prototypes, globals) a fresh one,
and every written conversation is replayed from the start before the command ends (`verify`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.sandbox import Sandbox
from workbench.engine.session import Session
from workbench.flow.model import Flow
from workbench.testing.explore.http_plan import Answered, PlannedTransport, Responses
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

    def observe(self, event: ev.Event) -> None:
        """Pass a conversation's event to the plan in use."""
        if self.plan is not None:
            self.plan.observe(event)


@dataclass(slots=True)
class _Fork:
    """Where a kept path ended: its events (as from the start), its conversation, the branch and the point there,
    the plan's state then, and how many children are still to be played from it."""

    events: tuple[ev.Event, ...]
    conversation: Conversation
    branch: int
    at: int
    running: str | None
    answered: tuple[Answered, ...]
    left: int


_PathKey = tuple[tuple[tuple[str, str], ...], frozenset[str], frozenset[tuple[str, str]]]


def _key(path: Path) -> _PathKey:
    """A path as a dictionary key (a move's value may be a dict)."""
    return tuple((move.kind, repr(move.value)) for move in path.moves), path.failing, path.chatlayer


class Player:
    """Plays paths on `flow` from `start` with starting `variables`, one at a time; `aclose` when done."""

    def __init__(self, flow: Flow, *, start: str | None = None, variables: Mapping[str, Any] | None = None) -> None:
        self.flow = flow
        self.start = start
        self.variables = dict(variables or {})
        self.sandbox = Sandbox()
        self._responses = Responses(flow)
        self._transport = _Delegate()
        self._client = httpx.AsyncClient(transport=self._transport, trust_env=False)
        self._forks: dict[_PathKey, _Fork] = {}
        self._holding: Counter[int] = Counter()  # forks kept per conversation (by id)
        self._last: tuple[Path, Conversation, PlannedTransport] | None = None
        self.replays = 0
        self.turns = 0

    async def play(self, path: Path) -> Played:
        """Replay `path`: from its kept parent's end when there is one, else from the start."""
        await self._close_unused()
        parent = _key(path.parent) if path.parent is not None else None
        fork = self._forks.get(parent) if parent is not None else None
        if fork is None:
            conversation = Conversation(self.flow, variables=self.variables, http=self._client, sandbox=self.sandbox)
            conversation.subscribe(self._transport.observe)
            plan = PlannedTransport(self._responses, path.failing, dict(path.chatlayer))
        else:
            conversation = fork.conversation
            plan = PlannedTransport(
                self._responses, path.failing, dict(path.chatlayer), running=fork.running, answered=fork.answered
            )
        self._transport.plan = plan
        self._last = (path, conversation, plan)
        try:
            if fork is None:
                events, last_turn = await self._from_start(conversation, path)
            else:
                events, last_turn = await self._from_fork(fork, path)
                fork.left -= 1
                if fork.left == 0:
                    del self._forks[parent]  # type: ignore[arg-type]
                    self._holding[id(conversation)] -= 1
        finally:
            self._transport.plan = None
        self.replays += 1
        return Played(path, events, last_turn, conversation.session, tuple(plan.answered))

    def outcomes(self, played: Played) -> list[Path]:
        """`played`'s path with the requests its last input made answered otherwise, state by state in name order:
        each Chatlayer response the state's API action can get, then HTTP failure (to reach `on_error`)."""
        path = played.path
        requested = {
            e.state
            for e in played.turn_events()
            if isinstance(e, ev.HttpExchange) and e.state and e.state not in path.answered and e.status == 200
        }
        found: list[Path] = []
        for name in sorted(requested):
            state = self.flow.states.get(name)
            targets = self._responses.targets(state) if state is not None else ()
            found += [path.chatlayer_at(name, target) for target in targets]
            found.append(path.failing_at(name))
        return found

    def keep(self, played: Played, children: int) -> None:
        """Keep the conversation `played` (the last path played) ended in, for `children` paths that extend it."""
        assert self._last is not None and self._last[0] == played.path
        _, conversation, plan = self._last
        at = len(conversation.events)
        branch = conversation.timeline.current.id
        self._holding[id(conversation)] += 1
        self._forks[_key(played.path)] = _Fork(
            played.events, conversation, branch, at, plan.running, tuple(plan.answered), children
        )

    async def _from_start(self, conversation: Conversation, path: Path) -> tuple[tuple[ev.Event, ...], int]:
        await conversation.start(self.start)
        last_turn = 0
        for move in path.moves:
            last_turn = len(conversation.events)
            await _send(conversation, move)
        self.turns += len(path.moves) + 1
        return tuple(conversation.events), last_turn

    async def _from_fork(self, fork: _Fork, path: Path) -> tuple[tuple[ev.Event, ...], int]:
        conversation = fork.conversation
        current = conversation.timeline.current
        if current.id != fork.branch and not (current.parent == fork.branch and current.fork == fork.at):
            await conversation.switch_branch(fork.branch)
        await conversation.rewind(fork.at)
        resumed = len(conversation.events)  # after Rewound (and the language it speaks there, if it changed)
        await _send(conversation, path.moves[-1])
        self.turns += 1
        return (*fork.events, *conversation.events[resumed:]), len(fork.events)

    async def _close_unused(self) -> None:
        """Close the last conversation when no kept path needs it any more."""
        if self._last is not None and self._holding[id(self._last[1])] <= 0:
            await self._last[1].aclose()
        self._last = None

    async def aclose(self) -> None:
        """Close the conversations still open, the HTTP client and the sandbox."""
        await self._close_unused()
        open_ = {id(fork.conversation): fork.conversation for fork in self._forks.values()}
        self._forks.clear()
        self._holding.clear()
        for conversation in open_.values():
            await conversation.aclose()
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
