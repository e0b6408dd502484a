"""Values from outside the flow author's control, checked whole before anything of them is applied.

A page's postMessage, an API response and what a code action hands to `send()` arrive as JSON. Here they are read
strictly (`loads`: no `NaN` or `Infinity`, no number too large for JavaScript, whole numbers of at most
`MAX_DIGITS` digits; a lone UTF-16 surrogate, which JavaScript strings may hold, becomes U+FFFD as in
`valid_text`), bounded (`problem`: at most `MAX_DEPTH` levels of arrays and objects; `json_size`), and the session
variables they would write are planned in full (`plan_writes`) so that a refused one leaves the session as it
was. Every reason is a phrase in JSON's terms that a caller puts after what it names ("the message",
"the value of x").
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from workbench.engine.session import INTERNAL, PathError, Session, deep_merge, parse_path, set_path

MAX_DEPTH = 64
"""How deeply arrays and objects from outside may nest."""
MAX_DIGITS = 100
"""The most digits a whole number from outside may have."""


class IncomingError(ValueError):
    """A value or a write refused; the text says why, as a phrase in JSON's terms (`is nested more than…`)."""


def loads(text: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """`text` read as strict JSON and checked with `problem` (nested at most `max_depth` levels), every string
    (keys too) as valid Unicode (`valid_text`); raises `json.JSONDecodeError` for text that is not JSON and
    `IncomingError` for JSON that is refused, saying why.

    A lone surrogate (`"\\ud800"`: JSON allows the escape, JavaScript the string) is replaced here, where values
    from outside enter, because no UTF-8 writer can write it: a recording, a report or a printed line would fail
    on it, and the convo and flow readers refuse the escape, so a recording could not replay it either."""
    if isinstance(text, bytes):
        text = text.decode(json.detect_encoding(text), "surrogatepass")
    if text.startswith("\ufeff"):
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    try:
        data = _DECODER.decode(text)
    except RecursionError:
        raise IncomingError(_too_deep(max_depth)) from None
    # The hooks have refused every number and constant `problem` would, and JSON's keys are strings: only depth is
    # left, and text cannot nest deeper than it has brackets (the common case, walked for nothing otherwise).
    brackets = text.count("[") + text.count("{")
    if brackets > max_depth and (found := problem(data, max_depth=max_depth)) is not None:
        raise IncomingError(found)
    if _SURROGATE_ESCAPE.search(text) or (not text.isascii() and _SURROGATE.search(text)):
        return _valid_strings(data)
    return data


# What JSON text holds when its value may hold a lone surrogate: the `\u` escape of a surrogate (a pair's escapes too:
# then the walk changes nothing), or a surrogate itself (decoded from bytes with "surrogatepass"). Two searches: one
# pattern with both alternatives is several times slower.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_strings(data: Any) -> Any:
    """`data` (nested at most as deep as `loads` allows) with every string and key passed through `valid_text`,
    changed in place."""
    if isinstance(data, str):
        return valid_text(data)
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            for index, child in enumerate(item):
                if isinstance(child, str):
                    item[index] = valid_text(child)
                elif isinstance(child, dict | list):
                    stack.append(child)
        elif isinstance(item, dict):
            pairs = [(valid_text(key), valid_text(v) if isinstance(v, str) else v) for key, v in item.items()]
            item.clear()
            item.update(pairs)
            stack.extend(v for _, v in pairs if isinstance(v, dict | list))
    return data


def _too_deep(max_depth: int) -> str:
    return f"is nested more than {max_depth} levels deep"


def _refuse_constant(name: str) -> Any:
    raise IncomingError(f"holds {name}, which is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise IncomingError(f"holds the number {text[:40]}, too large for a JavaScript number")
    return value


def _bounded_int(digits: str) -> int:
    count = len(digits.lstrip("-"))
    if count > MAX_DIGITS:
        raise IncomingError(f"holds a whole number of {count} digits (at most {MAX_DIGITS})")
    return int(digits)


# One decoder for every read: json.loads with hooks builds a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_int=_bounded_int, parse_float=_finite_float)


def problem(value: Any, root: str = "", *, max_depth: int = MAX_DEPTH) -> str | None:
    """Why `value` cannot be taken as JSON from outside, or None: nested more than `max_depth` levels, a
    number that is not finite or has more than `MAX_DIGITS` digits, anything JSON cannot hold. `root` names
    `value` in the place the reason gives (`at payload.n`). Walked without recursion."""
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(value, 1, ())]
    while stack:
        item, depth, trail = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                return _too_deep(max_depth)
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(item, dict) and not isinstance(key, str):
                    return f"has an object key that is not a string{_at(root, trail)}"
                stack.append((child, depth + 1, (*trail, key)))
        elif isinstance(item, bool) or item is None or isinstance(item, str):
            continue
        elif isinstance(item, float):
            if not math.isfinite(item):
                shown = "NaN" if math.isnan(item) else "Infinity" if item > 0 else "-Infinity"
                return f"holds {shown}{_at(root, trail)}, which is not a JSON number"
        elif isinstance(item, int):
            if abs(item) >= 10**MAX_DIGITS:
                return f"holds a whole number of more than {MAX_DIGITS} digits{_at(root, trail)}"
        else:
            return f"holds a value that JSON cannot hold{_at(root, trail)}"
    return None


def _at(root: str, trail: tuple[str | int, ...]) -> str:
    where = root + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in trail)
    where = where.lstrip(".")
    return f" at {where}" if where else ""


