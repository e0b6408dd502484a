"""Answers that steer routes: for each conditional route of the flow, the values the condition solver
(`conditions.solve_route`) writes, kept for the variables an `ask` saves, as the texts to type there.

`passengers >= 5` on route 1 gives `passengers: 5`, so the ask that saves `passengers` is also answered "5". The
caller still checks each text with the engine's validation before offering it.
"""

from __future__ import annotations

import json

from workbench.flow.model import Flow
from workbench.testing.explore.conditions import UNDEFINED, solve_route


def _as_typed(value: object) -> str | None:
    """The text a user types to give `value` (a string as itself, a number or a boolean as JSON)."""
    if value is UNDEFINED or value is None or isinstance(value, dict | list):
        return None
    return value if isinstance(value, str) else json.dumps(value)


def route_answers(flow: Flow) -> dict[str, list[str]]:
    """For each variable an `ask` of `flow` saves, the texts (in route order) that make some route be taken."""
    saved = {state.ask.save for state in flow.states.values() if state.ask is not None}
    found: dict[str, list[str]] = {}
    for state in flow.states.values():
        conditions = tuple(route.condition for route in state.next)
        if all(c is None for c in conditions):
            continue
        for index in range(len(conditions)):
            solution = solve_route(conditions, index, {})
            for writes in (solution.writes, *solution.samples):
                for path, value in sorted(writes.items()):
                    text = _as_typed(value)
                    if path in saved and text and text not in found.setdefault(path, []):
                        found[path].append(text)
    return found
