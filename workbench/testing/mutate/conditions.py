"""Mutations of a route condition's JavaScript text: negate it, or change one comparison or logical operator."""

from __future__ import annotations

from collections.abc import Iterator

import esprima

SWAPS: dict[str, str] = {
    ">": ">=",
    ">=": ">",
    "<": "<=",
    "<=": "<",
    "==": "!=",
    "!=": "==",
    "===": "!==",
    "!==": "===",
    "&&": "||",
    "||": "&&",
}


def condition_mutants(condition: str) -> Iterator[str]:
    """`!(condition)`, then the condition with each comparison or logical operator changed in turn (`>` to `>=`,
    `&&` to `||`…), left to right. A condition that is no JavaScript gives only its negation."""
    yield f"!({condition})"
    try:
        tokens = esprima.tokenize(condition, {"range": True})
    except esprima.Error:
        return
    for token in tokens:
        swap = SWAPS.get(token.value) if token.type == "Punctuator" else None
        if swap is not None:
            start, end = token.range
            yield condition[:start] + swap + condition[end:]
