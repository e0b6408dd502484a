"""The solver's own reading of a condition over session values: what a term reads, whether an atom holds, and
the truth of a whole tree in JavaScript's order (`&&` and `||` stop early) with two more answers: it would throw,
or it depends on a part the solver does not know."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from workbench.testing.explore.conditions_js import (
    COMPARE,
    FUNCTIONS,
    UNDEFINED,
    JsThrow,
    call_method,
    get,
    kind,
    strict_equal,
    truthy,
)
from workbench.testing.explore.conditions_parse import And, Atom, Const, Node, Not, Opaque, Term


class Truth(enum.Enum):
    """A condition's outcome: true, false, throws (the engine would take `on_error`) or unknown."""

    TRUE = "true"
    FALSE = "false"
    THROWS = "throws"
    UNKNOWN = "unknown"


def scope(variables: Mapping[str, Any]) -> dict[str, Any]:
    """The names a route condition sees: the session variables and `internal` (`{}` when the session has none),
    as the engine gives them."""
    return {**variables, "internal": variables.get("internal", {})}


def term_value(term: Term, variables: Mapping[str, Any]) -> Any:
    """What `term` reads from `variables` (a scope); `JsThrow` where JavaScript would throw."""
    value = variables.get(term.root, UNDEFINED)
    skipping = False
    for op in term.ops:
        step = op[0]
        if step == "end":
            skipping = False
            continue
        if skipping:
            continue
        optional = step in ("get", "call") and op[-1]
        if optional and (value is None or value is UNDEFINED):
            value, skipping = UNDEFINED, True  # `a?.b.c` is undefined as a whole when `a` is
        elif step == "get":
            value = get(value, op[1], False)
        elif step == "call":
            value = call_method(value, op[1], op[2])
        elif step == "fn":
            value = FUNCTIONS[op[1]](value)
        else:
            value = kind(value)
    return value


def atom_holds(atom: Atom, variables: Mapping[str, Any]) -> bool:
    """Whether `atom` is true over `variables`; `JsThrow` where JavaScript would throw."""
    value = term_value(atom.term, variables)
    if atom.operator is None:
        return truthy(value)
    if atom.operator == "in":
        return any(strict_equal(value, item) for item in atom.literal)
    return COMPARE[atom.operator](value, atom.literal)


def evaluate(node: Node, variables: Mapping[str, Any]) -> Truth:
    """The truth of `node` over `variables` (a scope), in JavaScript's order of evaluation."""
    if isinstance(node, Atom):
        try:
            return Truth.TRUE if atom_holds(node, variables) else Truth.FALSE
        except JsThrow:
            return Truth.THROWS
    if isinstance(node, Const):
        return Truth.TRUE if node.value else Truth.FALSE
    if isinstance(node, Opaque):
        return Truth.UNKNOWN
    if isinstance(node, Not):
        inner = evaluate(node.part, variables)
        return {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE}.get(inner, inner)
    stop = Truth.FALSE if isinstance(node, And) else Truth.TRUE
    for part in node.parts:
        outcome = evaluate(part, variables)
        if outcome is not Truth.TRUE and outcome is not Truth.FALSE:
            return outcome  # an unknown part might throw, so what follows it is unknown too
        if outcome is stop:
            return stop
    return Truth.TRUE if isinstance(node, And) else Truth.FALSE
