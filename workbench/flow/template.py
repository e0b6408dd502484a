"""`{var}` interpolation, Chatlayer style.

`{name}`, `{user.lastName}`, `{items[0]}`, with modifiers `{name|toUpperCase}`, `|toLowerCase`, `|capitalize` and
`|increment` (a number plus one; meant for values in `set:`). A `{` that does not start a variable name (`{ `,
`{"`, `{}`) is literal text, so JSON inside messages survives. A missing variable renders as an empty string and
is reported through `on_missing`, never raised. Numbers are written as JavaScript writes them, and a rendered text
stops at `MAX_TEXT` characters with a note saying so.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from workbench.flow.json_size import CONTAINERS, json_sizes
from workbench.flow.paths import PathError, parse_path

MODIFIERS: frozenset[str] = frozenset({"toUpperCase", "toLowerCase", "capitalize", "increment"})
SHOWN_CHARS = 160
"""How much of a template `shown` keeps."""
MAX_TEXT = 16 * 2**20
"""The most characters a template renders to; the rest is cut with `CUT_NOTE`."""
CUT_NOTE = f"… (cut: the text is longer than {MAX_TEXT:,} characters)"
MAX_WRITTEN_DEPTH = 500
"""How deeply nested a value Python's JSON writer is trusted with (it stops at its recursion limit, ~1,000)."""
MAX_SAFE_INTEGER = 2**53 - 1
"""JavaScript's `Number.MAX_SAFE_INTEGER`: whole numbers beyond it are not exact in JavaScript."""

_OPEN = re.compile(r"\{(?=[A-Za-z_$])")
_INNER = re.compile(r"[^{}\n]*")
# What JavaScript's Number() reads as a decimal number (Python's float() also takes `nan`, `1_000` and other digits).
_DECIMAL = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)

Lookup = Callable[[str], Any]
OnMissing = Callable[[str], None]


class TemplateError(ValueError):
    """A malformed template; `column` counts from 1 within the template text."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One `{path|modifier…}` in a template."""

    path: str
    modifiers: tuple[str, ...]
    start: int
    end: int


@lru_cache(maxsize=4096)
def parse(text: str) -> tuple[Placeholder, ...]:
    """The placeholders of `text`; raises `TemplateError` for an unclosed or malformed one."""
    found: list[Placeholder] = []
    for m in _OPEN.finditer(text):
        inner = _INNER.match(text, m.end())
        end = inner.end() if inner else m.end()
        if end >= len(text) or text[end] != "}":
            raise TemplateError(f"unclosed template '{text[m.start() : end]}'", m.start() + 1)
        body = text[m.end() : end]
        path, *mods = (p.strip() for p in body.split("|"))
        try:
            parse_path(path)
        except PathError:
            raise TemplateError(f"bad variable name '{path}' in template", m.start() + 1) from None
        for mod in mods:
            if mod not in MODIFIERS:
                known = ", ".join(sorted(MODIFIERS))
                raise TemplateError(f"unknown modifier '{mod}' (known: {known})", m.start() + 1)
        found.append(Placeholder(path, tuple(mods), m.start(), end + 1))
    return tuple(found)


def variables(text: str) -> list[str]:
    """The variable paths a template refers to (empty if it is malformed)."""
    try:
        return [p.path for p in parse(text)]
    except TemplateError:
        return []


def to_text(value: Any) -> str:
    """A value as JavaScript would print it in a string: `3` not `3.0`, `1e+21`, objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            str(int(value))
            if value.is_integer() and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
            else js_number(value)
        )
    if isinstance(value, int) and not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        return js_number(float(value) if value.bit_length() <= 1024 else math.copysign(math.inf, value))
    if isinstance(value, dict | list):
        return _json(value)
    return str(value)


def js_number(number: float) -> str:
    """`number` as JavaScript's String() writes it: the shortest digits that read back, `1e+21` from 10**21 on,
    `1e-7` below 10**-6, `NaN`, `Infinity`."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    mantissa, _, power = repr(abs(number)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    raw = whole + fraction
    digits = raw.lstrip("0")
    point = len(whole) + int(power or 0) - (len(raw) - len(digits))  # where the point falls after digits[0…]
    digits = digits.rstrip("0")
    sign = "-" if number < 0 else ""
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return f"{sign}{digits[:point]}.{digits[point:]}"
    if -6 < point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    exponent = point - 1
    head = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{head}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"


def shown(template: Any) -> str:
    """A template as its author reads it in a message: text as written, a templated YAML value (an API body, a
    JSON Builder message) as compact JSON; cut short after SHOWN_CHARS characters."""
    text = template if isinstance(template, str) else _json(template)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _json(value: Any) -> str:
    """`value` as compact JSON, cut at MAX_TEXT characters with CUT_NOTE. A value that holds one array many times
    over (a `set:` of `["{x}", "{x}"]` on every turn doubles it) can stand for far more text than memory holds, and
    one nested deeper than Python's JSON writer goes (a `set:` of `["{x}"]` on every turn) would make it fail: such
    a value is written in parts, as far as the bound."""
    sizes = json_sizes(value, MAX_TEXT + 1)
    depth, length = sizes.get(id(value), (0, 0))
    if depth >= MAX_WRITTEN_DEPTH or length > MAX_TEXT:
        return _written(value, sizes)
    text = _dumps(value)  # a string's escapes may make it longer than measured
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + CUT_NOTE


