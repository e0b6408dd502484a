"""The search: breadth first over the inputs of a flow, from its start, each path replayed in the real engine.

Each path is played (on from its parent's end: `replay.Player`), what it covers is added up (`FlowCoverage`, the
same counting as `workbench test --coverage`), and a path that reached a state or a transition no earlier path
reached is kept. Where the path ends is its node: its *place* — (state, what the conversation waits for, failed
attempts (up to the count after which every failure is handled alike: none for an ask without `give_up`),
offloaded, whether the agent spoke, contexts, the buttons shown) — and its *values*: those of the variables
conditions read, and which variables templates read are set. A node seen before is not expanded again.

Values alone can make the nodes exponential: an `ask` whose variable is set is skipped (Chatlayer's rule), so an
earlier answer stays live wherever its topic is re-entered, and 12 asks of 3 answers are 3^12 sessions. So the
frontier has two tiers. Tier 1 holds the children of nodes at a place no earlier node was at; tier 2 the children
of nodes new only by their values — first those whose place is new with the values of the variables that routes
not taken yet read, then the rest. Tier 1 is always drained first, breadth first, so every place is reached by a
shortest path and every input is tried there (with the values of that first path); tier 2, breadth first too,
then tries the places again with other values, for routes and code that depend on them, and a tier-2 node at a
new place puts its children in tier 1 again. What only some combination of values reaches can therefore be
missed when tier 2 runs out of patience first; the engine's rules are never bent to prune. For each state whose
requests the last input made, the same path with those requests failing is tried too (`on_error`).

The search ends when every state, declared transition and intent has been reached, when both tiers are empty, or
when tier 2 has replayed `patience(flow)` conversations in a row without reaching anything new (`stopped` says
so). The budget (`Budget`) bounds the conversations replayed, the inputs in one conversation and the wall-clock
time, and `stop()` (checked between replays) lets the caller cancel; either stops the search and says so.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from workbench.engine import events as ev
from workbench.engine.actions.input import MAX_FAILURES
from workbench.flow.graph import Transition, transitions
from workbench.flow.model import Flow
from workbench.testing.coverage import EdgeKey, FlowCoverage
from workbench.testing.explore.moves import MoveMaker
from workbench.testing.explore.paths import Path
from workbench.testing.explore.reads import condition_names, condition_roots, root, template_paths
from workbench.testing.explore.replay import Played, Player

Progress = Callable[["Exploration"], None]
Ended = Literal["everything", "exhausted", "values", "budget", "user"]
"""Why the search ended: all reached, no node left, tier 2 stopped finding anything, the budget, `stop()`."""
STOPPED_BY_USER = "stopped by the user"


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
    """What the search did: the kept paths (in the order found), the coverage of every replay, why it ended
    (`ended`) and, when that was before it ran out of nodes, what to tell the user (`stopped`)."""

    flow: Flow
    coverage: FlowCoverage
    kept: list[Kept] = field(default_factory=list)
    replays: int = 0
    turns: int = 0
    seconds: float = 0.0
    stopped: str = ""
    nodes: int = 0
    ended: Ended = "exhausted"

    @property
    def cut_short(self) -> bool:
        """Whether the budget or the user stopped the search (what it did not reach may be reachable)."""
        return self.ended in ("budget", "user")


def patience(flow: Flow) -> int:
    """How many tier-2 conversations in a row may reach nothing new before the search ends."""
    return max(200, 2 * (len(flow.states) + len(transitions(flow))))


class _Reached:
    """What the replays reached so far, recorded into `coverage`; `newly` looks only at the states a replay
    entered and the transitions into them, so a replay costs what its events cost, not what the flow has."""

    def __init__(self, coverage: FlowCoverage) -> None:
        self.coverage = coverage
        self._into: dict[str, list[EdgeKey]] = {}
        self._indexed = 0

    def newly(self, events: tuple[ev.Event, ...]) -> tuple[str, ...]:
        """What `events` cover that no earlier replay did (recording them), as `state x` and `transition (…)`."""
        entered = {e.state for e in events if isinstance(e, ev.StateEntered)}
        before = self._reached(entered)
        self.coverage.record(events)
        new = self._reached(entered) - before
        return tuple(sorted(f"state {item}" if isinstance(item, str) else f"transition {item!r}" for item in new))

    def _reached(self, states: Iterable[str]) -> set[str | EdgeKey]:
        """The names of `states` that were entered and the keys of the transitions into them that were taken."""
        coverage = self.coverage
        if len(coverage.edges) != self._indexed:  # a run-time jump added an edge
            self._into.clear()
            for key in coverage.edges:
                self._into.setdefault(key[1], []).append(key)
            self._indexed = len(coverage.edges)
        found: set[str | EdgeKey] = set()
        edges = coverage.edges
        for state in states:
            if coverage.states.get(state):
                found.add(state)
            found.update(key for key in self._into.get(state, ()) if edges[key].hits)
        return found


class _Keys:
    """The node a replay ends at, as its place and its values (see the module docstring)."""

    def __init__(self, flow: Flow, coverage: FlowCoverage) -> None:
        self.coverage = coverage
        self.conditions = tuple(sorted(condition_roots(flow)))
        self.templates = tuple(sorted({root(p) for p in template_paths(flow)} - set(self.conditions)))
        self._untaken = {
            edge.transition.key: condition_names(condition)
            for edge in coverage.declared_edges
            if (condition := _condition(flow, edge.transition)) is not None
        }
        # An ask with a give_up gives up at the MAX_FAILURES-th failure; without one every failure is retried alike.
        self._failures_that_count = {
            state.name: MAX_FAILURES - 1 if state.ask.give_up or state.ask.give_up_goto else 0
            for state in flow.states.values()
            if state.ask is not None
        }
        self._pending: tuple[int, ...] = ()
        self.update()

    def update(self) -> None:
        """Read again which variables the conditions of routes not taken yet read (after a replay reached some)."""
        edges = self.coverage.edges
        self._untaken = {key: names for key, names in self._untaken.items() if not edges[key].hits}
        names = set().union(*self._untaken.values())
        self._pending = tuple(i for i, name in enumerate(self.conditions) if name in names)

    def place(self, played: Played) -> tuple[Any, ...]:
        """Where the conversation stands, whatever the session's values."""
        session = played.session
        agent = any(isinstance(e, ev.AgentMessage) for e in played.events) if session.offloaded else False
        return (
            played.state,
            session.waiting,
            min(session.ask_failures, self._failures_that_count.get(session.waiting or "", 0)),
            session.offloaded,
            agent,
            tuple(sorted(session.contexts.items())),
            tuple(choice.title for choice in session.choices),
        )

    def values(self, played: Played) -> tuple[str, tuple[Any, ...]]:
        """The values of the variables that routes not taken yet read, and the node's values: those of the
        variables every condition reads, and which template variables are set."""
        session = played.session
        variables = session.variables  # the conditions' roots are plain names, never `internal`
        read = [variables.get(name) for name in self.conditions]
        pending = json.dumps([read[i] for i in self._pending], sort_keys=True, default=str)
        every = json.dumps(read, sort_keys=True, default=str)
        return pending, (every, tuple(session.has(name) for name in self.templates))


