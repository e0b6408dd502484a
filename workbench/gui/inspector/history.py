"""The session turn by turn, as projections of the conversation's event log (no Qt, no engine logic).

A turn starts at each `TurnStarted` event and runs to the next one. The session after a turn is
`Session.from_events` of the log up to the turn's end; what the turn changed is what its `VariableChanged` and
`SessionCleared` events name, and whatever differs from the session at the turn's start. Each view also says
who set every variable still standing (`workbench.engine.provenance`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.provenance import Provenance, provenance
from workbench.engine.session import PathError, Session, get_path, parse_path
from workbench.gui.inspector.values import Path

MISSING: Any = object()
"""What `TurnView.previous` gives for a path that did not exist before the turn."""
_LABEL_WIDTH = 40
_WHO = {"text": "user", "hand_back": "hand back"}


@dataclass(frozen=True)
class Turn:
    """One turn of the log: `events[start:end]`, begun by `started`; `number` counts from 1."""

    number: int
    start: int
    end: int
    started: ev.TurnStarted

    @property
    def label(self) -> str:
        """What the turn selector shows, e.g. `Turn 3 — user: Brussels`."""
        who = _WHO.get(self.started.input, self.started.input)
        text = self.started.text
        if len(text) > _LABEL_WIDTH:
            text = text[: _LABEL_WIDTH - 1] + "…"
        return f"Turn {self.number} — {who}: {text}" if text else f"Turn {self.number} — {who}"


@dataclass(frozen=True)
class TurnView:
    """The session after a turn (`snapshot`, with `internal` nested), the session before it, the paths the
    turn's events named, and the last write of every path set and still standing then."""

    snapshot: dict[str, Any]
    before: dict[str, Any]
    touched: frozenset[Path] = frozenset()
    writes: dict[Path, Provenance] = field(default_factory=dict)

    def changed(self, path: Path, value: Any) -> bool:
        """Whether the turn changed the value at `path`: an event named it, a part of it or a whole it belongs
        to, or its value differs from before the turn."""
        if any(path[: len(t)] == t or t[: len(path)] == path for t in self.touched):
            return True
        return self.previous(path) != value

    def previous(self, path: Path) -> Any:
        """The value at `path` before the turn, or `MISSING`."""
        return get_path(self.before, path, MISSING)


EMPTY = TurnView(snapshot={}, before={})


def touched_paths(events: Iterable[ev.Event]) -> frozenset[Path]:
    """The variable paths that `VariableChanged` and `SessionCleared` events among `events` name."""
    names: list[str] = []
    for event in events:
        if isinstance(event, ev.VariableChanged):
            names.append(event.name)
        elif isinstance(event, ev.SessionCleared):
            names.extend(event.removed)
            names.extend(event.restored)
    paths: set[Path] = set()
    for name in names:
        try:
            paths.add(parse_path(name))
        except PathError:
            continue
    return frozenset(paths)


def standing_writes(events: Sequence[ev.Event], defaults: Mapping[str, Any]) -> dict[Path, Provenance]:
    """The provenance of every path set and still standing after `events`, by path."""
    writes: dict[Path, Provenance] = {}
    for name, write in provenance(events, defaults).items():
        try:
            writes[parse_path(name)] = write
        except PathError:
            continue
    return writes


class SessionHistory:
    """The turns of one conversation and the session as it was after each of them.

    The log is scanned incrementally; a restart (which replaces the log) is noticed and rescanned. The session
    before the current turn is replayed once per turn and cached.
    """

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self._log: list[ev.Event] | None = None
        self._starts: list[tuple[int, ev.TurnStarted]] = []
        self._scanned = 0
        self._before_now: tuple[int, dict[str, Any]] | None = None

    def turns(self) -> list[Turn]:
        """Every turn of the log so far."""
        log = self._scan()
        bounds = [start for start, _ in self._starts] + [len(log)]
        return [Turn(number, start, bounds[number], started) for number, (start, started) in enumerate(self._starts, 1)]

    def now(self) -> TurnView:
        """The live session, with what the latest turn changed (edits since then count as part of it)."""
        log = self._scan()
        snapshot = self.conversation.session.snapshot()
        writes = standing_writes(log, self.conversation.flow.variables)
        if not self._starts:
            return TurnView(snapshot=snapshot, before=snapshot, writes=writes)
        start = self._starts[-1][0]
        if self._before_now is None or self._before_now[0] != start:
            self._before_now = (start, self._replay(log[:start]))
        return TurnView(
            snapshot=snapshot, before=self._before_now[1], touched=touched_paths(log[start:]), writes=writes
        )

    def at(self, turn: Turn) -> TurnView:
        """The session as it was after `turn`, with what that turn changed."""
        log = self._scan()
        return TurnView(
            snapshot=self._replay(log[: turn.end]),
            before=self._replay(log[: turn.start]),
            touched=touched_paths(log[turn.start : turn.end]),
            writes=standing_writes(log[: turn.end], self.conversation.flow.variables),
        )

    def _scan(self) -> list[ev.Event]:
        log = self.conversation.events
        if log is not self._log:
            self._log, self._starts, self._scanned, self._before_now = log, [], 0, None
        for index in range(self._scanned, len(log)):
            event = log[index]
            if isinstance(event, ev.TurnStarted):
                self._starts.append((index, event))
        self._scanned = len(log)
        return log

    def _replay(self, events: Sequence[ev.Event]) -> dict[str, Any]:
        return Session.from_events(events, self.conversation.flow.variables).snapshot()
