"""What every mutation operator shares: the edit it yields, what it may know of the flow, and small helpers to
reach into a state by path and to describe a change in the flow file's terms."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Document = dict[str, Any]
MESSAGE_KEYS = ("say", "ask", "retry", "give_up")
"""The state keys that hold bot messages (each a string, a message or a list of messages)."""


@dataclass(frozen=True, slots=True)
class Edit:
    """A change inside one state: its description and a function that applies it to a copy of the state."""

    change: str
    apply: Callable[[dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class Scope:
    """What an operator may know of the whole flow: its state names and the variables it sets, each in file
    order, and the document itself."""

    states: list[str]
    variables: list[str]
    document: Document


StateOperator = Callable[[str, dict[str, Any], Scope], Iterator[Edit]]
"""An operator: given a state's name, the state and the scope, the edits it makes to that state."""


def other(target: str, names: list[str], here: str | None = None) -> str | None:
    """The name after `target` in `names` (wrapping), skipping `target` and `here`; the first other name when
    `target` is not among them; None when there is none."""
    if target not in names:
        candidates = [n for n in names if n not in (target, here)]
        return candidates[0] if candidates else None
    start = names.index(target)
    for step in range(1, len(names)):
        candidate = names[(start + step) % len(names)]
        if candidate not in (target, here):
            return candidate
    return None


def misspelt(name: str) -> str:
    """`name` as a hasty typist writes it: its last two characters swapped (`email` → `emali`), or, when they are
    the same (or the swap would start the name with a digit), the last one left out; a name of one character is
    doubled."""
    if len(name) < 2:
        return name * 2
    swapped = name[:-2] + name[-1] + name[-2]
    return swapped if name[-1] != name[-2] and not swapped[0].isdigit() else name[:-1]


def text(value: Any) -> str:
    """A value as the flow file would write it, on one line."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def short(shown: str) -> str:
    """A text on one line, cut at 40 characters."""
    one = " ".join(shown.split())
    return one if len(one) <= 40 else one[:39] + "…"


def at(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], Any]:
    """A function giving the part of a state at `path` (keys and list indexes)."""

    def get(state: dict[str, Any]) -> Any:
        node: Any = state
        for step in path:
            node = node[step]
        return node

    return get


def setter(path: tuple[Any, ...], key: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    """A function setting `key` of the part at `path` to `value`."""

    def apply(state: dict[str, Any]) -> None:
        at(path)(state)[key] = value

    return apply


def deleter(path: tuple[Any, ...], key: Any) -> Callable[[dict[str, Any]], None]:
    """A function removing `key` (or list index) of the part at `path`."""

    def apply(state: dict[str, Any]) -> None:
        del at(path)(state)[key]

    return apply


def renamer(path: tuple[Any, ...], key: str, new: str) -> Callable[[dict[str, Any]], None]:
    """A function renaming `key` of the mapping at `path` to `new`, in the same place among its keys."""

    def apply(state: dict[str, Any]) -> None:
        mapping = at(path)(state)
        items = [(new if k == key else k, v) for k, v in mapping.items()]
        mapping.clear()
        mapping.update(items)

    return apply


def path_text(path: tuple[Any, ...]) -> str:
    """A path inside a state as the flow's translation keys write it: `say[1].buttons[0]`."""
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")


def choices(state: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every button, quick reply and carousel button of the state's messages that is a mapping, with its path."""
    for key in MESSAGE_KEYS:
        messages = state.get(key)
        items = messages if isinstance(messages, list) else [messages]
        for i, message in enumerate(items):
            if not isinstance(message, dict):
                continue
            base: tuple[Any, ...] = (key, i) if isinstance(messages, list) else (key,)
            for kind in ("buttons", "quick_replies"):
                for j, choice in enumerate(message.get(kind) or []):
                    if isinstance(choice, dict):
                        yield (*base, kind, j), choice
            for c, card in enumerate(message.get("carousel") or []):
                for j, choice in enumerate(card.get("buttons") or [] if isinstance(card, dict) else []):
                    if isinstance(choice, dict):
                        yield (*base, "carousel", c, "buttons", j), choice


def routes(state: dict[str, Any]) -> list[Any]:
    """The state's list of `next` routes (empty when `next` is one state name or absent)."""
    found = state.get("next")
    return found if isinstance(found, list) else []