def _condition(flow: Flow, t: Transition) -> str | None:
    source = flow.states.get(t.source)
    if t.why != "route" or t.route is None or source is None:
        return None
    return source.next[t.route].condition


class _Frontier:
    """The paths still to play, in two tiers (see the module docstring), and the nodes seen."""

    def __init__(self, patience: int) -> None:
        # Tier 1; tier 2's paths new by the values routes not taken yet read; the rest of tier 2.
        self.tiers: tuple[deque[Path], ...] = (deque([Path()]), deque(), deque())
        self.places: set[tuple[Any, ...]] = set()
        self.pending: set[tuple[Any, ...]] = set()
        self.nodes: set[tuple[Any, ...]] = set()
        self.patience = patience
        self.idle = 0
        """Tier-2 replays in a row that reached nothing new."""

    def __bool__(self) -> bool:
        return any(self.tiers)

    def pop(self) -> tuple[Path, int]:
        """The next path and the index of its queue in `tiers`."""
        queue = next(i for i, paths in enumerate(self.tiers) if paths)
        return self.tiers[queue].popleft(), queue

    def queue_of(self, place: tuple[Any, ...], pending: str, values: tuple[Any, ...]) -> int | None:
        """The index of the queue a node's children go to; None for a node seen before (marking it seen)."""
        node = (place, values)
        if node in self.nodes:
            return None
        self.nodes.add(node)
        steering = (place, pending)
        fresh = steering not in self.pending
        self.pending.add(steering)
        if place not in self.places:
            self.places.add(place)
            return 0
        return 1 if fresh else 2

    def played(self, queue: int, reached: bool) -> None:
        """Count a replay towards the tier-2 patience."""
        if reached:
            self.idle = 0
        elif queue > 0:
            self.idle += 1

    @property
    def out_of_patience(self) -> bool:
        """Whether tier 2 alone is left and has gone `patience` replays without reaching anything."""
        return not self.tiers[0] and self.idle >= self.patience


