"""A route condition read into the form the solver works on: `&&`, `||` and `!` over atoms that compare one
session value (through a few known functions and methods) with a literal, or test its truthiness. Whatever is
outside that subset becomes an `Opaque` part that says, in JavaScript's terms, what the solver does not know.

Parsed with esprima, never evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import esprima

from workbench.flow.paths import cut
from workbench.flow.whole_numbers import whole_number
from workbench.testing.explore.conditions_js import COMPARE, FLIPPED, FUNCTIONS, METHODS, UNDEFINED, truthy

MAX_LENGTH = 10_000
"""The longest condition the solver reads (characters)."""
MAX_DEPTH = 60
"""How deeply the solver follows nested expressions."""

Op = tuple[Any, ...]
"""One step from a session value to what the condition compares: ("get", key, optional), ("call", method,
argument, optional), ("fn", name), ("typeof",) or ("end",) where an optional chain ends."""

# Every JavaScript object has these, so a JSON value's missing key is not undefined there.
_PROTOTYPE_KEYS = frozenset(
    {"constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "toLocaleString"}
)
_NO_LITERAL = object()


@dataclass(frozen=True)
class Term:
    """A session value as the condition reads it: the variable `root`, then `ops` (`user.name.toLowerCase()`)."""

    root: str
    ops: tuple[Op, ...]
    text: str

    @cached_property
    def path(self) -> tuple[str | int, ...]:
        """The session path the term reads (the variable and the keys before any call or `.length`)."""
        keys: list[str | int] = [self.root]
        for op in self.ops:
            if op[0] != "get" or op[1] == "length":
                break
            keys.append(op[1])
        return tuple(keys)

    @cached_property
    def tail(self) -> tuple[Op, ...]:
        """The steps after `path`."""
        return self.ops[len(self.path) - 1 :]


@dataclass(frozen=True)
class Atom:
    """`term <operator> literal`; `operator` None is the term's truthiness, "in" is `[...literal].includes(term)`."""

    term: Term
    operator: str | None
    literal: Any


@dataclass(frozen=True)
class Opaque:
    """A part of the condition the solver cannot decide: `reason` says why, `names` are the variables it reads."""

    reason: str
    names: tuple[str, ...]
    literals: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Const:
    """A part whose truth does not depend on the session (`1 === 1`, `true`)."""

    value: bool


@dataclass(frozen=True)
class Not:
    """`!part`."""

    part: Node


@dataclass(frozen=True)
class And:
    """`a && b && …`, evaluated left to right."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """`a || b || …`, evaluated left to right."""

    parts: tuple[Node, ...]


Node = Atom | Opaque | Const | Not | And | Or


class _Unsupported(Exception):
    """A part outside the solver's subset; the message says what it is."""


@lru_cache(maxsize=4096)
def read_condition(condition: str) -> Node:
    """The condition's tree; an `Opaque` root when it does not parse, is too long or too deep."""
    if len(condition) > MAX_LENGTH:
        return Opaque(f"is too long for the solver ({len(condition):,} characters; at most {MAX_LENGTH:,})", ())
    source = "(" + condition + "\n)"
    try:
        program = esprima.parseScript(source, range=True)
    except RecursionError:  # esprima's own nesting limit or Python's, whichever the caller's stack meets first
        return Opaque("is not a JavaScript expression the solver can read: it is nested too deeply", ())
    except esprima.Error as exc:
        message = re.sub(r"^Line \d+: ", "", str(exc))
        return Opaque(f"is not a JavaScript expression the solver can read: {message}", ())
    if len(program.body) != 1 or program.body[0].type != "ExpressionStatement":
        return Opaque("is not one JavaScript expression", ())
    try:
        return _Reader(source).boolean(program.body[0].expression, 0)
    except RecursionError:
        return Opaque("is nested too deeply for the solver to read", ())


