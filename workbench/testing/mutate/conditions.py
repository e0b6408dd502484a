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
    `&&` to `||`…), left to right. A condition that is no JavaScript gives only its negation. A comment at the
    end stays after the negation's `)` (a `// comment` would swallow it)."""
    try:
        tokens = esprima.tokenize(condition, {"range": True, "comment": True})
    except esprima.Error:
        yield f"!({condition})"
        return
    code = [token.range[1] for token in tokens if not token.type.endswith("Comment")]
    end = max(code, default=len(condition))
    yield f"!({condition[:end]}){condition[end:]}"
    for token in tokens:
        swap = SWAPS.get(token.value) if token.type == "Punctuator" else None
        if swap is not None:
            start, end = token.range
            yield condition[:start] + swap + condition[end:]
