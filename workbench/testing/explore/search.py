"""The search: breadth first over the inputs of a flow, from its start, each path replayed in the real engine.

Each path is played (on from its parent's end: `replay.Player`), what it covers is added up (`FlowCoverage`, the
same counting as `workbench test --coverage`), and a path that reached a state or a transition no shorter path
reached is kept. Where the path ends is its node: (state, what the conversation waits for, failed attempts (up to
the count after which every failure is handled alike), offloaded, contexts, the buttons shown, the values of the
variables conditions read, and which variables templates read are set). A node seen before is not expanded again,
so the search ends; breadth first, so every kept path is a shortest one. For each state whose requests the last
input made, the same path with those requests failing is tried too (`on_error`).

The search ends when every state, declared transition and intent has been reached, or when no new node is left.
The budget (`Budget`) bounds the conversations replayed, the inputs in one conversation and the wall-clock time;
when it runs out the search stops and says so.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workbench.engine import events as ev
from workbench.engine.actions.input import MAX_FAILURES
from workbench.flow.model import Flow
from workbench.testing.coverage import FlowCoverage
from workbench.testing.explore.moves import MoveMaker
from workbench.testing.explore.paths import Path
from workbench.testing.explore.reads import condition_roots, root, template_paths
from workbench.testing.explore.replay import Played, Player

Progress = Callable[["Exploration"], None]


@dataclass(frozen=True, slots=True)
class Budget:
    """How far the search may go: conversations replayed, inputs in one conversation, seconds of wall clock."""

    conversations: int = 5000
    turns: int = 40
    seconds: float = 300.0


@dataclass(frozen=True, slots=True)
class Kept:
    """A path worth a conversation: its replay, and what it reached first (`state x`, `a → b (why)`)."""

    played: Played
    reached: tuple[str, ...]


@dataclass
class Exploration:
    """What the search did: the kept paths (shortest first), the coverage of every replay, and why it stopped
    early (`stopped`, empty when it ran out of new nodes)."""

    flow: Flow
    coverage: FlowCoverage
    kept: list[Kept] = field(default_factory=list)
    replays: int = 0
    turns: int = 0
    seconds: float = 0.0
    stopped: str = ""
    nodes: int = 0


def _reached(coverage: FlowCoverage) -> set[str]:
    states = {f"state {name}" for name, hits in coverage.states.items() if hits}
    edges = {f"transition {key!r}" for key, edge in coverage.edges.items() if edge.hits}
    return states | edges


def _newly(coverage: FlowCoverage, events: tuple[ev.Event, ...]) -> tuple[str, ...]:
    """What `events` cover that `coverage` did not (recording them into it)."""
    before = _reached(coverage)
    coverage.record(events)
    return tuple(sorted(_reached(coverage) - before))


class _Keys:
    """The node a replay ends at (see the module docstring)."""

    def __init__(self, flow: Flow) -> None:
        self.conditions = tuple(sorted(condition_roots(flow)))
        self.templates = tuple(sorted({root(p) for p in template_paths(flow)} - set(self.conditions)))

    def key(self, played: Played) -> tuple[Any, ...]:
        session = played.session
        values = tuple(json.dumps(session.get(name), sort_keys=True, default=str) for name in self.conditions)
        present = tuple(session.has(name) for name in self.templates)
        agent = any(isinstance(e, ev.AgentMessage) for e in played.events) if session.offloaded else False
        return (
            played.state,
            session.waiting,
            # From MAX_FAILURES - 1 failures on, the next failure gives up (or, with no give_up, retries) the same.
            min(session.ask_failures, MAX_FAILURES - 1),
            session.offloaded,
            agent,
            tuple(sorted(session.contexts.items())),
            tuple(choice.title for choice in session.choices),
            values,
            present,
        )


async def explore(
    flow: Flow,
    *,
    budget: Budget = Budget(),
    variables: dict[str, Any] | None = None,
    progress: Progress | None = None,
    every: int = 25,
) -> Exploration:
    """Search `flow` from its start state; `progress` is called every `every` replays and at the end."""
    began = time.monotonic()
    result = Exploration(flow, FlowCoverage.for_flow(flow))
    maker, keys = MoveMaker(flow), _Keys(flow)
    player = Player(flow, variables=variables)
    queue: deque[Path] = deque([Path()])
    seen: set[tuple[Any, ...]] = set()
    try:
        while queue:
            if result.replays >= budget.conversations:
                result.stopped = f"the budget of {budget.conversations} conversations ran out"
                break
            if time.monotonic() - began >= budget.seconds:
                result.stopped = f"the budget of {budget.seconds:g} seconds ran out"
                break
            path = queue.popleft()
            played = await player.play(path)
            result.replays, result.turns = player.replays, player.turns
            reached = _newly(result.coverage, played.events)
            if reached:
                result.kept.append(Kept(played, reached))
                if _complete(result.coverage):
                    break
            key = keys.key(played)
            if key not in seen:
                seen.add(key)
                children = _children(played, maker, budget)
                extending = sum(1 for child in children if child.parent == played.path)
                if extending:
                    player.keep(played, extending)
                queue.extend(children)
            if progress is not None and result.replays % every == 0:
                result.seconds = time.monotonic() - began
                result.nodes = len(seen)
                progress(result)
    finally:
        await player.aclose()
    result.seconds = time.monotonic() - began
    result.nodes = len(seen)
    if progress is not None:
        progress(result)
    return result


def _complete(coverage: FlowCoverage) -> bool:
    """Whether every state, declared transition and intent has been reached: nothing is left to find."""
    return all(total["covered"] == total["total"] for total in coverage.totals().values())


def _children(played: Played, maker: MoveMaker, budget: Budget) -> list[Path]:
    path = played.path
    requested = {
        e.state
        for e in played.turn_events()
        if isinstance(e, ev.HttpExchange) and e.state and e.state not in path.failing and e.status == 200
    }
    children = [path.failing_at(state) for state in sorted(requested)]
    if len(path.moves) < budget.turns:
        children += [path.then(move) for move in maker.moves(played)]
    return children
