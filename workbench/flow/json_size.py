"""How deep and how long a value is as JSON, measured without writing it: each array or object once, however often
the value holds it (one held twice at every level stands for far more text than memory holds)."""

from __future__ import annotations

from typing import Any

CONTAINERS = (dict, list, tuple)
"""What JSON writes as an array or an object."""
_LOOP = 10**9
"""The depth of an array or object that holds itself: deeper than any bound."""


def json_sizes(value: Any, cap: int) -> dict[int, tuple[int, int]]:
    """The depth (levels of arrays and objects, from 1) and about the length of the JSON (each string, number and
    mark counted; at most `cap`) of every array and object in `value`, by id. Walked without recursion."""
    measured: dict[int, tuple[int, int]] = {}
    started: set[int] = set()  # met again before it is measured: it holds itself
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, ready = stack.pop()
        if id(item) in measured or not isinstance(item, CONTAINERS) or (not ready and id(item) in started):
            continue
        children = item.values() if isinstance(item, dict) else item
        if not ready:  # its arrays and objects first, then itself
            started.add(id(item))
            stack.append((item, True))
            stack.extend((c, False) for c in children if isinstance(c, CONTAINERS) and id(c) not in measured)
            continue
        depth, length = 1, 1 + max(len(children), 1)  # brackets and commas
        if isinstance(item, dict):
            length += sum(len(key) + 3 if isinstance(key, str) else 8 for key in item)
        for child in children:
            if isinstance(child, str):
                length += len(child) + 2
            elif isinstance(child, CONTAINERS):
                below, written = measured.get(id(child), (_LOOP, cap))  # not measured yet: it holds itself
                depth, length = max(depth, below + 1), length + written
            else:
                length += 5
        measured[id(item)] = (depth, min(length, cap))
    return measured


def json_size(value: Any, cap: int) -> tuple[int, int]:
    """The depth and about the JSON length (at most `cap`) of `value` (`json_sizes`); (0, 0) for a value that is
    not an array or an object."""
    return json_sizes(value, cap).get(id(value), (0, 0))
