"""An exploration's reasons on the graph: once the search is done, a state or a transition it did not reach says
why in its tooltip and in the routes popup a click on the state opens, the coverage bar says it is the explorer's
coverage, and a later suite run's coverage replaces it and its reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel
from window_steps import click_state, open_flow_text

from workbench.gui.coverage_view import CoverageController, controller
from workbench.gui.explore import explore_flow

FLOW = """\
name: Reasons
start: ask_count
states:
  ask_count:
    ask: How many?
    save: count
    expect: number
    next: route
  route:
    next:
      - if: count > 10 && count < 5
        goto: impossible
      - goto: done
  impossible:
    say: Both at once.
  done:
    say: Done with {count}.
  orphan:
    say: Nobody comes here.
"""
UNSATISFIABLE = (
    "a condition the solver could not satisfy: count > 10 && count < 5 (impossible: no session values the solver "
    "could find make route 1's condition true and every route before route 1 false)"
)
ROUTE_IN = ("route", "impossible", "route", 0)
CONVO = """\
flow: flow.yaml
name: Three is done
turns:
  - bot: How many?
  - user: "3"
  - bot: Done with 3.
"""


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture
def flow_path(window, qtbot, tmp_path) -> Path:
    """The flow above, open in the window."""
    (tmp_path / "flow").mkdir()
    return open_flow_text(window, qtbot, tmp_path / "flow" / "flow.yaml", FLOW)


def explored(window, qtbot) -> CoverageController:
    """Explore the open flow in the window and wait until its reasons are on the graph."""
    explorer = explore_flow(window)
    qtbot.waitUntil(lambda: not explorer.running, timeout=60_000)
    coverage = controller(window)
    qtbot.waitUntil(lambda: bool(coverage.overlay.reasons.states), timeout=10_000)
    return coverage


def read(label: QLabel) -> str:
    """A label's text as the user reads it (its rich text rendered)."""
    document = QTextDocument()
    document.setHtml(label.text())
    return document.toPlainText()


def test_states_and_routes_the_explorer_did_not_reach_say_why_on_the_graph(window, qtbot, flow_path):
    view = window.graph.view
    own = {name: view.node_item(name).toolTip() for name in ("orphan", "impossible", "done")}
    own_route = view.edge_item(ROUTE_IN).toolTip()

    coverage = explored(window, qtbot)

    assert coverage.bar.summary.text().startswith("Explored: States 3/5 (60%) · Transitions ")
    assert coverage.bar.summary.toolTip() == "Coverage of Reasons by the explorer"
    assert view.node_item("orphan").toolTip() == own["orphan"] + "\nNot reached: no input reaches it"
    assert view.node_item("impossible").toolTip() == own["impossible"] + f"\nNot reached: {UNSATISFIABLE}"
    assert view.node_item("done").toolTip() == own["done"]  # reached: its tooltip is its own
    assert view.edge_item(ROUTE_IN).toolTip() == own_route + f"\nNot taken: {UNSATISFIABLE}"

    click_state(window, qtbot, "impossible")
    assert coverage.popup.isVisible()
    assert read(coverage.popup.title) == f"impossible was never reached: {UNSATISFIABLE}. Routes into it:"
    line = window.bridge.flow.states["route"].loc.line
    assert coverage.popup.texts() == [
        f"route → impossible (route 1: count > 10 && count < 5) — {flow_path}:{line}\n    Not taken: {UNSATISFIABLE}"
    ]
    coverage.popup.hide()

    click_state(window, qtbot, "orphan")
    assert coverage.popup.isVisible()
    assert read(coverage.popup.title) == (
        "orphan was never reached: no input reaches it. No transition of the flow leads to it."
    )
    assert coverage.popup.texts() == []


def test_a_later_suite_run_replaces_the_explorers_coverage_and_its_reasons(window, qtbot, flow_path):
    view = window.graph.view
    own_orphan = view.node_item("orphan").toolTip()
    own_route = view.edge_item(ROUTE_IN).toolTip()
    coverage = explored(window, qtbot)
    assert view.node_item("orphan").toolTip() != own_orphan

    (flow_path.parent / "three.convo.yaml").write_text(CONVO, encoding="utf-8")
    task = coverage.run_suite()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=30_000)

    assert coverage.explored is None
    assert coverage.bar.summary.text().startswith("States 3/5 (60%) · ")
    assert coverage.bar.summary.toolTip() == "Coverage of Reasons by its conversation tests"
    assert view.node_item("orphan").toolTip() == own_orphan
    assert view.edge_item(ROUTE_IN).toolTip() == own_route
    assert view.node_item("orphan").style == coverage.overlay.scale.never.node  # still red, with no reason now
    click_state(window, qtbot, "impossible")
    assert read(coverage.popup.title) == "impossible was never reached. Routes into it:"
    assert all("Not taken" not in text for text in coverage.popup.texts())
