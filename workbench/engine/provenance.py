"""Variable provenance: for every session variable, what set it, where and when, read from the event log.

A write is a `VariableChanged` (its `origin` says who: ask, button, entity, code, api, iframe, edit, default…;
`state` where; `detail` which button, origin page or response; `line`, in debug mode, which line of the code
action) or a `SessionCleared` (names removed, flow defaults restored). Setting a path overwrites what was set
below it: after `user = {...}`, `user.seat` is the `user` write's doing.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.engine import events as ev
from workbench.engine.session import Session
from workbench.flow.paths import PathError, parse_path

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Provenance:
    """One write of a session variable: `index` is its event's position in the log (None: a flow default),
    `turn` the number of the turn it happened in (0: before the first), `removed` true for a removal."""

    path: str
    value: Any
    origin: str
    state: str | None
    detail: str
    at: float
    index: int | None
    turn: int
    line: int | None = None
    removed: bool = False


def history(events: Sequence[ev.Event]) -> list[Provenance]:
    """Every write of the log, in order; filter it by `path` for one variable's story."""
    turn = 0
    writes: list[Provenance] = []
    for index, event in enumerate(events):
        if isinstance(event, ev.TurnStarted):
            turn += 1
        writes.extend(_writes_of(event, index, turn))
    return writes


def provenance(events: Sequence[ev.Event], defaults: Mapping[str, Any] | None = None) -> dict[str, Provenance]:
    """For every path set and still standing, its last write; `defaults` are the flow's session defaults (the
    engine's own, such as `locale`, stand unless the flow sets them too)."""
    standing = _standing_at_start(events, defaults)
    standing.feed(events)
    return {write.path: write for write in standing.by_path().values()}


def _standing_at_start(events: Sequence[ev.Event], defaults: Mapping[str, Any] | None) -> Standing:
    """Where reading `events` begins: a long conversation's log (`EventLog`) that folded its older turns away
    holds what was standing where it goes on; any other log begins at the flow's defaults."""
    start = getattr(events, "standing", None)
    return start(defaults) if callable(start) else Standing(defaults)


class Standing:
    """The writes still standing in a log that only grows, kept up to date by `feed`: each event is read once,
    so following a long conversation costs the same at its last turn as at its first."""

    def __init__(self, defaults: Mapping[str, Any] | None = None) -> None:
        engine = {
            (name,): Provenance(name, value, "default", None, "engine default", 0.0, None, 0)
            for name, value in Session().variables.items()
        }
        flow = {
            (name,): Provenance(name, value, "default", None, "flow default", 0.0, None, 0)
            for name, value in (defaults or {}).items()
        }
        self._standing: dict[Path, Provenance] = {**engine, **flow}
        # Every proper prefix of a standing path, with the standing paths under it: a write finds what it
        # overwrites below itself without a pass over every path (a backend may set 100,000 names in a turn).
        self._below: dict[Path, set[Path]] = {}
        self._read = 0
        self._turn = 0

    @property
    def read(self) -> int:
        """How many events of the log were fed."""
        return self._read

    def feed(self, events: Iterable[ev.Event]) -> None:
        """Take the next events of the log into account."""
        for event in events:
            if isinstance(event, ev.TurnStarted):
                self._turn += 1
            for write in _writes_of(event, self._read, self._turn):
                self._apply(write)
            self._read += 1

    def copy(self) -> Standing:
        """A copy that can be fed on without changing this one."""
        twin = copy.copy(self)
        twin._standing = dict(self._standing)
        twin._below = {prefix: set(paths) for prefix, paths in self._below.items()}
        return twin

    def by_path(self) -> dict[Path, Provenance]:
        """The last write of every path set and still standing, by path."""
        return dict(self._standing)

    def _apply(self, write: Provenance) -> None:
        parts = _parts(write.path)
        if parts is None:
            return
        for gone in (parts, *self._below.get(parts, ())):
            self._drop(gone)
        if not write.removed:
            self._standing[parts] = write
            for length in range(1, len(parts)):
                self._below.setdefault(parts[:length], set()).add(parts)

    def _drop(self, path: Path) -> None:
        if self._standing.pop(path, None) is None:
            return
        for length in range(1, len(path)):
            prefix = path[:length]
            under = self._below[prefix]
            under.discard(path)
            if not under:
                del self._below[prefix]


def provenance_of(
    events: Sequence[ev.Event], path: str, defaults: Mapping[str, Any] | None = None
) -> Provenance | None:
    """The write that gave `path` its current value: of the path itself or of its nearest parent set."""
    wanted = _parts(path)
    if wanted is None:
        return None
    standing = {_parts(p): w for p, w in provenance(events, defaults).items()}
    for length in range(len(wanted), 0, -1):
        if wanted[:length] in standing:
            return standing[wanted[:length]]
    return None


def _parts(path: str) -> Path | None:
    try:
        return parse_path(path)
    except PathError:
        return None


def _writes_of(event: ev.Event, index: int, turn: int) -> Iterator[Provenance]:
    """The writes `event` makes, at position `index` of the log, in turn `turn`."""
    if isinstance(event, ev.VariableChanged):
        yield Provenance(
            path=event.name,
            value=event.value,
            origin=event.origin,
            state=event.state,
            detail=event.detail,
            at=event.at,
            index=index,
            turn=turn,
            line=event.line,
            removed=event.removed,
        )
    elif isinstance(event, ev.SessionCleared):
        when = {"state": event.state, "at": event.at, "index": index, "turn": turn}
        for name in event.removed:
            yield Provenance(name, None, "cleared", detail="Clear Session", removed=True, **when)
        for name, value in event.restored.items():
            yield Provenance(name, value, "default", detail="flow default restored by Clear Session", **when)
