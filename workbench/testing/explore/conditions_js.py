"""JavaScript's value semantics over JSON values, for the condition solver: truthiness, `typeof`, `Number()`,
`String()`, `==` with its coercions, `===`, `<` on strings and numbers, and the few methods the solver knows.

Only a guide for choosing values: every solution is confirmed in V8 afterwards, so a corner where this differs
from V8 costs a candidate, never a wrong answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from workbench.flow.template import js_number
from workbench.flow.whole_numbers import whole_number


class Undefined:
    """JavaScript's `undefined`: a variable the session does not hold."""

    _instance: Undefined | None = None

    def __new__(cls) -> Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = Undefined()


class JsThrow(Exception):
    """Evaluating the expression would throw in JavaScript (a TypeError); the message says why."""


_DECIMAL = re.compile(r"[+-]?(Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)")
_RADIX = re.compile(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+")
_INT_PREFIX = re.compile(r"[+-]?\d+")
_FLOAT_PREFIX = re.compile(r"[+-]?(Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)")
_WHITESPACE = " \t\n\r\v\f\u00a0\ufeff\u2028\u2029"


def kind(value: Any) -> str:
    """The JavaScript type of a JSON value, as `typeof` says it ('object' for null, arrays and objects)."""
    if value is UNDEFINED:
        return "undefined"
    if value is None or isinstance(value, list | dict):
        return "object"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def truthy(value: Any) -> bool:
    """JavaScript truthiness: false, 0, NaN, '', null and undefined are falsy; `[]` and `{}` are truthy."""
    if value is UNDEFINED or value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str):
        return value != ""
    return True


