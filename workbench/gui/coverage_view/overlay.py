"""Paints a flow's coverage on the graph view: nodes and edges (and the stubs of intents and the fallback) in the
colour of their band, edges wider the more they were taken, never-reached ones in the warning colour.

It only lays `NodeStyle`/`EdgeStyle` overlays on the view's items (`set_node_style`, `set_edge_style`), so the
live trace of the conversation still shows on top. A palette change (light ↔ dark) repaints in the new colours.
With an exploration's `Reasons`, a state or transition it did not reach says why in its tooltip (under the item's
own tooltip, which comes back when the coverage is cleared).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QGraphicsItem

from workbench.flow.model import Flow
from workbench.gui.coverage_view.data import CoverageLike, Reasons, as_coverage, flow_coverage, max_hits
from workbench.gui.coverage_view.scale import CoverageScale
from workbench.gui.graph.view import GraphView
from workbench.testing.coverage import FlowCoverage

_OWN_TIP = 0
"""The `QGraphicsItem.data` key that keeps an item's own tooltip while a reason is added to it."""


def _add_to_tip(item: QGraphicsItem, line: str) -> None:
    own = item.data(_OWN_TIP)
    if own is None:
        own = item.toolTip()
        item.setData(_OWN_TIP, own)
    item.setToolTip(f"{own}\n{line}")


def _restore_tip(item: QGraphicsItem) -> None:
    own = item.data(_OWN_TIP)
    if own is not None:
        item.setToolTip(own)
        item.setData(_OWN_TIP, None)


class CoverageOverlay(QObject):
    """The coverage colours on one graph view."""

    def __init__(self, view: GraphView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.covered: FlowCoverage | None = None
        self.reasons = Reasons()
        self.scale = CoverageScale(view.palette(), 0)
        view.installEventFilter(self)

    def show(self, data: CoverageLike, flow: Flow, reasons: Reasons | None = None) -> FlowCoverage | None:
        """Paint the coverage of `flow` found in `data` (with why an exploration did not reach what it did not);
        None (and nothing painted) when `data` has none."""
        self.clear()
        self.covered = flow_coverage(as_coverage(data), flow)
        self.reasons = reasons or Reasons()
        self.repaint()
        return self.covered

    def repaint(self) -> None:
        """Lay the coverage over the items again (after the graph was rebuilt, or the palette changed)."""
        if self.covered is None:
            return
        self.scale = CoverageScale(self.view.palette(), max_hits(self.covered))
        for node in self.view.node_items():
            hits = self.covered.states.get(node.name, self.covered.extra_states.get(node.name))
            if hits is not None:
                self.view.set_node_style(node.name, self.scale.band(hits).node)
        for key, edge in self.covered.edges.items():
            self.view.set_edge_style(key, self.scale.band(edge.hits).edge)
        for name, why in self.reasons.states.items():
            if node := self.view.node_item(name):
                _add_to_tip(node, f"Not reached: {why}")
        for key, why in self.reasons.transitions.items():
            if item := self.view.edge_item(key):
                _add_to_tip(item, f"Not taken: {why}")

    def clear(self) -> None:
        """Back to the graph's own look."""
        self.covered = None
        self.reasons = Reasons()
        for node in self.view.node_items():
            self.view.set_node_style(node.name, None)
            _restore_tip(node)
        for edge in [*self.view.edge_items(), *self.view.stub_items()]:
            self.view.set_edge_style(edge.transition.key, None)
            _restore_tip(edge)

    def hits(self, state: str) -> int | None:
        """How often the suite entered `state` (None: no coverage shown, or the state is not counted)."""
        return None if self.covered is None else self.covered.states.get(state)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the view's palette."""
        if watched is self.view and event.type() == QEvent.Type.PaletteChange:
            self.repaint()
        return False
