"""How a variable's provenance reads in the inspector: a short "Set by" cell and a longer tool tip."""

from __future__ import annotations

import time

from workbench.engine.provenance import Provenance

_NAMES = {"nlp": "NLP"}
"""How an origin reads when its name alone is not plain enough."""
_EXPLAINED = {"nlp": "The user's message as the NLP understood it: its expression, the best intent and its score"}


def where_set(write: Provenance) -> str:
    """`state:line` of a write, `state` without a code line, "" outside any state."""
    if write.state is None:
        return ""
    return f"{write.state}:{write.line}" if write.line is not None else write.state


def set_by(write: Provenance | None) -> str:
    """The "Set by" cell: the origin and where, e.g. `code · compute_price:4`, `ask · ask_date`, `edit`."""
    if write is None:
        return ""
    where = where_set(write)
    who = _NAMES.get(write.origin, write.origin)
    return f"{who} · {where}" if where else who


def describe(write: Provenance) -> str:
    """The tool tip lines about a write: who, where, when and what else is known."""
    who = f"Set by {_NAMES.get(write.origin, write.origin)}"
    if write.state is not None:
        who += f" in {write.state}"
    if write.line is not None:
        who += f", line {write.line} of its code"
    lines = [who]
    if write.index is not None:
        lines.append(f"turn {write.turn}, at {time.strftime('%H:%M:%S', time.localtime(write.at))}")
    if write.origin in _EXPLAINED:
        lines.append(_EXPLAINED[write.origin])
    elif write.detail:
        lines.append(write.detail)
    if write.state is not None:
        lines.append("Double-click the Set by cell to show where")
    return "\n".join(lines)
