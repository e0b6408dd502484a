"""Mutations of a code action's JavaScript, found on esprima's syntax tree and made by editing the source text at
the nodes' ranges (the rest of the code stays as the author wrote it): a literal changed (a number plus one, a
string emptied, `true`↔`false`), a comparison changed (`>`↔`>=`, `===`↔`!==`…), an `addSessionVariable(…)` call
left out of its chain. Each kind gives at most `MAX_PER_ACTION` mutants per code action, the first in the code."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import esprima

from workbench.testing.mutate.conditions import SWAPS
from workbench.testing.mutate.edits import Edit, Scope, StateOperator, setter, short

MAX_PER_ACTION = 8
"""The most mutants of one kind a code action gives."""
_PREFIX = "(async () => {\n"
"""A code action is the body of an async function (it may `await` at its top level)."""
_SUFFIX = "\n})"
_COMPARISONS = frozenset(op for op in SWAPS if op not in ("&&", "||"))


@dataclass(frozen=True, slots=True)
class CodeChange:
    """A change to a code action's text: the characters `start:end` replaced by `new`, and what it looks like."""

    start: int
    end: int
    new: str
    change: str

    def applied(self, source: str) -> str:
        """`source` with this change made."""
        return source[: self.start] + self.new + source[self.end :]


@lru_cache(maxsize=256)
def _nodes(source: str) -> tuple[Any, ...]:
    """Every node of the code's syntax tree, parents before children (ranges count in the wrapped text: see
    `_span`); none when the code does not parse."""
    try:
        tree = esprima.parseScript(_PREFIX + source + _SUFFIX, {"range": True})
    except esprima.Error:
        return ()
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, esprima.nodes.Node):
            found.append(node)
            for key in node:
                if not key.startswith("_") and key != "range":
                    walk(getattr(node, key))

    walk(tree)
    return tuple(found)


def _span(node: Any) -> tuple[int, int]:
    return node.range[0] - len(_PREFIX), node.range[1] - len(_PREFIX)


def _line(source: str, index: int) -> int:
    return source.count("\n", 0, index) + 1


def literal_changes(source: str) -> Iterator[CodeChange]:
    """Each number plus one, each non-empty string emptied, each `true`/`false` the other way; not in a
    `console.…(…)` call, whose output no conversation sees."""
    logged = [_span(node) for node in _nodes(source) if _is_console_call(node)]
    for node in _nodes(source):
        if node.type != "Literal" or getattr(node, "regex", None):
            continue
        if any(start <= node.range[0] - len(_PREFIX) < end for start, end in logged):
            continue
        value = node.value
        if isinstance(value, bool):
            new = "false" if value else "true"
        elif isinstance(value, int | float):
            bumped = value + 1
            new = str(int(bumped)) if float(bumped).is_integer() else repr(bumped)
        elif isinstance(value, str) and value:
            new = node.raw[0] * 2
        else:
            continue
        start, end = _span(node)
        yield CodeChange(start, end, new, f"line {_line(source, start)}: {node.raw} → {new}")


def comparison_changes(source: str) -> Iterator[CodeChange]:
    """Each comparison's operator changed (`>` to `>=`, `===` to `!==`…)."""
    for node in _nodes(source):
        if node.type != "BinaryExpression" or node.operator not in _COMPARISONS:
            continue
        left_end, right_start = _span(node.left)[1], _span(node.right)[0]
        between = source[left_end:right_start]  # the operator, and perhaps parentheses, blanks or comments
        token = next(
            (t for t in esprima.tokenize(between, {"range": True}) if t.value == node.operator),
            None,
        )
        if token is None:
            continue
        start, end = left_end + token.range[0], left_end + token.range[1]
        swap = SWAPS[node.operator]
        whole_start, whole_end = _span(node)
        before = source[whole_start:whole_end]
        after = source[whole_start:start] + swap + source[end:whole_end]
        line = _line(source, start)
        yield CodeChange(start, end, swap, f"line {line}: {short(before)} → {short(after)}")


def session_variable_removals(source: str) -> Iterator[CodeChange]:
    """Each `.addSessionVariable(…)` call left out of its chain (`builder.addSessionVariable('a', 1).send()` →
    `builder.send()`)."""
    for node in _session_variable_calls(source):
        start, end = _span(node.callee.object)[1], _span(node)[1]
        line = _line(source, _span(node.callee.property)[0])
        yield CodeChange(start, end, "", f"line {line}: drop {short(source[start:end])}")


def session_variables(source: str) -> list[str]:
    """The names a code action gives literally to `addSessionVariable('name', …)`, in the code's order."""
    names: list[str] = []
    for node in _session_variable_calls(source):
        first = node.arguments[0] if node.arguments else None
        if first is not None and first.type == "Literal" and isinstance(first.value, str) and first.value:
            names.append(first.value)
    return names


def _session_variable_calls(source: str) -> list[Any]:
    """The `….addSessionVariable(…)` calls, in the order of their names in the code (a chain's outer call starts
    where its inner ones do)."""
    calls = [node for node in _nodes(source) if _is_add_session_variable(node)]
    return sorted(calls, key=lambda node: node.callee.property.range[0])


def _member_callee(node: Any) -> Any:
    """The `a.b` of a call `a.b(…)`, or None."""
    callee = node.callee if node.type == "CallExpression" else None
    return callee if callee is not None and callee.type == "MemberExpression" and not callee.computed else None


def _is_console_call(node: Any) -> bool:
    callee = _member_callee(node)
    return callee is not None and callee.object.type == "Identifier" and callee.object.name == "console"


def _is_add_session_variable(node: Any) -> bool:
    callee = _member_callee(node)
    return callee is not None and callee.property.type == "Identifier" and callee.property.name == "addSessionVariable"


def _code_operator(kind: Callable[[str], Iterator[CodeChange]]) -> StateOperator:
    def operator(_name: str, state: dict[str, Any], _scope: Scope) -> Iterator[Edit]:
        source = state.get("code")
        if not isinstance(source, str):
            return
        for change in sorted(kind(source), key=lambda change: change.start)[:MAX_PER_ACTION]:
            yield Edit(f"code {change.change}", setter((), "code", change.applied(source)))

    operator.__doc__ = f"In a code action: {kind.__doc__}"
    return operator


code_literal = _code_operator(literal_changes)
code_comparison = _code_operator(comparison_changes)
code_session_variable = _code_operator(session_variable_removals)
