"""What a suite of conversation tests covers of each flow: states, transitions and intents.

Definitions:
- States: every state of the flow file (system states such as `not_understood` or `offloading_closed` count when
  the flow declares them). A state is covered when a test entered it. States entered that the flow does not
  declare (the engine's built-in `error_occurred`, say) are listed but not counted.
- Transitions: the edges the flow declares (`workbench.flow.graph.transitions`): each route of `next`, each
  button, quick reply and carousel button with a `goto`, `on_error`, `give_up_goto`, `intent:` (from anywhere,
  `*`), the fallback state (from anywhere), the offload hand-back and literal `setNextDialogState` calls in code.
  Jumps decided at run time (an API response's `nextDialogstate`, a code action's computed jump, an iframe's
  `GO_TO_DIALOGSTATE`) count as covered transitions when taken and are listed, but they are not in the
  denominator unless the flow declares the same edge. Entering the start state is not a transition.
  A button press is credited to the state whose message offered the button, which may be an earlier state
  than the one the conversation waited in.
- Intents: every `nlu.intents` entry; covered when the NLU matched it in a test.

`FlowCoverage.to_json()` gives `{flow, path, states: {name: hits}, transitions: [{from, to, why, route, label,
declared, hits}], intents: {name: hits}, extra_states: {name: hits}, totals: {states|transitions|intents:
{covered, total, percent}}}`; `Coverage` holds one per flow file and merges results from worker processes.

For a flow with several languages `Coverage` also keeps what the conversations in each language covered
(`languages`: code → a `Coverage` of those conversations alone); `flows` is always all of them merged. Its JSON is
`{flows: [...], languages: {code: {flows: [...]}}}`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.engine import events as ev
from workbench.flow.graph import ANYWHERE, Transition, transitions
from workbench.flow.languages import language_name
from workbench.flow.model import Flow

EdgeKey = tuple[str, str, str, int | None]


@dataclass
class EdgeHits:
    """A transition and how often tests took it; `declared` is false for run-time jumps."""

    transition: Transition
    declared: bool
    hits: int = 0

    def to_json(self) -> dict[str, Any]:
        """The JSON form (see the module docstring)."""
        t = self.transition
        return {
            "from": t.source,
            "to": t.target,
            "why": t.why,
            "route": t.route,
            "label": t.label,
            "declared": self.declared,
            "hits": self.hits,
        }


def _by_ends(edge: EdgeHits) -> tuple[str, str, str, int]:
    t = edge.transition
    return (t.source, t.target, t.why, -1 if t.route is None else t.route)


def _total(hits: Iterable[int]) -> dict[str, Any]:
    values = list(hits)
    covered = sum(1 for h in values if h > 0)
    percent = 100.0 if not values else round(100.0 * covered / len(values), 1)
    return {"covered": covered, "total": len(values), "percent": percent}


def _taken(event: ev.StateEntered, offered: Mapping[tuple[str, str], str], pressed: str | None) -> Transition:
    """The edge a `StateEntered` took; a button is credited to the state whose message showed it."""
    edge = Transition.from_event(event)
    if event.reason == "button" and pressed is not None:
        source = offered.get((pressed, event.state))
        if source is not None:
            return Transition(source, event.state, "button", label=pressed)
    return edge


@dataclass
class FlowCoverage:
    """Hits of one flow's states, transitions and intents."""

    flow: str
    path: str
    states: dict[str, int]
    edges: dict[EdgeKey, EdgeHits]
    intents: dict[str, int]
    extra_states: dict[str, int] = field(default_factory=dict)

    @classmethod
    def for_flow(cls, flow: Flow) -> FlowCoverage:
        """Nothing covered yet."""
        return cls(
            flow=flow.name,
            path=str(flow.path or ""),
            states=dict.fromkeys(flow.states, 0),
            edges={t.key: EdgeHits(t, declared=True) for t in transitions(flow)},
            intents=dict.fromkeys(flow.nlu.intents, 0),
        )

    def record(self, events: Iterable[ev.Event]) -> None:
        """Count what one conversation's event log covers."""
        offered: dict[tuple[str, str], str] = {}
        pressed: str | None = None
        for event in events:
            kind = type(event)  # compared exactly (no event kind is subclassed): a log is long, isinstance slower
            if kind is ev.StateEntered:
                self._enter(event, offered, pressed)
            elif kind is ev.BotMessage:
                if event.buttons or event.quick_replies or event.cards:
                    for choice in event.choices:
                        if choice.goto:
                            offered[(choice.title, choice.goto)] = event.state
            elif kind is ev.UserMessage:
                pressed = event.text
            elif kind is ev.IntentMatched and event.intent in self.intents:
                self.intents[event.intent] += 1

    def _enter(self, event: ev.StateEntered, offered: Mapping[tuple[str, str], str], pressed: str | None) -> None:
        if event.state in self.states:
            self.states[event.state] += 1
        else:
            self.extra_states[event.state] = self.extra_states.get(event.state, 0) + 1
        if event.reason == "start":
            return
        edge = _taken(event, offered, pressed)
        hits = self.edges.get(edge.key)
        if hits is None:
            hits = self.edges[edge.key] = EdgeHits(edge, declared=False)
        hits.hits += 1

    def merge(self, other: FlowCoverage) -> None:
        """Add `other`'s hits (the same flow, covered by other tests) to these."""
        for counts, more in (
            (self.states, other.states),
            (self.intents, other.intents),
            (self.extra_states, other.extra_states),
        ):
            for name, hits in more.items():
                counts[name] = counts.get(name, 0) + hits
        for key, edge in other.edges.items():
            mine = self.edges.get(key)
            if mine is None:
                self.edges[key] = EdgeHits(edge.transition, edge.declared, edge.hits)
            else:
                mine.hits += edge.hits

    @property
    def declared_edges(self) -> list[EdgeHits]:
        """The transitions of the flow, in declaration order."""
        return [e for e in self.edges.values() if e.declared]

    @property
    def dynamic_edges(self) -> list[EdgeHits]:
        """Transitions taken at run time that the flow does not declare, sorted by their ends (so the order in
        which parallel workers' coverage was merged never shows)."""
        return sorted((e for e in self.edges.values() if not e.declared), key=_by_ends)

    def totals(self) -> dict[str, dict[str, Any]]:
        """Covered, total and percent for states, declared transitions and intents."""
        return {
            "states": _total(self.states.values()),
            "transitions": _total(e.hits for e in self.declared_edges),
            "intents": _total(self.intents.values()),
        }

    def missed(self) -> dict[str, list[str]]:
        """What no test reached: state names, transitions (`a → b (why)`) and intents."""
        return {
            "states": [s for s, h in self.states.items() if not h],
            "transitions": [describe(e.transition) for e in self.declared_edges if not e.hits],
            "intents": [i for i, h in self.intents.items() if not h],
        }

    def to_json(self) -> dict[str, Any]:
        """The JSON form (see the module docstring)."""
        return {
            "flow": self.flow,
            "path": self.path,
            "states": dict(self.states),
            "transitions": [e.to_json() for e in [*self.declared_edges, *self.dynamic_edges]],
            "intents": dict(self.intents),
            "extra_states": dict(self.extra_states),
            "totals": self.totals(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FlowCoverage:
        """Read back `to_json()`."""
        edges: dict[EdgeKey, EdgeHits] = {}
        for item in data["transitions"]:
            transition = Transition(item["from"], item["to"], item["why"], item["route"], item["label"])
            edges[transition.key] = EdgeHits(transition, item["declared"], item["hits"])
        return cls(
            flow=data["flow"],
            path=data["path"],
            states=dict(data["states"]),
            edges=edges,
            intents=dict(data["intents"]),
            extra_states=dict(data["extra_states"]),
        )


def reason(t: Transition) -> str:
    """Why a transition happens, for people: `next`, `route 2: price > 40`, `button Book`, `intent help`."""
    if t.why == "route" and t.route is not None:
        return f"route {t.route + 1}: {t.label}"
    return f"{t.why} {t.label}" if t.label else t.why


def describe(t: Transition) -> str:
    """A transition for people: `menu → ask_date (button Book)`, `anywhere → help (intent need_help)`."""
    source = "anywhere" if t.source == ANYWHERE else t.source
    return f"{source} → {t.target} ({reason(t)})"


class Coverage:
    """Coverage of every flow a suite tested, keyed by flow file path, and per language (see the module
    docstring)."""

    def __init__(self) -> None:
        self.flows: dict[str, FlowCoverage] = {}
        self.languages: dict[str, Coverage] = {}

    def record(self, flow: Flow, events: Iterable[ev.Event], language: str = "") -> None:
        """Count one conversation of `flow`, which ran in `language` (kept apart too when the flow speaks several)."""
        path = str(flow.path or flow.name)
        if path not in self.flows:
            self.flows[path] = FlowCoverage.for_flow(flow)
        if language and flow.languages.secondary:
            events = tuple(events)
            self.languages.setdefault(language, Coverage()).record(flow, events)
        self.flows[path].record(events)

    def merge(self, other: Coverage) -> None:
        """Add another suite's (or worker's) coverage to this one."""
        for path, flow in other.flows.items():
            if path in self.flows:
                self.flows[path].merge(flow)
            else:
                self.flows[path] = FlowCoverage.from_json(flow.to_json())
        for language, covered in other.languages.items():
            self.languages.setdefault(language, Coverage()).merge(covered)

    def to_json(self) -> dict[str, Any]:
        """`{"flows": [FlowCoverage.to_json(), …], "languages": {code: {"flows": […]}}}`, by path and code."""
        return {
            "flows": [self.flows[p].to_json() for p in sorted(self.flows)],
            "languages": {code: self.languages[code].to_json() for code in sorted(self.languages)},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Coverage:
        """Read back `to_json()`."""
        coverage = cls()
        for item in data["flows"]:
            coverage.flows[item["path"]] = FlowCoverage.from_json(item)
        for code, covered in data.get("languages", {}).items():
            coverage.languages[code] = cls.from_json(covered)
        return coverage

    def summary(self) -> str:
        """A text summary: per flow, the totals and what no test reached; then the totals in each language."""
        lines: list[str] = []
        for path in sorted(self.flows):
            flow = self.flows[path]
            lines.append(f"coverage of {flow.flow} ({path}): " + _totals(flow))
            for what, names in flow.missed().items():
                if names:
                    lines.append(f"  {what} not reached: " + ", ".join(names))
            for code in sorted(self.languages):
                covered = self.languages[code].flows.get(path)
                if covered is not None:
                    lines.append(f"  in {language_name(code)}: " + _totals(covered))
        return "\n".join(lines)


def _totals(flow: FlowCoverage) -> str:
    return ", ".join(f"{k} {v['covered']}/{v['total']} ({v['percent']:g}%)" for k, v in flow.totals().items())
