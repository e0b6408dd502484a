"""Coverage data as the graph needs it: any form of it read into a `Coverage`, the part for the open flow, the
summary line, the declared routes into a state, and the explorer's coverage with its reasons for what it did not
reach (`Explored`, `Reasons`). No Qt here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.flow.graph import Transition, transitions
from workbench.flow.model import Flow
from workbench.testing.coverage import Coverage, EdgeKey, FlowCoverage

CoverageLike = Coverage | FlowCoverage | Mapping[str, Any]
"""A `Coverage`, one `FlowCoverage`, or the JSON form of either."""

_TITLES = {"states": "States", "transitions": "Transitions", "intents": "Intents"}


@dataclass(frozen=True, slots=True)
class Reasons:
    """Why an exploration did not reach states (by name) and transitions (by `Transition.key`)."""

    states: Mapping[str, str] = field(default_factory=dict)
    transitions: Mapping[EdgeKey, str] = field(default_factory=dict)

    @classmethod
    def from_report(cls, report: Mapping[str, Any]) -> Reasons:
        """The reasons in the explorer's report (`testing.explore.report.report_data`)."""
        return cls(
            {state["name"]: state["why"] for state in report["states"] if state["why"]},
            {
                Transition(t["from"], t["to"], t["why"], t["route"]).key: t["reason"]
                for t in report["transitions"]
                if t["reason"]
            },
        )


@dataclass(frozen=True, slots=True)
class Explored:
    """Coverage the explorer reached, and why it did not reach the rest (no reasons while it still searches)."""

    coverage: CoverageLike
    reasons: Reasons = field(default_factory=Reasons)


def as_coverage(data: CoverageLike) -> Coverage:
    """`data` as a `Coverage`."""
    if isinstance(data, Coverage):
        return data
    coverage = Coverage()
    if isinstance(data, FlowCoverage):
        coverage.flows[data.path] = data
    elif "flows" in data:
        coverage = Coverage.from_json(data)
    else:
        coverage.flows[data["path"]] = FlowCoverage.from_json(data)
    return coverage


def _same_file(a: str, b: Path) -> bool:
    return bool(a) and Path(a).resolve() == b.resolve()


def flow_coverage(coverage: Coverage, flow: Flow) -> FlowCoverage | None:
    """The coverage of `flow`: recorded for its file, else the only one recorded for a flow of the same name."""
    if flow.path is not None:
        for path, covered in coverage.flows.items():
            if _same_file(path, flow.path):
                return covered
    named = [c for c in coverage.flows.values() if c.flow == flow.name]
    return named[0] if len(named) == 1 else None


def summary(covered: FlowCoverage) -> str:
    """`States 31/31 (100%) · Transitions 43/44 (97.7%) · Intents 7/7 (100%)`."""
    totals = covered.totals()
    return " · ".join(f"{_TITLES[kind]} {t['covered']}/{t['total']} ({t['percent']:g}%)" for kind, t in totals.items())


def max_hits(covered: FlowCoverage) -> int:
    """The most hits of any state or transition."""
    return max([0, *covered.states.values(), *covered.extra_states.values(), *(e.hits for e in covered.edges.values())])


def routes_into(flow: Flow, state: str) -> list[Transition]:
    """The transitions the flow declares into `state`, in declaration order."""
    return [t for t in transitions(flow) if t.target == state]
