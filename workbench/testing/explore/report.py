"""The explorer's report: every state, transition and intent, reached or not, and why not.

A state or transition the search did not reach gets one reason: "budget ran out" or "stopped by the user" when
the search was cut short, "a condition the solver could not satisfy: …" when every declared way in is a route
whose condition was never true (with the solver's own reason, `route 2 …`, for a route it found impossible or
could not decide), for a transition the engine takes only on an outcome no input brings about (a code action's
`on_error` when it never failed, an offload's dialog when the console provider always takes the conversation)
that outcome, else "no input reaches it". A search that ended because other variable values stopped reaching
anything new (`Exploration.ended == "values"`) is not cut short: its reasons are those of a search that ran out
of nodes, and `stopped` says where it ended. The JSON form is `{flow, replays, turns, seconds, stopped, totals, states:
[{name, reached, why}], transitions: [{from, to, why, route, label, reached, reason}], intents: [{name, reached}],
conversations: [{file, name, passed, failure}]}`.
"""

from __future__ import annotations

from typing import Any

from workbench.flow.graph import Transition
from workbench.flow.model import Flow
from workbench.testing.coverage import describe
from workbench.testing.explore.conditions import solve_route
from workbench.testing.explore.output import Written
from workbench.testing.explore.search import STOPPED_BY_USER, Exploration

NO_INPUT = "no input reaches it"
BUDGET = "budget ran out"
STOPPED = STOPPED_BY_USER  # the search's own words, as a reason
CONDITION = "a condition the solver could not satisfy"
NO_CODE_FAILURE = "no input made the code action fail"
CONSOLE_TAKES_IT = "the console provider always takes the conversation"


def _is_condition(t: Transition) -> bool:
    return t.why == "route" and t.label not in ("", "else")


def _condition_why(flow: Flow, t: Transition) -> str:
    """A route's condition, with the solver's reason when it found the route impossible or could not decide it."""
    source = flow.states.get(t.source)
    if source is None or t.route is None:
        return t.label
    solution = solve_route(tuple(route.condition for route in source.next), t.route, {})
    if solution.status == "solved":
        return t.label
    return f"{t.label} ({solution.status}: {solution.reason})"


def _outcome_why(flow: Flow, t: Transition) -> str:
    """Why the engine never took `t` from a reached state, when only an outcome of the state's action leads there."""
    source = flow.states.get(t.source)
    if source is None:
        return ""
    if t.why == "on_error" and source.code is not None:
        return NO_CODE_FAILURE
    if t.why == "offload" and source.offload is not None and source.offload.provider == "console":
        return CONSOLE_TAKES_IT
    return ""


def _why_not(exploration: Exploration, ways_in: list[Transition]) -> str:
    if exploration.cut_short:
        return STOPPED if exploration.ended == "user" else BUDGET
    coverage = exploration.coverage
    outcomes = [_outcome_why(exploration.flow, t) for t in ways_in if coverage.states.get(t.source)]
    if ways_in and len(outcomes) == len(ways_in) and all(outcomes):
        return " / ".join(dict.fromkeys(outcomes))
    conditions = [_condition_why(exploration.flow, t) for t in ways_in if _is_condition(t)]
    if ways_in and len(conditions) == len(ways_in):
        return f"{CONDITION}: {' / '.join(conditions)}"
    return NO_INPUT


def report_data(exploration: Exploration, written: list[Written]) -> dict[str, Any]:
    """The report as JSON data (see the module docstring)."""
    coverage = exploration.coverage
    edges = coverage.declared_edges
    states = [
        {
            "name": name,
            "reached": hits > 0,
            "why": "" if hits else _why_not(exploration, [e.transition for e in edges if e.transition.target == name]),
        }
        for name, hits in coverage.states.items()
    ]
    transitions = [
        {
            **edge.to_json(),
            "reached": edge.hits > 0,
            "reason": "" if edge.hits else _why_not(exploration, [edge.transition]),
        }
        for edge in edges
    ]
    for item in transitions:
        del item["hits"], item["declared"]
    return {
        "flow": str(exploration.flow.path or exploration.flow.name),
        "replays": exploration.replays,
        "turns": exploration.turns,
        "seconds": round(exploration.seconds, 2),
        "stopped": exploration.stopped,
        "totals": coverage.totals(),
        "states": states,
        "transitions": transitions,
        "intents": [{"name": name, "reached": hits > 0} for name, hits in coverage.intents.items()],
        "conversations": [
            {"file": str(w.path), "name": w.name, "passed": not w.failure, "failure": w.failure} for w in written
        ],
    }


def _totals(totals: dict[str, dict[str, Any]]) -> str:
    return " · ".join(
        f"{kind.capitalize()} {t['covered']}/{t['total']} ({t['percent']}%)" for kind, t in totals.items()
    )


def report_text(exploration: Exploration, written: list[Written], folder: str) -> str:
    """The report as people read it: the run, the totals, every state and transition with ✓ or ✗ and why."""
    data = report_data(exploration, written)
    passed = sum(1 for w in written if not w.failure)
    lines = [
        f"Explored {data['flow']}: {data['replays']} conversations replayed ({data['turns']} turns) "
        f"in {data['seconds']:.1f} s" + (f"; stopped: {data['stopped']}" if data["stopped"] else ""),
        _totals(data["totals"]),
        f"Wrote {passed} conversations to {folder}"
        + ("" if passed == len(written) else f" ({len(written) - passed} did not replay and were removed)"),
        "States:",
    ]
    lines += [
        f"  {'✓' if s['reached'] else '✗'} {s['name']}" + (f" — {s['why']}" if s["why"] else "") for s in data["states"]
    ]
    lines.append("Transitions:")
    for edge, item in zip(exploration.coverage.declared_edges, data["transitions"], strict=True):
        mark = "✓" if item["reached"] else "✗"
        lines.append(f"  {mark} {describe(edge.transition)}" + (f" — {item['reason']}" if item["reason"] else ""))
    for w in written:
        if w.failure:
            lines.append(f"Did not replay: {w.name}\n" + "\n".join(f"  {line}" for line in w.failure.splitlines()))
    return "\n".join(lines)
