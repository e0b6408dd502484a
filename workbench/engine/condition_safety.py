"""Which route conditions are bounded: expressions that cannot loop, define code, change anything or allocate
without bound, so that the engine may evaluate them in a V8 context of its own process instead of the sandbox
worker (a round trip to it costs about a millisecond).

The subset: literals (not regular expressions or BigInts), identifiers, member access (`.x`, `[x]`, `?.`),
template literals, array literals, unary operators other than `delete`, binary, logical and conditional
operators, and calls to a whitelist of pure, bounded functions and methods. Anything else (a `new`, a function
or arrow, an assignment, `this`, `repeat`, `padStart`, `fill`, spread, a tagged template, `Array(n)`) is not in
it, nor is text that does not parse as one expression. Every builtin those calls reach is pristine in the
engine's context (no code action runs there), and session variables arrive as JSON data (no functions), so a
whitelisted name can only call the builtin it names or fail with a TypeError.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import esprima

_CALLABLE_NAMES = frozenset({"Number", "String", "parseInt", "parseFloat", "isNaN", "Boolean"})
_METHODS = frozenset({"includes", "startsWith", "endsWith", "indexOf", "toLowerCase", "toUpperCase", "trim"})
_STATIC_METHODS = {
    "Array": frozenset({"isArray"}),
    "Math": frozenset({"min", "max", "abs", "round", "floor", "ceil"}),
}
# HTML-like comments (`<!--`, `-->` at a line's start) are read differently by esprima and V8: never bounded.
_HTML_COMMENTS = ("<!--", "-->")


@lru_cache(maxsize=8192)
def bounded_names(condition: str) -> frozenset[str] | None:
    """The bare names a bounded condition reads (session variables, `internal`, globals), or None when the
    condition is not in the bounded subset. Decided once per condition text."""
    if any(marker in condition for marker in _HTML_COMMENTS):
        return None
    try:
        program = esprima.parseScript("(" + condition + "\n)")
        if len(program.body) != 1 or program.body[0].type != "ExpressionStatement":
            return None
        names: set[str] = set()
        return frozenset(names) if _bounded(program.body[0].expression, names) else None
    except (esprima.Error, RecursionError):
        return None


def is_bounded(condition: str) -> bool:
    """Whether `condition` is in the bounded subset (see the module's docstring)."""
    return bounded_names(condition) is not None


def _bounded(node: Any, names: set[str]) -> bool:
    """Whether the expression `node` is in the subset; collects the bare names it reads into `names`."""
    kind = node.type
    if kind == "Identifier":
        names.add(node.name)
        return True
    if kind == "Literal":
        return node.regex is None and getattr(node, "bigint", None) is None
    if kind == "TemplateLiteral":
        return all(_bounded(e, names) for e in node.expressions)
    if kind == "ArrayExpression":
        return all(e is not None and _bounded(e, names) for e in node.elements)
    if kind == "MemberExpression":
        return _bounded(node.object, names) and (not node.computed or _bounded(node.property, names))
    if kind == "ChainExpression":
        return _bounded(node.expression, names)
    if kind == "UnaryExpression":
        return node.operator != "delete" and _bounded(node.argument, names)
    if kind in ("BinaryExpression", "LogicalExpression"):
        return _bounded(node.left, names) and _bounded(node.right, names)
    if kind == "ConditionalExpression":
        return all(_bounded(part, names) for part in (node.test, node.consequent, node.alternate))
    if kind == "CallExpression":
        return _allowed_callee(node.callee, names) and all(_bounded(a, names) for a in node.arguments)
    return False


def _allowed_callee(callee: Any, names: set[str]) -> bool:
    if callee.type == "Identifier":
        names.add(callee.name)
        return callee.name in _CALLABLE_NAMES
    if callee.type != "MemberExpression" or callee.computed:
        return False
    method = callee.property.name
    target = callee.object
    if target.type == "Identifier" and target.name in _STATIC_METHODS:
        names.add(target.name)
        return method in _STATIC_METHODS[target.name]
    return method in _METHODS and _bounded(target, names)