def json_size(value: Any) -> int:
    """The bytes of `value` as compact JSON text (UTF-8); for a value `problem` has passed."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))


def valid_text(text: str) -> str:
    """`text` as valid Unicode: a lone UTF-16 surrogate (which a page's JavaScript can send) becomes U+FFFD, as a
    browser shows it; a surrogate pair becomes its character."""
    if text.isascii():  # most texts: no surrogate to replace, and no round trip through UTF-16
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def name_problem(name: Any) -> str | None:
    """Why `name` cannot name a session variable written from outside, or None: it must be a variable path
    (`a.b[0]`) whose names have no spaces at their start or end. (`is_internal` says whether it is internal.*.)"""
    if not isinstance(name, str):
        return "a variable name must be a string"
    try:
        parts = parse_path(name)
    except PathError as exc:
        return str(exc)
    if name != name.strip() or any(isinstance(part, str) and part != part.strip() for part in parts):
        return f"'{name}' is not a variable name (a name in it starts or ends with a space)"
    return None


def is_internal(name: str) -> bool:
    """Whether `name` (a name `name_problem` has passed) is `internal` or a path inside it, however written."""
    return parse_path(name)[0] == INTERNAL


def plan_writes(
    session: Session, writes: Iterable[tuple[str, Any]], *, merge: bool = False
) -> list[tuple[str, Any, Any]]:
    """The writes of `writes` (names `name_problem` has passed, none internal) as `(name, value, previous)`, in
    order, each seeing the ones before it; with `merge`, an object merges into the object it meets. Raises
    `IncomingError` naming the first one the session would not hold (`Session.write_refusal`): then none applies.

    Only the variables written more than once are copied to try the writes on; the others are checked in place.
    """
    pending = [(name, parse_path(name)[0], value) for name, value in writes]
    shared = {top for top, count in Counter(top for _, top, _ in pending).items() if count > 1}
    scratch = Session()
    scratch.variables = {top: copy.deepcopy(session.variables[top]) for top in shared if top in session.variables}
    planned: list[tuple[str, Any, Any]] = []
    for name, top, value in pending:
        target = scratch if top in shared else session
        refusal = target.write_refusal(name)
        if refusal is not None:
            raise IncomingError(refusal)
        previous = target.get(name)
        if merge and isinstance(previous, dict):
            value = deep_merge(previous, value)
        planned.append((name, value, previous))
        if top in shared:
            set_path(scratch.variables, name, copy.deepcopy(value))
    return planned
