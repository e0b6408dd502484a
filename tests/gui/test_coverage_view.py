"""Coverage on the graph: a run of the sample suite paints nodes and edges by hits, the bar sums it up, a click on a
never-reached state lists the routes into it, and the same data exports as the HTML report."""

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from workbench.gui.coverage_view import controller, show_coverage
from workbench.gui.coverage_view.scale import CoverageScale, band_limits
from workbench.testing.coverage import Coverage

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "flows" / "train_ticket"
FULL = "States 30/30 (100%) · Transitions 41/41 (100%) · Intents 7/7 (100%)"
CHARTER_ROUTE = ("check_group", "charter", "route", 0)


@pytest.fixture
def window(make_window, sample_backend):
    return make_window({"api_base": sample_backend})


def sample_copy(tmp_path: Path, *, charter: bool = False) -> Path:
    """The sample with its convo files; with `charter`, plus a state that no test reaches (route 1 of check_group)."""
    folder = tmp_path / "flow"
    shutil.copytree(SAMPLE_DIR, folder, ignore=shutil.ignore_patterns("__pycache__", "conftest.py"))
    flow = folder / "train_ticket.yaml"
    if charter:
        text = flow.read_text().replace(
            "  check_group:\n    next:\n",
            "  check_group:\n    next:\n      - if: passengers > 50\n        goto: charter\n",
        )
        flow.write_text(text + "\n  charter:\n    say: We will call you about a charter train.\n    next: menu\n")
    return flow


def open_and_run(window, qtbot, flow: Path) -> None:
    opened = window.open_flow(flow)
    qtbot.waitUntil(opened.done, timeout=10_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    task = controller(window).run_suite()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=30_000)


def test_band_limits_split_the_hits_on_a_log_scale():
    assert band_limits(0) == []
    assert band_limits(1) == [(1, 1)]
    assert band_limits(2) == [(1, 1), (2, 2)]
    assert band_limits(40) == [(1, 3), (4, 6), (7, 16), (17, 40)]


def test_after_a_run_of_the_sample_suite_every_state_and_edge_is_coloured_as_covered(window, qtbot, tmp_path):
    open_and_run(window, qtbot, sample_copy(tmp_path))
    coverage = controller(window)
    assert coverage.bar.isVisible()
    assert coverage.bar.summary.text() == FULL
    assert "passed" in window.statusBar().currentMessage() and "failed" in window.statusBar().currentMessage()
    scale = coverage.overlay.scale
    view = window.graph.view
    never = scale.never.node.fill
    assert all(node.style is not None and node.style.fill != never for node in view.node_items())
    assert all(edge.style is not None and edge.style.color != scale.never.edge.color for edge in view.edge_items())
    assert all(stub.style is not None for stub in view.stub_items())
    assert coverage.bar.legend.labels[0] == "never reached"
    assert len(coverage.bar.legend.labels) == 1 + len(scale.bands)
    # More hits, a wider edge: welcome → ask_name is taken by most conversations, a carousel button by one.
    busy = view.edge_item(("welcome", "ask_name", "next", None)).pen().widthF()
    rare = view.edge_item(("destinations", "ask_date", "button", None)).pen().widthF()
    assert busy > rare


def test_a_state_no_test_reaches_stands_out_and_a_click_lists_the_routes_into_it(window, qtbot, tmp_path):
    flow = sample_copy(tmp_path, charter=True)
    open_and_run(window, qtbot, flow)
    coverage = controller(window)
    assert coverage.bar.summary.text() == "States 30/31 (96.8%) · Transitions 41/43 (95.3%) · Intents 7/7 (100%)"
    view = window.graph.view
    scale = coverage.overlay.scale
    charter, menu = view.node_item("charter"), view.node_item("menu")
    assert charter.fill_color() == scale.never.node.fill
    assert charter.border_pen().color() == scale.never.node.border
    assert menu.fill_color() == scale.band(coverage.overlay.hits("menu")).node.fill != scale.never.node.fill
    assert view.edge_item(CHARTER_ROUTE).pen().color() == scale.never.edge.color
    assert view.edge_item(("check_group", "ask_email", "route", 3)).pen().color() != scale.never.edge.color

    view.center_on_state("menu")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(menu.scenePos()))
    assert not coverage.popup.isVisible()
    view.center_on_state("charter")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(charter.scenePos()))
    assert coverage.popup.isVisible()
    line = window.bridge.flow.states["check_group"].loc.line
    assert coverage.popup.texts() == [f"check_group → charter (route 1: passengers > 50) — {flow}:{line}"]
    coverage.popup.routes.itemActivated.emit(coverage.popup.routes.item(0))
    assert view.selected_state() == "check_group" and not coverage.popup.isVisible()


def test_coverage_json_paints_exports_as_the_html_report_and_clears(window, qtbot, tmp_path):
    flow = sample_copy(tmp_path, charter=True)
    open_and_run(window, qtbot, flow)
    data = controller(window).coverage.to_json()
    controller(window).clear()
    view = window.graph.view
    assert all(node.style is None for node in view.node_items())
    assert all(edge.style is None for edge in view.edge_items() + view.stub_items())
    assert not controller(window).bar.isVisible()

    assert show_coverage(window, data["flows"][0])  # one flow's JSON will do too
    assert show_coverage(window, data)
    assert view.node_item("charter").style == controller(window).overlay.scale.never.node
    report = tmp_path / "coverage.html"
    controller(window).export_html(report)
    html = report.read_text()
    assert "Conversation test coverage" in html and "state: charter" in html
    assert not show_coverage(window, Coverage())
    assert all(node.style is None for node in view.node_items())


def test_colours_follow_the_palette_and_survive_a_reload(window, qtbot, tmp_path):
    flow = sample_copy(tmp_path, charter=True)
    open_and_run(window, qtbot, flow)
    view = window.graph.view
    dark = QPalette(view.palette())
    dark.setColor(QPalette.ColorRole.Base, Qt.GlobalColor.black)
    dark.setColor(QPalette.ColorRole.Text, Qt.GlobalColor.white)
    view.setPalette(dark)
    assert view.node_item("charter").fill_color() == CoverageScale(dark, 1).never.node.fill

    old = view.node_item("charter")
    task = window.flow_session.reload()
    qtbot.waitUntil(task.done, timeout=10_000)
    qtbot.waitUntil(lambda: view.node_item("charter") is not old, timeout=10_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    assert view.node_item("charter").style == controller(window).overlay.scale.never.node
