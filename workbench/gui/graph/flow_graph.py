"""What the graph panel draws for a flow: its nodes, the edges between them, and the stubs of "from anywhere" edges.

Pure Python (no Qt), built from `workbench.flow.graph.transitions`, so the panel draws exactly the transitions that
coverage counts. Intents and the fallback come from anywhere (source `*`): drawn as long edges from nowhere they
would only clutter the layout, so they become stubs on their target node.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.flow.graph import ANYWHERE, Transition, transitions
from workbench.flow.model import BUILTIN_STATE_NAMES, Flow, State, StateKind

SYSTEM_PREFIXES = ("offloading_",)


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A dialog state as drawn: `state` is None for a built-in state the flow goes to without defining it."""

    name: str
    kind: StateKind
    system: bool
    state: State | None = None


@dataclass(frozen=True, slots=True)
class FlowGraph:
    """The nodes (states in file order, then built-in targets), the edges and the stubs of a flow."""

    start: str
    nodes: tuple[GraphNode, ...]
    edges: tuple[Transition, ...]
    stubs: tuple[Transition, ...]

    @classmethod
    def from_flow(cls, flow: Flow) -> FlowGraph:
        """The graph of `flow`."""
        every = transitions(flow)
        nodes = [GraphNode(s.name, s.kind, is_system(s.name), s) for s in flow.states.values()]
        known = set(flow.states)
        for edge in every:
            if edge.target not in known:
                known.add(edge.target)
                nodes.append(GraphNode(edge.target, "say", True))
        return cls(
            start=flow.start,
            nodes=tuple(nodes),
            edges=tuple(e for e in every if e.source != ANYWHERE),
            stubs=tuple(e for e in every if e.source == ANYWHERE),
        )


def is_system(name: str) -> bool:
    """Whether `name` is one of the states the platform itself goes to (fallback, errors, offloading)."""
    return name in BUILTIN_STATE_NAMES or name.startswith(SYSTEM_PREFIXES)
