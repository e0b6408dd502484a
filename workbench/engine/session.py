"""Session variables, event-sourced: a session is what you get by applying its events in order.

Paths are dotted with array indexes: `user.lastName`, `items[0].name`. `internal.*` is read-only to flows and
is kept apart from the user's variables. The engine writes it (the dialog states, `internal.nlp` after every user
message, `internal.offloaded`); a channel gives the rest (`internal.channel`, `internal.user.*`), which a test or
`--var` may give to play that channel: those arrive as starting variables (`VariableChanged` of origin
`default`). A `VariableChanged` of internal.* from any other writer is not applied.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.engine import events as ev
from workbench.flow.json_size import json_size
from workbench.flow.paths import PathError, parse_path

_MISSING = object()
_ATOMS: frozenset[type] = frozenset({str, int, float, bool, type(None)})
"""The types of values that are their own copy."""
INTERNAL = "internal"
_INTERNAL_DOT = INTERNAL + "."
_NLP = "internal.nlp"
ENGINE_OWNED: tuple[str, ...] = ("nlp", "currentDialogstate", "previousDialogstate", "offloaded")
"""The `internal.*` values the engine keeps; the others are what a channel gives."""
_INTERNAL_WRITERS = frozenset({"default", "nlp"})
"""Origins whose `VariableChanged` may write internal.*: starting values (checked by `refused_start_value`)
and the NLU (`internal.nlp`)."""


MAX_GROWTH = 100
"""How far past a list's end a write may reach: `items[i]` may pad the list with at most this many nulls."""
MAX_VALUE_DEPTH = 100
"""How deeply the arrays and objects of a value the flow builds (`set:`, a button's parameters) may nest, as deeply
as a flow file's and an API response's: a template can put a variable inside itself once per turn, and past ~490
levels the session's copies and writers would give up on it."""
MAX_VALUE_CHARS = 64 * 2**20
"""How long a value the flow builds may be written out as JSON (room for a few texts cut at the templates' 16 M
characters): one that holds the same array or object many times over (`set: {l: ["{l}", "{l}"]}` doubles it every
turn) stays small in memory, while its JSON, which a recording, a report or the inspector writes, would soon fit in
none."""


def get_path(data: Any, path: str | tuple[str | int, ...], default: Any = None) -> Any:
    """The value at `path` inside nested dicts and lists, or `default`."""
    parts = parse_path(path) if isinstance(path, str) else path
    cur = data
    for part in parts:
        if isinstance(part, int):
            if isinstance(cur, list) and -len(cur) <= part < len(cur):
                cur = cur[part]
                continue
            return default
        if (type(cur) is dict or isinstance(cur, Mapping)) and part in cur:  # a dict spares the slower ABC check
            cur = cur[part]
        else:
            return default
    return cur


def has_path(data: Any, path: str) -> bool:
    """Whether `path` exists inside `data`."""
    return get_path(data, path, _MISSING) is not _MISSING


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set `path` inside `data`, creating objects (or lists, for an index) on the way.

    Raises `PathError`, having changed nothing, for a write that `write_refusal` refuses.
    """
    parts = parse_path(path)
    if len(parts) == 1:  # a plain name: the session is an object, so it can always hold it
        data[parts[0]] = value
        return
    if len(parts) == 2 and type(parts[1]) is str:  # `a.b` (`sys.number`…): into an object that is there already
        parent = data.get(parts[0])
        if type(parent) is dict:
            parent[parts[1]] = value
            return
    refusal = _refusal(data, parts, path)
    if refusal is not None:
        raise PathError(refusal)
    cur: Any = data
    for part, nxt in itertools.pairwise(parts):
        child = cur[part] if _has_child(cur, part) else None
        if not isinstance(child, dict | list):
            child = [] if isinstance(nxt, int) else {}
            _assign(cur, part, child)
        cur = child
    _assign(cur, parts[-1], value)


def write_refusal(data: dict[str, Any], path: str) -> str | None:
    """Why `set_path(data, path, …)` would be refused, or None when it would not: a path that does not parse,
    an index in an object or a name in a list, or an index more than `MAX_GROWTH` past a list's end."""
    try:
        parts = parse_path(path)
    except PathError as exc:
        return str(exc)
    return _refusal(data, parts, path)


