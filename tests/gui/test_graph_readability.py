"""The graph stays readable: whole names, labels clear of each other and of nodes, edges around nodes, an overview
and a legible zoom for large flows, a legend of every badge, and room in the window."""

import importlib.util
import typing
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainterPathStroker

from workbench.flow.loader import load_flow_text
from workbench.flow.model import StateKind
from workbench.gui.graph.badges import KIND_BADGES
from workbench.gui.graph.items import NodeItem, max_node_width
from workbench.gui.graph.layout import Spacing, layered_layout
from workbench.gui.graph.panel import GraphPanel
from workbench.gui.graph.view import LEGIBLE_SCALE, GraphView

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_graph.py"


def generated_flow(states: int):
    """A real-looking flow of `states` states (the graph benchmark's generator)."""
    spec = importlib.util.spec_from_file_location("bench_graph", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return load_flow_text(bench.flow_text(states), "generated.yaml").flow


@pytest.fixture
def view_of(show_widget, qapp):
    """A shown graph view of a flow, optionally in a larger font (as on many desktops)."""
    default = QFont(qapp.font())

    def build(flow, point_size: float | None = None) -> GraphView:
        if point_size is not None:
            font = QFont(default)
            font.setPointSizeF(point_size)
            qapp.setFont(font)
        view = GraphView()
        view.show_flow(flow)
        return show_widget(view, 900, 600)

    yield build
    qapp.setFont(default)


@pytest.fixture
def panel_on(show_widget):
    return lambda bridge: show_widget(GraphPanel(bridge), 900, 700)


def node_boxes(view: GraphView) -> dict[str, QRectF]:
    return {node.name: node.mapRectToScene(node.rect) for node in view.node_items()}


def edges_through_nodes(view: GraphView) -> list[tuple[str, str, str]]:
    """(source, target, node) for every drawn edge that passes through a node box other than its ends."""
    boxes = [(name, box.adjusted(1, 1, -1, -1)) for name, box in node_boxes(view).items()]
    stroker = QPainterPathStroker()
    stroker.setWidth(1.0)
    found = []
    for edge in view.edge_items():
        line = stroker.createStroke(edge.path())
        reach = line.boundingRect()
        ends = (edge.transition.source, edge.transition.target)
        for name, box in boxes:
            if name not in ends and reach.intersects(box) and line.intersects(box):
                found.append((*ends, name))
    return found


def test_a_node_is_as_wide_as_its_name_needs(view_of, flow_from):
    long = "ask_for_the_preferred_departure_time"
    too_long = "a_state_whose_name_goes_on_" * 4
    view = view_of(
        flow_from(f"""
            name: Names
            start: button_clicked
            states:
              button_clicked:
                say: Hi
                next: {long}
              {long}:
                say: When?
                next: {too_long}
              {too_long}:
                say: Bye
        """),
        point_size=13,
    )
    metrics = QFontMetricsF(view.node_font())
    for name in ("button_clicked", long):
        node: NodeItem = view.node_item(name)
        assert node.label == name
        assert node.rect.width() > metrics.horizontalAdvance(name) + 40
    node = view.node_item(too_long)
    assert node.rect.width() == pytest.approx(max_node_width(metrics))
    assert node.label != too_long and "…" in node.label
    assert node.toolTip().startswith(too_long)


@pytest.mark.parametrize("point_size", [None, 13.0])
def test_on_the_sample_no_label_meets_another_label_or_a_node(view_of, sample_flow, point_size):
    view = view_of(sample_flow, point_size)
    labels = [(e.transition.label or e.transition.why, e.label_rect) for e in view.edge_items()]
    labels = [(text, rect) for text, rect in labels if not rect.isEmpty()]
    assert len(labels) > 10
    for i, (text, rect) in enumerate(labels):
        clear = rect.adjusted(-2, -2, 2, 2)
        assert [other for other, r in labels[i + 1 :] if clear.intersects(r)] == [], text
        assert [name for name, box in node_boxes(view).items() if clear.intersects(box)] == [], text
        assert [s.transition.target for s in view.stub_items() if rect.intersects(s.sceneBoundingRect())] == []


def test_a_label_stays_on_or_beside_its_own_edge(view_of, sample_flow):
    view = view_of(sample_flow)
    for edge in view.edge_items():
        rect = edge.label_rect
        if rect.isEmpty():
            continue
        near = rect.adjusted(-rect.width(), -4, rect.width(), 4)
        points = [p for polygon in edge.path().toSubpathPolygons() for p in polygon]
        assert any(near.contains(p) for p in points), edge.transition


def test_no_edge_runs_through_a_node_on_the_sample_or_a_generated_flow(view_of, sample_flow):
    assert edges_through_nodes(view_of(sample_flow)) == []
    view = view_of(generated_flow(250))
    assert edges_through_nodes(view) == []
    # Edges too long for dummy vertices run in lanes beside the drawing, also clear of every node.
    graph = view.graph
    edges = [(e.source, e.target) for e in graph.edges]
    sizes = view.node_sizes(graph)
    short = layered_layout([n.name for n in graph.nodes], edges, sizes, start=graph.start, spacing=Spacing(max_span=3))
    view.set_graph(graph, short)
    assert edges_through_nodes(view) == []


def test_a_large_flow_opens_legible_around_its_start_with_an_overview(make_bridge, panel_on, qtbot):
    flow = generated_flow(300)
    panel = panel_on(make_bridge(flow, start=False))
    view = panel.view
    assert view.transform().m11() == pytest.approx(LEGIBLE_SCALE)
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(view.node_item(flow.start).sceneBoundingRect())
    overview = panel.overview
    qtbot.waitUntil(overview.isVisible)
    assert view.viewport().geometry().contains(overview.geometry())
    frame = overview.visible_frame()
    assert 0 < frame.width() < overview.width() / 2
    # A click in the overview's bottom-right corner takes the view there.
    corner = QPointF(overview.width() - 4, overview.height() - 4)
    qtbot.mouseClick(overview, Qt.MouseButton.LeftButton, pos=corner.toPoint())
    centre = view.mapToScene(view.viewport().rect().center())
    assert centre.x() > view.node_item(flow.start).x()
    assert overview.visible_frame().center().x() > frame.center().x()
    panel.show_overview.setChecked(False)
    assert not overview.isVisible()


def test_a_small_flow_is_fitted_whole_and_has_no_overview(make_bridge, panel_on, tiny_flow, qtbot):
    panel = panel_on(make_bridge(tiny_flow, start=False))
    assert panel.view.shows_whole_graph()
    assert panel.view.transform().m11() == pytest.approx(1.0)
    assert not panel.overview.isVisible()


def test_the_legend_explains_every_badge_the_graph_can_draw(make_bridge, sample_flow, panel_on):
    panel = panel_on(make_bridge(sample_flow, start=False))
    assert set(KIND_BADGES) == set(typing.get_args(StateKind))
    legend = panel.legend
    assert not legend.isVisible()
    panel.show_legend.setChecked(True)
    assert legend.isVisible()
    explained = legend.entries()
    drawn = {node.badge for node in panel.view.node_items()} | {stub.badge for stub in panel.view.stub_items()}
    assert {n.node.kind for n in panel.view.node_items()} == set(typing.get_args(StateKind))
    assert {stub.transition.why for stub in panel.view.stub_items()} == {"intent", "fallback"}
    assert drawn <= set(explained)
    assert len({badge.letters for badge in explained}) == len(explained)


def test_the_panel_asks_for_room_to_show_the_graph(make_bridge, sample_flow):
    panel = GraphPanel(make_bridge(sample_flow, start=False))
    assert panel.sizeHint().height() >= 420 + 160
    assert panel.sizeHint().width() >= 420
    panel.deleteLater()
