"""Chatlayer's bot-wide events (bot-answers/events.md): which ones a conversation's writes and silences set off.

Variables changed: "Whenever the variable is changed, for example in a go-to, when a button is clicked, or when an
entity is detected, this event will be triggered. If the bot dialog triggered by the event has multiple messages, or
connects to other bot dialogs, a go-to will show all of these. If the bot dialog from where the variable was
changed connects to other bot dialogs, these will be shown after the bot dialog of the event." So, in the workbench:

- A watched path changes when its value after a write differs from its value before: a Go To's, a button's or a
  bot message's `set`, an ask's answer, an entity found in a message, a code or API action, an iframe's
  UPDATE_SESSION, a Clear Session. Writing the value a variable already has changes nothing; a path watches what
  is inside it (`user` changes when `user.name` does) and what holds it (`user.name` changes when `user` is
  replaced). A tester's edit in the inspector is no conversation and sets off nothing.
- Before the conversation goes on to its next dialog state (or, when it was waiting, at the end of the turn), the
  event's dialog state runs with its go-tos; the chain returns at a state without `next` (a bot message without
  `next` does not wait there) and the conversation goes on where it was going — or, when it was waiting for input,
  waits there again. A chain that reaches a state that waits for input (an ask, an iframe, an offload) ends the
  turn there: the interrupted continuation is dropped.
- The names that set the event off are in the session's `events.variablesChanged` array, written before its state
  runs. What a chain changes does not set off its own event again (nor one whose chain it runs inside), so two
  events that watch each other's writes cannot loop.

Silence detected: "where the user should be routed if the bot detects a silence longer than a value of your
choosing" — `Conversation.silence(seconds)` (simulated time: the engine never waits) routes the conversation to the
state of the event with the longest `silence` that `seconds` reaches, as any go-to would; shorter silences do
nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from workbench.engine import events as ev
from workbench.flow.model import BotEvent
from workbench.flow.paths import PathError, parse_path

_MISSING = object()
_NOT_CHANGES = frozenset({"default", "edit"})
"""Writes that are no change made by the conversation: its starting variables, and a tester's edit."""

Snapshot = list[tuple[str, str, Any]]
"""Each watched path a write may change, the path whose value tells (the deeper of the two), and that value."""


def _root(path: str) -> str:
    try:
        return str(parse_path(path)[0])
    except PathError:
        return path


def _kept(value: Any) -> Any:
    """A copy of a watched value to compare with later; the sentinel of a missing one is itself (a copy of it
    would differ from it, and a path missing before and after would count as changed)."""
    return value if value is _MISSING else copy.deepcopy(value)


def _parts(path: str) -> tuple[str | int, ...] | None:
    """A watched path's parts; None for one that does not parse (the loader refuses it: no write reaches it)."""
    try:
        return parse_path(path)
    except PathError:
        return None


class Watch:
    """The variables-changed events of one flow, with the changes they are waiting to answer.

    `before` and `after` bracket the application of one event to the session; `take` hands over the events that
    were set off, with the names that did it, in the flow's order."""

    def __init__(self, events: Sequence[BotEvent]) -> None:
        self.events = tuple(event for event in events if event.kind == "variables_changed")
        self.paths = tuple(dict.fromkeys(path for event in self.events for path in event.variables))
        self._roots = frozenset(_root(path) for path in self.paths)
        self._parts = tuple((path, parts) for path in self.paths if (parts := _parts(path)) is not None)
        self._changed: dict[int, list[str]] = {}
        self._running: list[int] = []

    @property
    def pending(self) -> bool:
        """Whether some event was set off and has not run yet."""
        return bool(self._changed)

    def before(self, event: ev.Event, session: Any) -> Snapshot | None:
        """The watched values `event` may change, as they are before it is applied; None when it touches none.

        A write of one path can change only the watched paths on its line: one that holds it (whose value changes
        exactly when the written path's does) and one inside it. Only the deeper path's value is kept, so a
        thousand writes into a watched object copy a thousand small values, not the object a thousand times."""
        if type(event) not in ev.VARIABLE_WRITES or not self._touches(event):
            return None
        if isinstance(event, ev.VariableChanged):
            return self._on_line(event.name, session) or None
        return [(path, path, _kept(session.get(path, _MISSING))) for path in self.paths]

    def _on_line(self, name: str, session: Any) -> Snapshot:
        try:
            written = parse_path(name)
        except PathError:
            return []  # the session refuses to write it: nothing changes
        kept: Snapshot = []
        for path, parts in self._parts:
            depth = min(len(parts), len(written))
            if parts[:depth] == written[:depth]:
                at = name if len(written) >= len(parts) else path
                kept.append((path, at, _kept(session.get(at, _MISSING))))
        return kept

    def after(self, snapshot: Snapshot, session: Any) -> None:
        """Note the events whose watched values differ from `snapshot` now (all but those whose chain runs)."""
        changed = [path for path, at, value in snapshot if session.get(at, _MISSING) != value]
        if not changed:
            return
        for index, event in enumerate(self.events):
            if index in self._running:
                continue
            names = [path for path in changed if path in event.variables]
            if names:
                noted = self._changed.setdefault(index, [])
                noted.extend(name for name in names if name not in noted)

    def take(self) -> list[tuple[BotEvent, tuple[str, ...]]]:
        """The events set off so far, each with the names that changed; they count as handled from now on."""
        taken = [(self.events[index], tuple(names)) for index, names in sorted(self._changed.items())]
        self._changed.clear()
        return taken

    @contextmanager
    def running(self, event: BotEvent) -> Iterator[None]:
        """While `event`'s chain runs, its own writes do not set it off again."""
        self._running.append(self.events.index(event))
        try:
            yield
        finally:
            self._running.pop()

    @property
    def returning(self) -> bool:
        """Whether an event's chain is running: a state without `next` returns rather than waits."""
        return bool(self._running)

    def _touches(self, event: ev.Event) -> bool:
        if isinstance(event, ev.VariableChanged):
            return event.origin not in _NOT_CHANGES and _root(event.name) in self._roots
        assert isinstance(event, ev.SessionCleared)
        return any(_root(name) in self._roots for name in (*event.removed, *event.restored))


def watch_of(events: Sequence[BotEvent]) -> Watch | None:
    """The watch of a flow's variables-changed events, or None when it has none (its writes cost nothing more)."""
    return Watch(events) if any(event.kind == "variables_changed" for event in events) else None


def silence_event(events: Sequence[BotEvent], seconds: float) -> BotEvent | None:
    """The silence event that `seconds` without user input sets off: the one with the longest `silence` that
    `seconds` reaches (the first declared of equal ones), or None."""
    reached = [event for event in events if event.kind == "silence" and seconds >= event.seconds]
    return max(reached, key=lambda event: event.seconds, default=None)