class _Reader:
    """Turns esprima's tree of one condition into the solver's."""

    def __init__(self, source: str) -> None:
        self._source = source

    def text(self, node: Any) -> str:
        """The source of `node`, shortened for messages."""
        start, end = node.range
        return cut(" ".join(self._source[start:end].split()), 80)

    def boolean(self, node: Any, depth: int) -> Node:
        """`node` where only its truthiness matters."""
        if depth > MAX_DEPTH:
            return Opaque(f"nests deeper than the solver follows: `{self.text(node)}`", *_reads(node))
        kind = node.type
        if kind == "LogicalExpression" and node.operator in ("&&", "||"):
            parts = tuple(self.boolean(part, depth + 1) for part in _operands(node, node.operator))
            return And(parts) if node.operator == "&&" else Or(parts)
        if kind == "UnaryExpression" and node.operator == "!":
            return Not(self.boolean(node.argument, depth + 1))
        if kind == "ConditionalExpression":
            test = self.boolean(node.test, depth + 1)
            yes, no = self.boolean(node.consequent, depth + 1), self.boolean(node.alternate, depth + 1)
            return Or((And((test, yes)), And((Not(test), no))))
        if kind == "BinaryExpression" and node.operator in COMPARE:
            return self.comparison(node, depth)
        literal = _literal(node)
        if literal is not _NO_LITERAL:
            return Const(truthy(literal))
        return self.atom(node, None, None, depth)

    def comparison(self, node: Any, depth: int) -> Node:
        """`left <op> right`, with a literal on one side."""
        left, right = _literal(node.left), _literal(node.right)
        if left is not _NO_LITERAL and right is not _NO_LITERAL:
            return Const(COMPARE[node.operator](left, right))
        if left is _NO_LITERAL and right is _NO_LITERAL:
            return Opaque(f"compares two values that both depend on the session: `{self.text(node)}`", *_reads(node))
        if right is not _NO_LITERAL:
            return self.atom(node.left, node.operator, right, depth)
        return self.atom(node.right, FLIPPED[node.operator], left, depth)

    def atom(self, node: Any, operator: str | None, literal: Any, depth: int) -> Node:
        """An atom over the term `node`, or what the solver does not know about it."""
        membership = _membership(node)
        if membership is not None and operator is None:
            values, argument = membership
            node, operator, literal = argument, "in", values
        try:
            return Atom(self.term(node, depth), operator, literal)
        except _Unsupported as exc:
            return Opaque(str(exc), *_reads(node))

    def term(self, node: Any, depth: int) -> Term:
        """The session value `node` reads; `_Unsupported` when it is not one the solver knows."""
        if depth > MAX_DEPTH:
            raise _Unsupported(f"nests deeper than the solver follows: `{self.text(node)}`")
        kind = node.type
        if kind == "Identifier":
            return Term(node.name, (), self.text(node))
        if kind == "ChainExpression":
            inner = self.term(node.expression, depth + 1)
            return Term(inner.root, (*inner.ops, ("end",)), self.text(node))
        if kind == "MemberExpression":
            inner = self.term(node.object, depth + 1)
            return Term(inner.root, (*inner.ops, ("get", self.key(node), bool(node.optional))), self.text(node))
        if kind == "UnaryExpression" and node.operator in ("typeof", "+"):
            inner = self.term(node.argument, depth + 1)
            step = ("typeof",) if node.operator == "typeof" else ("fn", "Number")
            return Term(inner.root, (*inner.ops, step), self.text(node))
        if kind == "CallExpression":
            return self.call(node, depth)
        raise _Unsupported(f"uses `{self.text(node)}`, which the solver does not handle")

    def key(self, node: Any) -> str | int:
        """The key of a member access: a name, or a literal in brackets that a session path can name."""
        if not node.computed:
            key: Any = node.property.name
        else:
            key = _literal(node.property)
            if isinstance(key, str) and (number := whole_number(key)) is not None:
                key = number
            elif isinstance(key, float) and key.is_integer():
                key = int(key)
            if key is _NO_LITERAL or isinstance(key, bool) or not isinstance(key, str | int):
                raise _Unsupported(f"reads a property whose name depends on the session: `{self.text(node)}`")
            if isinstance(key, int) and key < 0:
                raise _Unsupported(f"reads a negative index: `{self.text(node)}`")
        if isinstance(key, str) and (key in _PROTOTYPE_KEYS or not key or any(c in key for c in ".[]")):
            raise _Unsupported(f"reads `{self.text(node)}`, a property the solver cannot choose")
        return key

    def call(self, node: Any, depth: int) -> Term:
        """`Number(x)`, `Array.isArray(x)`, `x.toLowerCase()`, `x.includes('a')` and their kin."""
        callee = node.callee
        name = _callee_name(callee)
        if name in FUNCTIONS:
            args = node.arguments
            radix_ok = name == "parseInt" and len(args) == 2 and _literal(args[1]) == 10
            if len(args) != 1 and not radix_ok:
                raise _Unsupported(f"calls `{name}` with arguments the solver does not handle: `{self.text(node)}`")
            inner = self.term(args[0], depth + 1)
            return Term(inner.root, (*inner.ops, ("fn", name)), self.text(node))
        if callee.type == "MemberExpression" and not callee.computed and callee.property.name in METHODS:
            method = callee.property.name
            takes_one = method not in ("toLowerCase", "toUpperCase", "trim")
            argument = _literal(node.arguments[0]) if len(node.arguments) == 1 else _NO_LITERAL
            if len(node.arguments) != int(takes_one) or (takes_one and argument is _NO_LITERAL):
                raise _Unsupported(f"calls `{method}` with arguments the solver does not handle: `{self.text(node)}`")
            inner = self.term(callee.object, depth + 1)
            step = ("call", method, argument if takes_one else UNDEFINED, bool(callee.optional or node.optional))
            return Term(inner.root, (*inner.ops, step), self.text(node))
        if callee.type == "MemberExpression" and not callee.computed:
            raise _Unsupported(f"calls a method the solver does not know: `{self.text(node)}`")
        raise _Unsupported(f"calls a function the solver does not know: `{self.text(node)}`")


