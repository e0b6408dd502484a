"""The values the solver tries for one session path: drawn from the literals the condition compares it with
(and their neighbours, case and length variants, texts that combine what `includes`, `startsWith` and
`endsWith` ask for), then a few plain ones. Always in the same order, so the same condition gets the same
answer."""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from typing import Any

from workbench.testing.explore.conditions_js import UNDEFINED, kind, to_number
from workbench.testing.explore.conditions_parse import Atom

MAX_CANDIDATES = 300
"""The most values the solver tries for one path."""

PLAIN: tuple[Any, ...] = (True, False, 0, 1, "", "x", None, -1, "yes", "no", [], ["x"], {}, UNDEFINED)
"""Values worth a try for any path, after those the condition suggests (UNDEFINED, not in the session, last)."""

_TYPEOF: dict[str, tuple[Any, ...]] = {
    "string": ("x", ""),
    "number": (0, 1),
    "boolean": (True, False),
    "object": ({}, None, []),
    "undefined": (UNDEFINED,),
}


def value_key(value: Any) -> tuple[str, Any]:
    """A key that tells JSON values apart by type as well (1, 1.5, true and '1' differ)."""
    if isinstance(value, list | dict):
        return type(value).__name__, json.dumps(value, sort_keys=True)
    return type(value).__name__, value


def _number(value: float) -> int | float | None:
    """A JSON number (an int when whole), or None for NaN and infinities."""
    if math.isnan(value) or math.isinf(value):
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def candidates(atoms: Sequence[Atom], current: Any = UNDEFINED) -> Iterator[Any]:
    """The values to try, in order, for the path the atoms read, whose value is now `current`: values of its
    type first (a list stays a list), starting with `current` grown by what `includes` asks for. Made as they
    are tried: the first often fits."""
    others: list[Any] = []
    for value in _distinct(itertools.chain(_grown(atoms, current), _ordered(atoms))):
        if current is UNDEFINED or (kind(value) == kind(current) and (value is None) == (current is None)):
            yield value
        else:
            others.append(value)
    yield from others


def _distinct(values: Iterable[Any]) -> Iterator[Any]:
    """The JSON values among `values` (numbers made ints when whole), each once, at most `MAX_CANDIDATES`."""
    seen: set[tuple[str, Any]] = set()
    for value in values:
        if isinstance(value, float):
            value = _number(value)
        if value is not UNDEFINED and not _is_json(value):
            continue
        key = value_key(value)
        if key not in seen:
            seen.add(key)
            yield value
            if len(seen) >= MAX_CANDIDATES:
                return


def _grown(atoms: Sequence[Atom], current: Any) -> Iterator[Any]:
    """`current` with the items or text that `includes` asks for added."""
    wanted = [op[2] for a in atoms for op in a.term.tail if op[0] == "call" and op[1] == "includes"]
    if wanted and isinstance(current, list):
        yield [*current, *wanted]
    if wanted and isinstance(current, str):
        yield current + "".join(str(w) if not isinstance(w, str) else w for w in wanted)


def _is_json(value: Any) -> bool:
    """Whether a session can hold `value` (no NaN, infinity or undefined inside)."""
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    if isinstance(value, float):
        return _number(value) is not None
    return value is not UNDEFINED


def _ordered(atoms: Sequence[Atom]) -> Iterator[Any]:
    literals = [a.literal for a in atoms if a.operator not in (None, "in") and not _about_shape(a)]
    members = [m for a in atoms if a.operator == "in" for m in a.literal]
    arguments = [op[2] for a in atoms for op in a.term.tail if op[0] == "call" and op[2] is not UNDEFINED]
    lengths = [a.literal for a in atoms if _is_length(a) and _as_number(a.literal) is not None]
    yield from literals
    yield from members
    numbers = sorted({n for n in (_as_number(v) for v in [*literals, *members]) if n is not None})
    for n in numbers:
        yield from (n + 1, n - 1)
    for low, high in pairwise(numbers):
        yield (low + high) / 2
    for n in numbers:
        yield from (str(_number(n)), str(_number(n + 1)), str(_number(n - 1)))
    texts = [v for v in [*literals, *members, *arguments] if isinstance(v, str)]
    yield from _combined(atoms, lengths)
    for atom in atoms:
        if any(op[0] == "typeof" for op in atom.term.tail) and isinstance(atom.literal, str):
            yield from _TYPEOF.get(atom.literal, ())
        if any(op == ("fn", "Array.isArray") for op in atom.term.tail):
            yield from ([], ["x"])
    for value in [*literals, *members, *arguments]:
        yield from _TYPEOF.get(kind(value), ())  # the same type first: a text for a text, a number for a number
    yield from PLAIN
    for text in texts:
        yield from (text.upper(), text.lower(), text.capitalize(), f" {text} ", text + "x", "x" + text)
    for value in [*literals, *members, *arguments]:
        yield [value]


def _about_shape(atom: Atom) -> bool:
    """Whether the atom's literal speaks of the value's length or type rather than being a value it may have."""
    return _is_length(atom) or any(op[0] == "typeof" or op == ("fn", "Array.isArray") for op in atom.term.tail)


def _is_length(atom: Atom) -> bool:
    tail = atom.term.tail
    return bool(tail) and tail[0][:2] == ("get", "length")


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool) or value is UNDEFINED or value is None:
        return None
    number = to_number(value) if isinstance(value, str) else float(value) if isinstance(value, int | float) else None
    if number is None or math.isnan(number) or math.isinf(number):
        return None
    return number


def _combined(atoms: Sequence[Atom], lengths: Iterable[float]) -> Iterator[Any]:
    """Texts and lists that satisfy several calls at once: the `startsWith` prefix, the `includes` parts and
    the `endsWith` suffix joined, padded to each length the condition names."""
    parts: dict[str, list[str]] = {"startsWith": [], "includes": [], "endsWith": []}
    items: list[Any] = []
    for atom in atoms:
        for op in atom.term.tail:
            if op[0] == "call" and op[1] in parts:
                parts[op[1]].append(str(op[2]) if not isinstance(op[2], str) else op[2])
                if op[1] == "includes":
                    items.append(op[2])
    head = "".join(parts["startsWith"][:1] + parts["includes"])
    tail = "".join(parts["endsWith"][:1])
    if head or tail:
        yield head + tail
    if items:
        yield items
    for length in sorted({int(n) for n in (_as_number(v) for v in lengths) if n is not None and 0 <= n <= 1000}):
        for size in (length, length + 1, max(length - 1, 0)):
            yield head + "x" * max(size - len(head) - len(tail), 0) + tail
            yield items + ["x"] * max(size - len(items), 0)
