"""A conversation's event log, whose memory stays bounded however long the conversation goes on.

The log keeps the events of its recent turns exactly: at least `keep_turns` finished turns and the turn under
way. When it holds twice that many finished turns, the older half is folded into its base: the session and the
standing variable provenance as they were after the last turn folded (`start`, the index of the first event
kept). So memory stays flat over 100,000 turns, going back to any recent point is as exact as before (the
session there is the base plus the kept events up to it), and the variable inspector still says who set a
variable long ago. What is gone is the events themselves before `start`: the turns before it can no longer be
gone back to or listed one by one.

Indexes stay those of the whole conversation: `log[i]` is the i-th event since the start (an `IndexError` for one
folded away), `len(log)` counts every event, and iterating yields the kept events, from `start` on.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

from workbench.engine import events as ev
from workbench.engine.provenance import Standing
from workbench.engine.session import Session, copied

KEEP_TURNS = 500
"""Finished turns a log keeps whole at least (it holds at most twice as many before it folds the older half)."""


class EventLog(Sequence[ev.Event]):
    """The events of one conversation (a branch of its timeline): the recent ones kept, the older ones folded
    into a base session and base provenance. `defaults` are the flow's session defaults."""

    def __init__(self, defaults: Mapping[str, Any] | None = None, *, keep_turns: int = KEEP_TURNS) -> None:
        self.keep_turns = keep_turns
        self.start = 0
        """The index of the first event kept (0 while nothing was folded)."""
        self.turns_before = 0
        """How many turns began before `start`."""
        self._defaults = copied(dict(defaults or {}))
        self._events: list[ev.Event] = []
        self.put = self._events.append
        """Add an event that is not a `TurnFinished` at the end: the list's own `append` (the list is never
        replaced), as a conversation adds a dozen events per user message and `append` asks each one's type."""
        self._turn_ends: list[int] = []
        """The index just after each kept `TurnFinished`."""
        self._base: Session | None = None
        self._standing: Standing | None = None

    # --- reading ---

    def __len__(self) -> int:
        return self.start + len(self._events)

    @overload
    def __getitem__(self, index: int) -> ev.Event: ...

    @overload
    def __getitem__(self, index: slice) -> list[ev.Event]: ...

    def __getitem__(self, index: int | slice) -> ev.Event | list[ev.Event]:
        """The event at `index` of the whole conversation; a slice gives the kept events of that range."""
        if isinstance(index, slice):
            first, stop, step = index.indices(len(self))
            return self._events[max(first, self.start) - self.start : max(stop, self.start) - self.start : step]
        at = index + len(self) if index < 0 else index
        if at < self.start:
            raise IndexError(self._folded(at))
        return self._events[at - self.start]

    def __iter__(self) -> Iterator[ev.Event]:
        return iter(self._events)

    def find(self, kind: type[ev.Event], start: int) -> int:
        """The index of the first kept event of type `kind` at or after `start` (no event kind is subclassed, so
        the type is compared exactly), or `len(self)` when there is none."""
        begin = max(start - self.start, 0)
        try:
            return self.start + begin + operator.indexOf(map(type, self._events[begin:]), kind)
        except ValueError:
            return len(self)

    def has_any(self, kinds: frozenset[type], start: int) -> bool:
        """Whether a kept event at or after `start` is of one of `kinds` (compared exactly, as `find` does)."""
        return not kinds.isdisjoint(map(type, self._events[max(start - self.start, 0) :]))

    def __eq__(self, other: object) -> bool:
        """The same events from the same start; a list or tuple of events equals a log that folded nothing."""
        if isinstance(other, EventLog):
            return self.start == other.start and self._events == other._events
        if isinstance(other, list | tuple):
            return self.start == 0 and self._events == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a log changes: it cannot be a key

    @property
    def compacted(self) -> bool:
        """Whether older events were folded into the base."""
        return self._base is not None

    def session(self, defaults: Mapping[str, Any] | None = None) -> Session:
        """The session at the end of the log: the base's (else one of `defaults`, the flow's now) with every kept
        event applied."""
        return Session.from_events(self._events, defaults, base=self._base)

    def standing(self, defaults: Mapping[str, Any] | None = None) -> Standing:
        """The variable provenance standing at `start`, to be fed the kept events (a copy: feed it freely)."""
        return self._standing.copy() if self._standing is not None else Standing(defaults)

    def prefix(self, at: int) -> EventLog:
        """A log of this one's first `at` events (a new branch forked there); `IndexError` for a point folded away."""
        if not self.start <= at <= len(self):
            raise IndexError(self._folded(at) if at < self.start else f"the log has no point {at}")
        log = EventLog(self._defaults, keep_turns=self.keep_turns)
        log.start, log.turns_before = self.start, self.turns_before
        log._base, log._standing = self._base, self._standing  # never changed in place: folding makes new ones
        log._events[:] = self._events[: at - self.start]
        log._turn_ends = [end for end in self._turn_ends if end <= at]
        return log

    def _folded(self, at: int) -> str:
        return (
            f"event {at} is no longer kept: the conversation keeps its last {self.keep_turns} turns or more "
            f"(the earliest point to go back to is after turn {self.turns_before})"
        )

    # --- writing ---

    def append(self, event: ev.Event) -> None:
        """Add `event` at the end; after a turn, fold the older half once twice `keep_turns` turns are kept."""
        self._events.append(event)
        if type(event) is ev.TurnFinished:  # no event kind is subclassed; the exact test is the cheaper
            self._turn_ends.append(len(self))
            if len(self._turn_ends) >= 2 * self.keep_turns:
                self._fold(self._turn_ends[-self.keep_turns - 1])

    def _fold(self, until: int) -> None:
        """Fold the events before index `until` (just after a turn) into the base."""
        dropped = self._events[: until - self.start]
        self._base = Session.from_events(dropped, self._defaults, base=self._base)
        standing = self.standing(self._defaults)
        standing.feed(dropped)
        self._standing = standing
        self.turns_before += sum(isinstance(e, ev.TurnStarted) for e in dropped)
        del self._events[: until - self.start]
        self._turn_ends = [end for end in self._turn_ends if end > until]
        self.start = until