async def explore(
    flow: Flow,
    *,
    budget: Budget = Budget(),
    variables: dict[str, Any] | None = None,
    progress: Progress | None = None,
    every: int = 25,
    stop: Callable[[], bool] | None = None,
) -> Exploration:
    """Search `flow` from its start state; `progress` is called every `every` replays and at the end, `stop`
    before each replay (the search ends when it answers true)."""
    began = time.monotonic()
    result = Exploration(flow, FlowCoverage.for_flow(flow))
    maker, keys, reached = MoveMaker(flow), _Keys(flow, result.coverage), _Reached(result.coverage)
    player = Player(flow, variables=variables)
    frontier = _Frontier(patience(flow))
    try:
        while frontier:
            if _stopping(result, frontier, budget, began, stop):
                break
            path, queue = frontier.pop()
            played = await player.play(path)
            result.replays, result.turns = player.replays, player.turns
            new = reached.newly(played.events)
            frontier.played(queue, bool(new))
            if new:
                result.kept.append(Kept(played, new))
                if _complete(result.coverage):
                    result.ended = "everything"
                    break
                keys.update()
            child_queue = frontier.queue_of(keys.place(played), *keys.values(played))
            if child_queue is not None:
                children = _children(played, maker, budget, player)
                extending = sum(1 for child in children if child.parent == played.path)
                if extending:
                    player.keep(played, extending)
                frontier.tiers[child_queue].extend(children)
            if progress is not None and result.replays % every == 0:
                result.seconds = time.monotonic() - began
                result.nodes = len(frontier.nodes)
                progress(result)
    finally:
        await player.aclose()
    result.seconds = time.monotonic() - began
    result.nodes = len(frontier.nodes)
    if progress is not None:
        progress(result)
    return result


def _stopping(
    result: Exploration, frontier: _Frontier, budget: Budget, began: float, stop: Callable[[], bool] | None
) -> bool:
    """Whether to end before the next replay; when so, `result` says why."""
    if stop is not None and stop():
        result.ended, result.stopped = "user", STOPPED_BY_USER
    elif result.replays >= budget.conversations:
        result.ended, result.stopped = "budget", f"the budget of {budget.conversations} conversations ran out"
    elif time.monotonic() - began >= budget.seconds:
        result.ended, result.stopped = "budget", f"the budget of {budget.seconds:g} seconds ran out"
    elif frontier.out_of_patience:
        result.ended = "values"
        result.stopped = (
            f"no new state or transition in the last {frontier.patience} conversations "
            "that differ only by variable values"
        )
    else:
        return False
    return True


def _complete(coverage: FlowCoverage) -> bool:
    """Whether every state, declared transition and intent has been reached: nothing is left to find."""
    return (
        all(coverage.states.values())
        and all(coverage.intents.values())
        and all(edge.hits for edge in coverage.edges.values() if edge.declared)
    )


def _children(played: Played, maker: MoveMaker, budget: Budget, player: Player) -> list[Path]:
    """The paths to try after `played`: its requests answered otherwise (`Player.outcomes`), then each next input."""
    path = played.path
    children = player.outcomes(played)
    if len(path.moves) < budget.turns:
        children += [path.then(move) for move in maker.moves(played)]
    return children
