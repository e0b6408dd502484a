"""How session values and paths read in the inspector, and how a tester's typed text becomes a value."""

from __future__ import annotations

import json
from typing import Any

from workbench.engine.incoming import loads
from workbench.flow.paths import PathError, parse_path

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """The dotted form the engine reads: `('user', 'items', 0, 'name')` → `user.items[0].name`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def addressable(path: Path) -> bool:
    """Whether the dotted form names exactly this path (a key such as `a.b` or `x[1]` cannot be addressed)."""
    try:
        return parse_path(format_path(path)) == path
    except PathError:
        return False


def json_type(value: Any) -> str:
    """The JSON type name of a value: object, array, string, number, boolean or null."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return "string"


def display_text(value: Any) -> str:
    """One line for the value column: JSON for scalars, a count for objects and arrays."""
    if isinstance(value, dict):
        return f"{{{_count(len(value), 'key')}}}"
    if isinstance(value, list | tuple):
        return f"[{_count(len(value), 'item')}]"
    return _dumps(value)


def edit_text(value: Any) -> str:
    """The editor's starting text, which `parse_edit` turns back into the value: a string is shown bare unless
    it would read as JSON (`12`, `true`), in which case it keeps its quotes."""
    if isinstance(value, str) and parse_edit(value) == value:
        return value
    return _dumps(value)


def parse_edit(text: str) -> Any:
    """What the tester typed: JSON when it parses (`12`, `true`, `{"a": 1}`, `"quoted"`), else the text itself.
    The JSON is read as the engine reads JSON from outside (`incoming.loads`): NaN, Infinity and a number too
    large for JavaScript stay text, and a lone surrogate (`"\\ud800"`) becomes U+FFFD."""
    try:
        return loads(text)
    except ValueError:
        return text


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
