"""The history of a conversation as points to go back to, on a tree of branches.

A point is a prefix of a branch's event log: the end of a turn, or the moment just before a state was
entered. Because the session is event-sourced, going back to a point is rebuilding the session from that
prefix (`Conversation.rewind`); going on from there writes a new branch, and the branch left behind stays
whole in the tree (`Conversation.switch_branch` returns to it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from workbench.engine import events as ev

PointKind = Literal["turn", "state"]


@dataclass(frozen=True)
class Point:
    """A place in a log: its first `index` events are the conversation there.

    A `turn` point is the end of turn `turn` (turn 0: before the first input); a `state` point is the moment
    before `state` was entered during turn `turn`.
    """

    index: int
    kind: PointKind
    turn: int
    label: str
    state: str | None = None
    at: float = 0.0


def points(events: Sequence[ev.Event]) -> list[Point]:
    """Every point of a log, in order."""
    first = next((i for i, e in enumerate(events) if isinstance(e, ev.TurnStarted)), len(events))
    out = [Point(index=first, kind="turn", turn=0, label="before the first turn")]
    turn = 0
    what = ""
    for index, event in enumerate(events):
        if isinstance(event, ev.TurnStarted):
            turn += 1
            what = f"{event.input} {event.text!r}" if event.text else event.input
        elif isinstance(event, ev.StateEntered):
            label = f"turn {turn}: before {event.state}"
            out.append(Point(index=index, kind="state", turn=turn, label=label, state=event.state, at=event.at))
        elif isinstance(event, ev.TurnFinished):
            out.append(Point(index=index + 1, kind="turn", turn=turn, label=f"after turn {turn} ({what})", at=event.at))
    return out


def turn_point(events: Sequence[ev.Event], turn: int) -> Point:
    """The point at the end of turn `turn` (0: before the first); `LookupError` when there is none."""
    for point in points(events):
        if point.kind == "turn" and point.turn == turn:
            return point
    raise LookupError(f"there is no turn {turn} in this log")


@dataclass
class Branch:
    """One line of history: a log sharing its first `fork` events with its `parent` branch's log."""

    id: int
    parent: int | None
    fork: int
    events: list[ev.Event]
    created: float = field(default_factory=time.time)


class Timeline:
    """The branches of one conversation, a tree of logs; `current` is the branch the conversation writes."""

    def __init__(self, events: list[ev.Event]) -> None:
        root = Branch(id=0, parent=None, fork=0, events=events)
        self._branches: dict[int, Branch] = {0: root}
        self.current = root

    @property
    def branches(self) -> list[Branch]:
        """Every branch, oldest first."""
        return list(self._branches.values())

    def branch(self, branch_id: int) -> Branch:
        """The branch with that id; `KeyError` when there is none."""
        if branch_id not in self._branches:
            raise KeyError(f"there is no branch {branch_id}")
        return self._branches[branch_id]

    def children(self, branch_id: int) -> list[Branch]:
        """The branches forked from `branch_id`, oldest first."""
        return [b for b in self._branches.values() if b.parent == branch_id]

    def points(self) -> list[Point]:
        """The points of the current branch."""
        return points(self.current.events)

    def fork(self, at: int) -> Branch:
        """A new current branch holding the current log's first `at` events; the old branch is kept."""
        if not 0 <= at <= len(self.current.events):
            raise IndexError(f"the log has no point {at}")
        branch = Branch(id=len(self._branches), parent=self.current.id, fork=at, events=self.current.events[:at])
        self._branches[branch.id] = branch
        self.current = branch
        return branch

    def switch(self, branch_id: int) -> Branch:
        """Make `branch_id` the current branch again."""
        self.current = self.branch(branch_id)
        return self.current