def _refusal(data: dict[str, Any], parts: tuple[str | int, ...], path: str) -> str | None:
    cur: Any = data
    for depth, part in enumerate(parts):
        if isinstance(part, str):
            if isinstance(cur, list):
                return f"cannot set {path}: {_format(parts[:depth])} is a list, not an object"
            cur = cur.get(part) if isinstance(cur, dict) else None
            continue
        if isinstance(cur, dict):
            return f"cannot set {path}: {_format(parts[:depth])} is an object, not a list"
        # Anything but an object or a list is replaced by a new, empty one.
        length = len(cur) if isinstance(cur, list) else 0
        if part > length + MAX_GROWTH:
            return (
                f"cannot set {path}: index {part} is {part - length} past the end of {_format(parts[:depth])} (it "
                f"has {length} items; a write may reach at most {MAX_GROWTH} past the end)"
            )
        cur = cur[part] if _has_child(cur, part) else None
    return None


def _format(parts: tuple[str | int, ...]) -> str:
    """Path parts written as a path again (`a.b[0]`); the empty path is the session itself."""
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")
    return text or "the session"


def delete_path(data: dict[str, Any], path: str) -> bool:
    """Remove `path` from `data`; false when it was not there."""
    parts = parse_path(path)
    parent = get_path(data, parts[:-1], _MISSING) if len(parts) > 1 else data
    last = parts[-1]
    if isinstance(parent, dict) and last in parent:
        del parent[last]
        return True
    if isinstance(parent, list) and isinstance(last, int) and -len(parent) <= last < len(parent):
        del parent[last]
        return True
    return False


def _has_child(cur: Any, part: str | int) -> bool:
    if isinstance(part, int):
        return isinstance(cur, list) and -len(cur) <= part < len(cur)
    return isinstance(cur, dict) and part in cur


def _assign(cur: Any, part: str | int, value: Any) -> None:
    # `_refusal` has checked that `cur` is a list for an index and an object for a name.
    if isinstance(part, int):
        cur.extend([None] * (part + 1 - len(cur)))
    cur[part] = value


class _NotATree(Exception):
    """A value that `copied` leaves to `copy.deepcopy`: not JSON's, or holding one object or array twice."""


def built_value_problem(value: Any) -> str | None:
    """Why a value the flow's templates built cannot be set, or None: its arrays and objects nest more than
    `MAX_VALUE_DEPTH` levels, or written out as JSON it would be longer than `MAX_VALUE_CHARS` characters
    (`json_size`: each array or object measured once however often the value holds it)."""
    depth, length = json_size(value, MAX_VALUE_CHARS + 1)
    if depth > MAX_VALUE_DEPTH:
        return f"would be nested more than {MAX_VALUE_DEPTH} levels deep"
    if length > MAX_VALUE_CHARS:
        return f"would be longer than {MAX_VALUE_CHARS:,} characters written out as JSON"
    return None


def copied(value: Any) -> Any:
    """A copy of `value` that shares nothing that can change with it, as `copy.deepcopy` makes it. A session value
    is nearly always a JSON tree (objects, arrays, strings, numbers, booleans and null, no object or array held
    twice), copied here directly in half the time; anything else is left to `copy.deepcopy`."""
    if type(value) in _ATOMS:
        return value
    try:
        return _tree_copy(value, set())
    except _NotATree:
        return copy.deepcopy(value)


def _tree_copy(value: Any, held: set[int]) -> Any:
    kind = type(value)
    if (kind is not dict and kind is not list) or id(value) in held:
        raise _NotATree
    held.add(id(value))
    if kind is list:
        return [item if type(item) in _ATOMS else _tree_copy(item, held) for item in value]
    # A loop, not a comprehension: on Python 3.11 a comprehension makes a function per call, which costs more
    # than the small objects a session holds.
    tree: dict[Any, Any] = {}
    for key, item in value.items():
        if type(key) not in _ATOMS:
            raise _NotATree
        tree[key] = item if type(item) in _ATOMS else _tree_copy(item, held)
    return tree