def to_primitive(value: Any) -> Any:
    """Arrays become their joined text, objects '[object Object]'; primitives stay."""
    if isinstance(value, list):
        return ",".join("" if v is None or v is UNDEFINED else to_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return value


def to_number(value: Any) -> float:
    """`Number(value)`: '' is 0, text that is not a number is NaN, null is 0, undefined is NaN."""
    value = to_primitive(value)
    if value is UNDEFINED:
        return math.nan
    if value is None:
        return 0.0
    if isinstance(value, bool | int | float):
        return float(value)
    text = value.strip(_WHITESPACE)
    if text == "":
        return 0.0
    if _RADIX.fullmatch(text):
        return float(int(text, 0))
    if _DECIMAL.fullmatch(text):
        return float(text.replace("Infinity", "inf"))
    return math.nan


def to_string(value: Any) -> str:
    """`String(value)`."""
    value = to_primitive(value)
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return js_number(float(value))
    return value


def strict_equal(a: Any, b: Any) -> bool:
    """`a === b` (objects are equal only to themselves)."""
    if kind(a) != kind(b):
        return False
    if isinstance(a, list | dict):
        return a is b
    return a == b


def loose_equal(a: Any, b: Any) -> bool:
    """`a == b`, with JavaScript's coercions (null == undefined, '1' == 1, true == 1, [1] == '1')."""
    ka, kb = kind(a), kind(b)
    if ka == kb and (ka != "object" or (a is None) == (b is None)):
        return strict_equal(a, b)
    nullish = (a is None or a is UNDEFINED, b is None or b is UNDEFINED)
    if any(nullish):
        return all(nullish)
    if ka == "boolean" or kb == "boolean":
        return loose_equal(to_number(a) if ka == "boolean" else a, to_number(b) if kb == "boolean" else b)
    if ka == "object" or kb == "object":
        return loose_equal(to_primitive(a), to_primitive(b))
    return to_number(a) == to_number(b)


def _code_units(text: str) -> bytes:
    return text.encode("utf-16-be", "surrogatepass")


def relation(a: Any, operator: str, b: Any) -> bool:
    """`a < b` (and `<=`, `>`, `>=`): text against text by code units, anything else as numbers (NaN: false)."""
    pa, pb = to_primitive(a), to_primitive(b)
    if isinstance(pa, str) and isinstance(pb, str):
        x: Any = _code_units(pa)
        y: Any = _code_units(pb)
    else:
        x, y = to_number(pa), to_number(pb)
        if math.isnan(x) or math.isnan(y):
            return False
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[operator]


COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "===": strict_equal,
    "!==": lambda a, b: not strict_equal(a, b),
    "==": loose_equal,
    "!=": lambda a, b: not loose_equal(a, b),
    "<": lambda a, b: relation(a, "<", b),
    "<=": lambda a, b: relation(a, "<=", b),
    ">": lambda a, b: relation(a, ">", b),
    ">=": lambda a, b: relation(a, ">=", b),
}
FLIPPED = {"===": "===", "!==": "!==", "==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
"""The operator that keeps the meaning when its two sides swap (`3 < x` is `x > 3`)."""


def get(value: Any, key: str | int, optional: bool) -> Any:
    """`value[key]` (`value?.[key]` when optional: undefined for null or undefined instead of a TypeError)."""
    if value is None or value is UNDEFINED:
        if optional:
            return UNDEFINED
        raise JsThrow(f"cannot read properties of {to_string(value)} (reading '{key}')")
    if isinstance(value, dict):
        return value.get(str(key), UNDEFINED)
    if isinstance(value, list | str):
        if key == "length":
            return len(value) if isinstance(value, list) else len(_code_units(value)) // 2
        index = key if isinstance(key, int) else whole_number(key)
        if index is not None and index < len(value):
            return value[index]
    return UNDEFINED


def _parse_int(value: Any) -> float:
    text = to_string(value).lstrip(_WHITESPACE)
    if re.match(r"[+-]?0[xX][0-9a-fA-F]", text):
        sign = -1 if text.startswith("-") else 1
        digits = re.match(r"[0-9a-fA-F]+", text.lstrip("+-")[2:])
        return float(sign * int(digits.group(), 16)) if digits else math.nan
    match = _INT_PREFIX.match(text)
    return float(int(match.group())) if match else math.nan


def _parse_float(value: Any) -> float:
    match = _FLOAT_PREFIX.match(to_string(value).lstrip(_WHITESPACE))
    return float(match.group().replace("Infinity", "inf")) if match else math.nan


def _same_value_zero(a: Any, b: Any) -> bool:
    both_nan = isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
    return both_nan or strict_equal(a, b)


def _text_method(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise JsThrow(f"{to_string(value) if kind(value) != 'object' else 'the value'}.{name} is not a function")
    return value


FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "Number": to_number,
    "String": to_string,
    "Boolean": truthy,
    "parseInt": _parse_int,
    "parseFloat": _parse_float,
    "isNaN": lambda v: math.isnan(to_number(v)),
    "Array.isArray": lambda v: isinstance(v, list),
}
"""The global functions of one argument the solver knows."""


def call_method(value: Any, name: str, argument: Any) -> Any:
    """`value.name(argument)` for the methods the solver knows (`argument` is UNDEFINED for none)."""
    if name == "toLowerCase":
        return _text_method(name, value).lower()
    if name == "toUpperCase":
        return _text_method(name, value).upper()
    if name == "trim":
        return _text_method(name, value).strip(_WHITESPACE)
    if name == "includes" and isinstance(value, list):
        return any(_same_value_zero(item, argument) for item in value)
    if name == "indexOf" and isinstance(value, list):
        return next((i for i, item in enumerate(value) if strict_equal(item, argument)), -1)
    text = _text_method(name, value)
    needle = to_string(argument)
    if name == "includes":
        return needle in text
    if name == "indexOf":
        return len(_code_units(text[: text.find(needle)])) // 2 if needle in text else -1
    if name == "startsWith":
        return text.startswith(needle)
    return text.endswith(needle)


METHODS = frozenset({"toLowerCase", "toUpperCase", "trim", "includes", "indexOf", "startsWith", "endsWith"})
"""The methods the solver knows."""