def _operands(node: Any, operator: str) -> list[Any]:
    """The operands of a chain of one logical operator (`a && b && c`), without recursion: chains are long."""
    out: list[Any] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "LogicalExpression" and current.operator == operator:
            stack.extend((current.right, current.left))
        else:
            out.append(current)
    return out


def _callee_name(callee: Any) -> str | None:
    if callee.type == "Identifier":
        return str(callee.name)
    if callee.type == "MemberExpression" and not callee.computed and callee.object.type == "Identifier":
        return f"{callee.object.name}.{callee.property.name}"
    return None


def _membership(node: Any) -> tuple[tuple[Any, ...], Any] | None:
    """`['a', 'b'].includes(x)`: the literal values and the argument node, or None."""
    if node.type != "CallExpression" or len(node.arguments) != 1:
        return None
    callee = node.callee
    if callee.type != "MemberExpression" or callee.computed or callee.property.name != "includes":
        return None
    if callee.object.type != "ArrayExpression":
        return None
    values = tuple(_literal(e) if e is not None else _NO_LITERAL for e in callee.object.elements)
    if any(v is _NO_LITERAL for v in values) or _literal(node.arguments[0]) is not _NO_LITERAL:
        return None
    return values, node.arguments[0]


def _literal(node: Any) -> Any:
    """The value of a literal node (numbers, text, booleans, null, undefined, NaN, Infinity, `-3`), or
    `_NO_LITERAL`."""
    kind = node.type
    if kind == "Literal":
        if node.regex is not None or getattr(node, "bigint", None) is not None:
            return _NO_LITERAL
        return node.value
    if kind == "Identifier" and node.name in ("undefined", "NaN", "Infinity"):
        return {"undefined": UNDEFINED, "NaN": float("nan"), "Infinity": float("inf")}[node.name]
    if kind == "TemplateLiteral" and not node.expressions:
        return node.quasis[0].value.cooked
    if kind == "UnaryExpression" and node.operator in ("-", "+"):
        value = _literal(node.argument)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return -value if node.operator == "-" else value
    return _NO_LITERAL


_GLOBALS = frozenset({"Math", "JSON", "Date", "Array", "Object", "Number", "String", "Boolean", "RegExp", "internal"})


def _reads(node: Any) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """The session variables an expression reads (bare names, not the functions it calls) and the literals in
    it, in order of appearance."""
    names: dict[str, None] = {}
    literals: list[Any] = []
    called: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "CallExpression":
            called.add(id(current.callee))
        if current.type == "Identifier" and id(current) not in called and current.name not in _GLOBALS:
            names[current.name] = None
        literal = _literal(current) if current.type == "Literal" else _NO_LITERAL
        if literal is not _NO_LITERAL:
            literals.append(literal)
        children = []
        for field, value in vars(current).items():
            if field.startswith("_") or field == "range":
                continue
            if field == "property" and current.type == "MemberExpression" and not current.computed:
                continue
            if field == "key" and current.type == "Property" and not current.computed:
                continue
            items = value if isinstance(value, list) else [value]
            children.extend(v for v in items if isinstance(v, esprima.nodes.Node))
        stack.extend(reversed(children))
    return tuple(names), tuple(literals)