def refused_start_value(name: str, value: Any) -> str | None:
    """Why `name` cannot be a starting variable (a test's `variables:`, `--var`), or None when it can.

    internal.* is read-only: what a channel gives (`internal.channel`, `internal.user.firstName`, …) may be given
    to play that channel, what the engine keeps may not.
    """
    try:
        parts = parse_path(name)
    except PathError:
        return f"'{name}' is not a variable name"
    if parts[0] != INTERNAL:
        return None
    if len(parts) > 1 and not isinstance(parts[1], str):
        return f"'{name}' is not a variable name"
    if len(parts) == 1 and not isinstance(value, dict):
        return "'internal' must be a mapping of what the channel gives, such as {channel: facebook}"
    owned = [key for key in (value if len(parts) == 1 else parts[1:2]) if key in ENGINE_OWNED]
    if not owned:
        return None
    return (
        f"internal.{owned[0]} is set by the engine and cannot be given; a test can give only what a channel "
        "gives, such as internal.channel or internal.user.firstName"
    )


def deep_merge(base: Any, extra: Any) -> Any:
    """`extra` merged into a copy of `base`: nested objects merge, everything else is replaced."""
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(extra)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Top-level names whose value differs, as `{name: (before, after)}` (missing is `None`)."""
    names = set(before) | set(after)
    return {
        n: (before.get(n), after.get(n)) for n in sorted(names) if before.get(n, _MISSING) != after.get(n, _MISSING)
    }


@dataclass
class Session:
    """The state of one conversation, rebuilt from its events.

    `variables` holds the user's session variables; `internal` the read-only `internal.*` ones; the rest is
    where the conversation stands (the state it waits in, the choices that can be pressed, ask failures) and
    `contexts`, the active contexts with their remaining lifespan.
    """

    defaults: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)
    internal: dict[str, Any] = field(default_factory=dict)
    waiting: str | None = None
    expect: str = ""
    choices: tuple[ev.ChoiceOut, ...] = ()
    ask_failures: int = 0
    offloaded: bool = False
    contexts: dict[str, int] = field(default_factory=dict)
    _fresh_turn: bool = True
    _current: str | None = field(default=None, init=False, repr=False, compare=False)
    """`internal.currentDialogstate.name`, kept by every write of `internal`: a message asks for it several times."""

    def __post_init__(self) -> None:
        if not self.variables:
            self.variables = copied(self.defaults)
        self.variables.setdefault("locale", "en")
        self.internal.setdefault("channel", "workbench")
        self.internal.setdefault("offloaded", False)
        self._current = _state_name(self.internal)

    @classmethod
    def from_events(
        cls, events: Iterable[ev.Event], defaults: Mapping[str, Any] | None = None, *, base: Session | None = None
    ) -> Session:
        """The session that `events` produce, starting from the flow's `defaults`, or from a copy of `base` (a
        session snapshot, such as the one a long conversation's log keeps of its older turns)."""
        session = copy.deepcopy(base) if base is not None else cls(defaults=copied(dict(defaults or {})))
        for event in events:
            session.apply(event)
        return session

    # --- reading ---

    def get(self, path: str, default: Any = None) -> Any:
        """The value at a dotted path; `internal.*` paths read the internal variables."""
        parts = parse_path(path)
        root = self.variables
        if parts[0] == INTERNAL:
            if len(parts) == 1:
                return self.internal
            root, parts = self.internal, parts[1:]
        if len(parts) == 1 and type(parts[0]) is str:  # a plain name (`said`, `internal.nlp`): most reads are one
            return root.get(parts[0], default)
        return get_path(root, parts, default)

    def write_refusal(self, path: str) -> str | None:
        """Why a `VariableChanged` of `path` would not be applied (see `write_refusal`), or None when it would."""
        if path == INTERNAL:
            return None
        if path.startswith(f"{INTERNAL}."):
            return write_refusal(self.internal, path[len(INTERNAL) + 1 :])
        return write_refusal(self.variables, path)

    def has(self, path: str) -> bool:
        """Whether the path has a value (`None` and the empty string count as none)."""
        return self.get(path) not in (None, "")

    def snapshot(self) -> dict[str, Any]:
        """A deep copy of every variable, with `internal` as a nested object."""
        snap = copy.deepcopy(self.variables)
        snap["internal"] = copy.deepcopy(self.internal)
        return snap

    @property
    def current_state(self) -> str | None:
        """The dialog state the conversation is in."""
        return self._current

    # --- applying events ---

    def apply(self, event: ev.Event) -> None:
        """Change the session as `event` says. Events that do not concern the session are ignored."""
        handler = APPLIERS.get(type(event))
        if handler is not None:
            handler(self, event)

    def _on_variable(self, e: ev.VariableChanged) -> None:
        target, path, value = self.variables, e.name, e.value
        if path.startswith(INTERNAL) and (path == INTERNAL or path.startswith(_INTERNAL_DOT)):
            if e.origin not in _INTERNAL_WRITERS:
                return
            if path == INTERNAL:
                self.internal = deep_merge(self.internal, value)
                self._current = _state_name(self.internal)
                return
            if path == _NLP and e.origin == "nlp" and not e.removed:
                # The NLU makes a new `internal.nlp` for every message and nothing writes inside it: the session
                # holds the event's value itself (a copy of it was a tenth of a message's time).
                self.internal["nlp"] = value
                return
            target, path = self.internal, path[len(INTERNAL) + 1 :]
        # A write the session cannot hold changes nothing (its writer says why: `Session.write_refusal`), so
        # that the log rebuilds to the same session every time.
        try:
            if e.removed:
                delete_path(target, path)
            elif path.isidentifier():  # a plain name (most writes): what `set_path` would write, without parsing it
                target[path] = value if type(value) in _ATOMS else copied(value)
            else:
                set_path(target, path, value if type(value) in _ATOMS else copied(value))
        except PathError:
            pass
        if target is self.internal:
            self._current = _state_name(self.internal)

    def _on_cleared(self, e: ev.SessionCleared) -> None:
        for name in e.removed:
            delete_path(self.variables, name)
        for name, value in e.restored.items():
            self.variables[name] = copied(value)

    def _on_contexts(self, e: ev.ContextsChanged) -> None:
        self.contexts = dict(e.contexts)

    def _on_state(self, e: ev.StateEntered) -> None:
        current = self.internal.get("currentDialogstate")
        if current is not None:
            self.internal["previousDialogstate"] = current
        self.internal["currentDialogstate"] = {"name": e.state}
        self._current = e.state
        self.waiting = None
        self.expect = ""
        self.ask_failures = 0

    def _on_turn(self, e: ev.TurnStarted) -> None:
        self._fresh_turn = True

    def _on_message(self, e: ev.BotMessage) -> None:
        if not (e.buttons or e.quick_replies or e.cards):  # most messages: no choice, and none to gather
            return
        choices = e.choices  # a carousel's cards may have no buttons
        if choices:
            self.choices = choices if self._fresh_turn else self.choices + choices
            self._fresh_turn = False

    def _on_waiting(self, e: ev.WaitingForInput) -> None:
        self.waiting = e.state
        self.expect = e.expect

    def _on_rejected(self, e: ev.InputRejected) -> None:
        self.ask_failures = e.attempt

    def _on_offloaded(self, e: ev.Offloaded) -> None:
        self.offloaded = True
        self.internal["offloaded"] = True

    def _on_handed_back(self, e: ev.HandedBack) -> None:
        self.offloaded = False
        self.internal["offloaded"] = False


def _state_name(internal: dict[str, Any]) -> str | None:
    """The name of the dialog state that `internal.currentDialogstate` says the conversation is in."""
    current = internal.get("currentDialogstate")
    return current.get("name") if isinstance(current, dict) else None


APPLIERS: dict[type[ev.Event], Callable[[Session, Any], None]] = {
    ev.VariableChanged: Session._on_variable,
    ev.SessionCleared: Session._on_cleared,
    ev.ContextsChanged: Session._on_contexts,
    ev.StateEntered: Session._on_state,
    ev.TurnStarted: Session._on_turn,
    ev.BotMessage: Session._on_message,
    ev.WaitingForInput: Session._on_waiting,
    ev.InputRejected: Session._on_rejected,
    ev.Offloaded: Session._on_offloaded,
    ev.HandedBack: Session._on_handed_back,
}
"""What `Session.apply` does for each kind of event that concerns the session (a conversation, which applies every
event it emits, looks the kind up here itself: one call less per event)."""
