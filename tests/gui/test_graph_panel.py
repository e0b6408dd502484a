"""The graph panel on a real conversation: nodes and edges, the live path, search, definitions, styles."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from workbench.engine.conversation import Conversation
from workbench.flow.graph import ANYWHERE, transitions
from workbench.gui.graph.items import EdgeItem, NodeItem
from workbench.gui.graph.panel import GraphPanel
from workbench.gui.graph.theme import EdgeStyle, NodeStyle


@pytest.fixture
def panel_on(show_widget):
    """A shown graph panel on a bridge."""
    return lambda bridge: show_widget(GraphPanel(bridge), 900, 600)


def send(bridge, qtbot, text: str) -> None:
    bridge.send_text(text)
    qtbot.waitUntil(lambda: not bridge.busy, timeout=10_000)


def traversed(panel) -> set:
    return {item.transition.key for item in panel.view.edge_items() + panel.view.stub_items() if item.traversed}


def test_one_node_per_state_and_one_edge_per_transition_from_a_state(make_bridge, sample_flow, panel_on):
    panel = panel_on(make_bridge(sample_flow, start=False))
    edges = [t for t in transitions(sample_flow) if t.source != ANYWHERE]
    stubs = [t for t in transitions(sample_flow) if t.source == ANYWHERE]
    assert [n.name for n in panel.view.node_items()] == list(sample_flow.states)
    assert [e.transition.key for e in panel.view.edge_items()] == [t.key for t in edges]
    assert [s.transition.key for s in panel.view.stub_items()] == [t.key for t in stubs]
    router = panel.view.node_item("check_group")
    assert router.node.kind == "router" and not router.node.system
    assert panel.view.node_item("not_understood").node.system
    on_error = panel.view.edge_item(("book", "booking_failed", "on_error", None))
    assert on_error.pen().style() == Qt.PenStyle.DashLine


def test_the_current_state_is_highlighted_and_the_path_is_traced(make_bridge, sample_flow, panel_on, qtbot):
    bridge = make_bridge(sample_flow)
    panel = panel_on(bridge)
    view = panel.view
    assert view.current_state == "ask_name"
    assert traversed(panel) == {("welcome", "ask_name", "next", None)}
    send(bridge, qtbot, "Ann")
    assert view.current_state == "menu"
    menu = view.node_item("menu")
    assert menu.is_current and menu.border_pen().color() == view.palette().highlight().color()
    assert view.node_item("ask_name").visited and not view.node_item("ask_name").is_current
    assert not view.node_item("destinations").visited
    send(bridge, qtbot, "book a train")
    assert view.current_state == "ask_destination"
    assert traversed(panel) == {
        ("welcome", "ask_name", "next", None),
        ("ask_name", "menu", "next", None),
        (ANYWHERE, "ask_destination", "intent", None),
    }
    edge = view.edge_item(("ask_name", "menu", "next", None))
    assert edge.pen().width() > view.edge_item(("menu", "destinations", "button", None)).pen().width()


def test_restart_clears_the_path(make_bridge, sample_flow, panel_on, qtbot):
    bridge = make_bridge(sample_flow)
    panel = panel_on(bridge)
    send(bridge, qtbot, "Ann")
    bridge.restart()
    qtbot.waitUntil(lambda: not bridge.busy, timeout=10_000)
    assert traversed(panel) == {("welcome", "ask_name", "next", None)}
    assert [n.name for n in panel.view.node_items() if n.visited] == ["welcome", "ask_name"]


def test_a_new_conversation_on_a_reloaded_flow_rebuilds_the_graph(make_bridge, sample_flow, panel_on, tiny_flow):
    bridge = make_bridge(sample_flow)
    panel = panel_on(bridge)
    bridge.attach(Conversation(tiny_flow))
    assert [n.name for n in panel.view.node_items()] == ["hello", "bye"]
    assert panel.view.current_state is None


def test_search_centres_on_and_selects_a_state(make_bridge, sample_flow, panel_on, qtbot):
    panel = panel_on(make_bridge(sample_flow, start=False))
    panel.view.fit()
    qtbot.keyClicks(panel.search, "ASK_PASS")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    item = panel.view.node_item("ask_passengers")
    assert panel.view.selected_state() == "ask_passengers"
    centre = panel.view.mapToScene(panel.view.viewport().rect().center())
    assert (centre - item.scenePos()).manhattanLength() < 5
    assert "ask_passengers" in panel.definition.title.text()
    assert not panel.find("no_such_state")


def test_clicking_a_state_shows_its_yaml_with_line_numbers(make_bridge, sample_flow, panel_on, qtbot):
    panel = panel_on(make_bridge(sample_flow, start=False))
    view = panel.view
    view.center_on_state("ask_date")
    view.scene().clearSelection()
    item = view.node_item("compute_price")
    with qtbot.waitSignal(view.state_clicked) as clicked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(item.scenePos()))
    assert clicked.args == ["compute_price"]
    state = sample_flow.states["compute_price"]
    code = panel.definition.code
    assert code.first_line == state.loc.line
    lines = code.toPlainText().splitlines()
    assert lines[0].strip() == "compute_price:"
    assert len(lines) == state.end_line - state.loc.line + 1


def test_a_flow_without_a_file_shows_a_notice(make_bridge, panel_on, flow_from):
    flow = flow_from("""
        name: Tiny
        start: hello
        states:
          hello:
            say: Hi
    """)
    panel = panel_on(make_bridge(flow, start=False))
    panel.show_definition("hello")
    assert "no flow file" in panel.definition.code.toPlainText().lower()


def test_nodes_and_edges_take_a_style_overlay_and_drop_it(make_bridge, sample_flow, panel_on):
    view = panel_on(make_bridge(sample_flow, start=False)).view
    node: NodeItem = view.node_item("menu")
    default = node.fill_color()
    view.set_node_style("menu", NodeStyle(fill=QColor("#30c030")))
    assert node.fill_color() == QColor("#30c030")
    view.set_node_style("menu", None)
    assert node.fill_color() == default
    key = ("menu", "destinations", "button", None)
    view.set_edge_style(key, EdgeStyle(color=QColor("#ff8800"), width=4))
    edge: EdgeItem = view.edge_item(key)
    assert edge.pen().color() == QColor("#ff8800") and edge.pen().widthF() == 4


def test_keys_zoom_and_fit(make_bridge, sample_flow, panel_on, qtbot):
    view = panel_on(make_bridge(sample_flow, start=False)).view
    view.fit()
    fitted = view.transform().m11()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.transform().m11() > fitted
    qtbot.keyClick(view, Qt.Key.Key_0)
    assert view.transform().m11() == pytest.approx(fitted)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.transform().m11() < fitted


def test_breakpoints_drawn_requested_by_double_click_and_a_pause_marked(make_bridge, sample_flow, panel_on, qtbot):
    panel = panel_on(make_bridge(sample_flow, start=False))
    view = panel.view
    node = view.node_item("menu")
    view.center_on_state("menu")
    at = view.mapFromScene(node.sceneBoundingRect().center())
    with qtbot.waitSignal(view.breakpoint_requested) as asked:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert asked.args == ["menu"]
    assert not node.has_breakpoint  # the view only asks; the debugger decides
    view.set_breakpoint("menu", True)
    assert node.has_breakpoint
    view.set_paused("menu")
    assert node.is_paused and node.zValue() == 3
    view.set_paused("welcome")
    assert not node.is_paused and view.node_item("welcome").is_paused
    view.set_paused(None)
    assert not view.node_item("welcome").is_paused
