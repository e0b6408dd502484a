"""Variable provenance: for every session variable, what set it, where and when, read from the event log.

A write is a `VariableChanged` (its `origin` says who: ask, button, entity, code, api, iframe, edit, default…;
`state` where; `detail` which button, origin page or response; `line`, in debug mode, which line of the code
action) or a `SessionCleared` (names removed, flow defaults restored). Setting a path overwrites what was set
below it: after `user = {...}`, `user.seat` is the `user` write's doing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.engine import events as ev
from workbench.engine.session import PathError, parse_path

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
    return list(_writes(events))


def provenance(events: Sequence[ev.Event], defaults: Mapping[str, Any] | None = None) -> dict[str, Provenance]:
    """For every path set and still standing, its last write; `defaults` are the flow's session defaults."""
    standing: dict[Path, Provenance] = {}
    for name, value in (defaults or {}).items():
        standing[(name,)] = Provenance(name, value, "default", None, "flow default", 0.0, None, 0)
    for write in _writes(events):
        parts = _parts(write.path)
        if parts is None:
            continue
        standing = {p: w for p, w in standing.items() if p[: len(parts)] != parts}
        if not write.removed:
            standing[parts] = write
    return {write.path: write for write in standing.values()}


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


def _writes(events: Sequence[ev.Event]) -> Iterator[Provenance]:
    turn = 0
    for index, event in enumerate(events):
        if isinstance(event, ev.TurnStarted):
            turn += 1
        elif isinstance(event, ev.VariableChanged):
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
