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
from workbench.engine.event_log import EventLog

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
    return PointScanner(events).points()


class PointScanner:
    """The points of a log that only grows, kept up to date: each event is looked at once, so asking again after
    a new turn costs what the new events cost, not what the whole log does.

    Of a long conversation's log (`EventLog`) that folded its older turns away, the points begin where the kept
    events do, after the last turn folded; the points folded away are forgotten too, but keep their numbers
    (`points(start)` counts them)."""

    def __init__(self, events: Sequence[ev.Event]) -> None:
        self.events = events
        self._reset()

    def _reset(self) -> None:
        self._found: list[Point] = []
        self._dropped = 0
        self._first: int | None = None
        self._start = self._scanned = 0
        self._start_turn = self._turn = self._finished = 0
        self._what = ""
        self._forget_folded()

    def points(self, start: int = 0) -> list[Point]:
        """The points from the `start`-th on (0: all of them, beginning with the one before the first turn)."""
        self._scan()
        if start > 0:
            return self._found[max(0, start - 1 - self._dropped) :]
        if self._start > 0:
            label = f"after turn {self._start_turn} (the turns before it are no longer kept)"
            return [Point(index=self._start, kind="turn", turn=self._start_turn, label=label), *self._found]
        first = len(self.events) if self._first is None else self._first
        return [Point(index=first, kind="turn", turn=0, label="before the first turn"), *self._found]

    def finished_turns(self) -> int:
        """How many turns of the log have finished."""
        self._scan()
        return self._finished

    def _forget_folded(self) -> None:
        """Forget the points of turns an `EventLog` folded away since the last look (and skip its folded events)."""
        log = self.events
        if not isinstance(log, EventLog) or log.start <= self._start:
            return
        kept = [point for point in self._found if point.index > log.start]
        self._dropped += len(self._found) - len(kept)
        self._found, self._start, self._start_turn = kept, log.start, log.turns_before
        if self._scanned < log.start:
            self._scanned, self._turn, self._finished = log.start, log.turns_before, log.turns_before

    def _scan(self) -> None:
        if len(self.events) < self._scanned:  # the log was cut: it is not the one read so far
            self._reset()
        self._forget_folded()
        for index in range(self._scanned, len(self.events)):
            event = self.events[index]
            if isinstance(event, ev.TurnStarted):
                if self._first is None:
                    self._first = index
                self._turn += 1
                self._what = f"{event.input} '{event.text}'" if event.text else event.input
            elif isinstance(event, ev.StateEntered):
                label = f"turn {self._turn}: before {event.state}"
                self._found.append(
                    Point(index=index, kind="state", turn=self._turn, label=label, state=event.state, at=event.at)
                )
            elif isinstance(event, ev.TurnFinished):
                self._finished = self._turn
                label = f"after turn {self._turn} ({self._what})"
                self._found.append(Point(index=index + 1, kind="turn", turn=self._turn, label=label, at=event.at))
        self._scanned = len(self.events)


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
    events: EventLog
    created: float = field(default_factory=time.time)


class Timeline:
    """The branches of one conversation, a tree of logs; `current` is the branch the conversation writes."""

    def __init__(self, events: EventLog) -> None:
        root = Branch(id=0, parent=None, fork=0, events=events)
        self._branches: dict[int, Branch] = {0: root}
        self._scanners: dict[int, PointScanner] = {}
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

    def points(self, start: int = 0) -> list[Point]:
        """The points of the current branch (from the `start`-th on); found incrementally as the log grows."""
        return self.scanner(self.current).points(start)

    def scanner(self, branch: Branch) -> PointScanner:
        """The incremental reader of `branch`'s points."""
        found = self._scanners.get(branch.id)
        if found is None or found.events is not branch.events:
            found = self._scanners[branch.id] = PointScanner(branch.events)
        return found

    def fork(self, at: int) -> Branch:
        """A new current branch holding the current log's first `at` events; the old branch is kept."""
        if not 0 <= at <= len(self.current.events):
            raise IndexError(f"the log has no point {at}")
        branch = Branch(id=len(self._branches), parent=self.current.id, fork=at, events=self.current.events.prefix(at))
        self._branches[branch.id] = branch
        self.current = branch
        return branch

    def switch(self, branch_id: int) -> Branch:
        """Make `branch_id` the current branch again."""
        self.current = self.branch(branch_id)
        return self.current
