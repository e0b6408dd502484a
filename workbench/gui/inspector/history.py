"""The session turn by turn, as projections of the conversation's event log (no Qt, no engine logic).

A turn starts at each `TurnStarted` event and runs to the next one. The session after a turn is the log's up to
the turn's end (`EventLog.prefix(end).session()`); what the turn changed is what its `VariableChanged` and
`SessionCleared` events name, and whatever differs from the session at the turn's start. Each view also says
who set every variable still standing (`workbench.engine.provenance`). Of a long conversation whose log folded its
older turns away, the turns begin after the last turn folded and keep their numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.event_log import EventLog
from workbench.engine.provenance import Provenance, provenance
from workbench.engine.session import Session, get_path
from workbench.flow.paths import PathError, parse_path
from workbench.gui.inspector.values import Path

CONTEXTS = "contexts"
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


def shown(session: Session) -> dict[str, Any]:
    """The session as the inspector shows it: the snapshot, and while any context is active, `contexts` (each
    active context with its remaining lifespan) beside `internal`."""
    snapshot = session.snapshot()
    if session.contexts:
        snapshot[CONTEXTS] = dict(session.contexts)
    return snapshot


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

    The log is read incrementally, each event once: the turns, the session before the latest turn and the standing
    writes are kept up to date as it grows, so the live view costs the same at turn 10,000 as at turn 1. A new log
    (a restart, a rewind) or a new flow (a reload: other defaults) is noticed and read again.
    """

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self._reset()

    def _reset(self) -> None:
        log = self._log = self.conversation.events
        self._flow = self.conversation.flow
        self._finished: list[Turn] = []
        """The finished turns the log still keeps."""
        self._begun = log.turns_before
        """How many turns began in the events read so far (and before them, folded away)."""
        self._current: tuple[int, int, ev.TurnStarted] | None = None
        """The latest turn so far: its number, where it starts and its `TurnStarted`."""
        self._session = log.prefix(log.start).session(self._flow.variables)
        """The session after the events read so far, from what the log stored of the turns it folded away."""
        self._standing = log.standing(self._flow.variables)
        self._before_now: dict[str, Any] = {}

    def turns(self) -> list[Turn]:
        """Every turn the log keeps so far."""
        log = self._scan()
        if self._current is None:
            return list(self._finished)
        number, start, started = self._current
        return [*self._finished, Turn(number, start, len(log), started)]

    def turn(self, number: int) -> Turn | None:
        """Turn `number` (from 1), if the log has it; cheap however long the log is."""
        self._scan()
        first = self._finished[0].number if self._finished else 0
        if first and first <= number < first + len(self._finished):
            return self._finished[number - first]
        if self._current is not None and number == self._current[0]:
            return Turn(number, self._current[1], len(self.conversation.events), self._current[2])
        return None

    def now(self) -> TurnView:
        """The live session, with what the latest turn changed (edits since then count as part of it)."""
        log = self._scan()
        snapshot = shown(self.conversation.session)
        writes = self._standing.by_path()
        if self._current is None:
            return TurnView(snapshot=snapshot, before=snapshot, writes=writes)
        start = self._current[1]
        return TurnView(snapshot=snapshot, before=self._before_now, touched=touched_paths(log[start:]), writes=writes)

    def at(self, turn: Turn) -> TurnView:
        """The session as it was after `turn`, with what that turn changed."""
        log = self._scan()
        defaults = self.conversation.flow.variables
        upto = log.prefix(turn.end)
        return TurnView(
            snapshot=shown(upto.session(defaults)),
            before=shown(log.prefix(turn.start).session(defaults)),
            touched=touched_paths(log[turn.start : turn.end]),
            writes=standing_writes(upto, defaults),
        )

    def _scan(self) -> EventLog:
        log = self.conversation.events
        read = self._standing.read
        if log is not self._log or self.conversation.flow is not self._flow or not log.start <= read <= len(log):
            self._reset()  # a new log or flow, or one that folded away events not read yet
        while self._finished and self._finished[0].start < log.start:
            self._finished.pop(0)
        new = log[self._standing.read :]
        last_start = next((i for i in range(len(new) - 1, -1, -1) if isinstance(new[i], ev.TurnStarted)), None)
        for offset, event in enumerate(new):
            if isinstance(event, ev.TurnStarted):
                index = self._standing.read + offset
                if self._current is not None:
                    number, start, started = self._current
                    self._finished.append(Turn(number, start, index, started))
                self._begun += 1
                self._current = (self._begun, index, event)
                if offset == last_start:  # only the latest turn's "before" is kept
                    self._before_now = shown(self._session)
            self._session.apply(event)
        self._standing.feed(new)
        return log
