"""A small, deterministic generator of text that a regular expression finds: the `expect: /regex/` answers.

It walks the parsed pattern (`re._parser`, the standard library's own reader) and writes the plainest string of
each part: a literal as itself, a class by its first member, a repetition at its minimum (at least once), the
first branch of an alternation. Anchors, look-arounds and back-references are honoured where that is simple and
otherwise left out; every result is checked against the pattern by the caller (`values`), so a pattern this
cannot satisfy gives no value rather than a wrong one.
"""

from __future__ import annotations

import re
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser as parser  # type: ignore[attr-defined]
from typing import Any

_CATEGORY_EXAMPLES = {
    c.CATEGORY_DIGIT: "1",
    c.CATEGORY_NOT_DIGIT: "a",
    c.CATEGORY_SPACE: " ",
    c.CATEGORY_NOT_SPACE: "a",
    c.CATEGORY_WORD: "a",
    c.CATEGORY_NOT_WORD: "-",
}
_MAX_REPEAT_SHOWN = 8  # `\d{40}` is written out; `a{1000000}` is not worth a conversation


def example(pattern: str) -> str | None:
    """A string that `pattern` (Python syntax) matches in full, or None when this generator cannot write one."""
    try:
        parsed = parser.parse(pattern)
    except re.error:
        return None
    groups: dict[int, str] = {}
    try:
        return _sequence(list(parsed), groups)
    except _Unwritable:
        return None


class _Unwritable(Exception):
    """The pattern holds something this generator does not write."""


def _sequence(items: list[tuple[Any, Any]], groups: dict[int, str]) -> str:
    return "".join(_item(op, value, groups) for op, value in items)


def _item(op: Any, value: Any, groups: dict[int, str]) -> str:
    if op is c.LITERAL:
        return chr(value)
    if op is c.NOT_LITERAL:
        return "a" if chr(value) != "a" else "b"
    if op is c.ANY:
        return "a"
    if op is c.IN:
        return _member(value)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, high, body = value
        count = max(low, 1) if high != 0 else 0
        if count > _MAX_REPEAT_SHOWN and count != low:
            count = low
        return "".join(_sequence(list(body), groups) for _ in range(count))
    if op is c.SUBPATTERN:
        group, _add, _del, body = value
        text = _sequence(list(body), groups)
        if group is not None:
            groups[group] = text
        return text
    if op is c.BRANCH:
        return _sequence(list(value[1][0]), groups)
    if op is c.GROUPREF:
        return groups.get(value, "")
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return ""  # anchors and look-arounds: the plain text usually satisfies them; the caller checks
    if op is c.ATOMIC_GROUP:
        return _sequence(list(value), groups)
    raise _Unwritable(str(op))


def _member(items: list[tuple[Any, Any]]) -> str:
    """The first character a character class accepts (`[^…]` gets one outside the excluded set)."""
    if items and items[0][0] is c.NEGATE:
        excluded = {chr(v) for op, v in items[1:] if op is c.LITERAL}
        return next(ch for ch in "aZ0-_ x" if ch not in excluded)
    op, value = items[0]
    if op is c.LITERAL:
        return chr(value)
    if op is c.RANGE:
        return chr(value[0])
    if op is c.CATEGORY:
        return _CATEGORY_EXAMPLES.get(value, "a")
    raise _Unwritable(str(op))