def _dumps(value: Any) -> str:
    # `default=str`: YAML may hold dates, which JSON has no word for.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _written(value: Any, sizes: dict[int, tuple[int, int]]) -> str:
    """`value` as `_dumps` writes it, in parts and without recursion, stopping past MAX_TEXT characters: each part
    small enough (by `sizes`, of `json_sizes`) is written at once, and once only however often the value holds it."""
    out: list[str] = []
    size = 0
    parts: dict[int, str] = {}
    stack: list[tuple[bool, Any]] = [(False, value)]  # (True, text to write) or (False, a value to write)
    while stack and size <= MAX_TEXT:
        is_text, item = stack.pop()
        if is_text:
            piece = item
        elif not isinstance(item, CONTAINERS):
            piece = _dumps(item)
        elif id(item) in parts:
            piece = parts[id(item)]
        elif sizes[id(item)][0] < MAX_WRITTEN_DEPTH and sizes[id(item)][1] <= _PART:
            piece = parts[id(item)] = _dumps(item)
        else:
            keyed = isinstance(item, dict)
            todo: list[tuple[bool, Any]] = []
            for n, (key, entry) in enumerate(item.items() if keyed else ((None, v) for v in item)):
                head = "," if n else ""
                if keyed:
                    head += _dumps(key if isinstance(key, str) else _dumps(key)) + ":"
                todo += [(True, head), (False, entry)]
            todo.append((True, "}" if keyed else "]"))
            stack.extend(reversed(todo))
            piece = "{" if keyed else "["
        out.append(piece)
        size += len(piece)
    text = "".join(out)
    return text[:MAX_TEXT] + CUT_NOTE if stack or len(text) > MAX_TEXT else text


_PART = 2**16
"""How long a part of a value `_written` writes at once may be."""


def _number(value: Any) -> float:
    """What `increment` adds one to: the value as a finite number, 0 for anything else (text that is no decimal
    number, `NaN`, a number beyond JavaScript's)."""
    if isinstance(value, str):
        value = float(value) if _DECIMAL.fullmatch(value) else 0
    if not isinstance(value, int | float):
        return 0.0
    number = float(value) if not isinstance(value, int) or value.bit_length() <= 1024 else math.inf
    return number if math.isfinite(number) else 0.0


def _apply(value: Any, modifiers: tuple[str, ...]) -> Any:
    for mod in modifiers:
        if mod == "increment":
            number = _number(value) + 1
            # A whole number stays one (`3`, not `3.0`) while JavaScript holds it exactly.
            value = int(number) if number.is_integer() and abs(number) <= MAX_SAFE_INTEGER else number
        elif mod == "toUpperCase":
            value = to_text(value).upper()
        elif mod == "toLowerCase":
            value = to_text(value).lower()
        elif mod == "capitalize":
            text = to_text(value)
            value = text[:1].upper() + text[1:]
    return value


def _resolve(p: Placeholder, lookup: Lookup, on_missing: OnMissing | None) -> Any:
    value = lookup(p.path)
    if value is None and "increment" not in p.modifiers and on_missing is not None:
        on_missing(p.path)
    return _apply(value, p.modifiers)


def render(text: str, lookup: Lookup, on_missing: OnMissing | None = None) -> str:
    """`text` with every placeholder filled in. A malformed template is returned unchanged."""
    if "{" not in text:
        return text
    try:
        placeholders = parse(text)
    except TemplateError:
        return text
    out: list[str] = []
    pos = 0
    size = 0
    for p in placeholders:
        out.append(text[pos : p.start])
        if p.modifiers:
            value = _resolve(p, lookup, on_missing)
        else:  # most placeholders: `_resolve` without modifiers to apply
            value = lookup(p.path)
            if value is None and on_missing is not None:
                on_missing(p.path)
        piece = value if type(value) is str else to_text(value)
        out.append(piece)
        size += p.start - pos + len(piece)
        if size > MAX_TEXT:  # stop here: the pieces still to come are not even made
            return "".join(out)[:MAX_TEXT] + CUT_NOTE
        pos = p.end
    out.append(text[pos:])
    return "".join(out)


def render_value(value: Any, lookup: Lookup, on_missing: OnMissing | None = None) -> Any:
    """Render templates inside any YAML value, recursively.

    A string that is exactly one placeholder keeps the variable's type (`"{count|increment}"` gives a number);
    `{var: path}` gives the variable's value and `{state: name}` the dialog state's id.
    """
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}"):
            try:
                placeholders = parse(value)
            except TemplateError:
                return value
            if len(placeholders) == 1 and placeholders[0].start == 0 and placeholders[0].end == len(value):
                resolved = _resolve(placeholders[0], lookup, on_missing)
                return "" if resolved is None else resolved
        return render(value, lookup, on_missing)
    if isinstance(value, dict):
        if len(value) == 1 and "var" in value and isinstance(value["var"], str):
            found = lookup(value["var"])
            if found is None and on_missing is not None:
                on_missing(value["var"])
            return found
        if len(value) == 1 and "state" in value and isinstance(value["state"], str):
            return value["state"]
        return {k: render_value(v, lookup, on_missing) for k, v in value.items()}
    if isinstance(value, list):
        return [render_value(v, lookup, on_missing) for v in value]
    return value
