"""Tests › Explore this flow…: the search runs off the window's thread, states light up on the graph as it goes,
the generated conversations are listed with check boxes, Keep selected writes the ticked ones beside the flow and
the Tests dock lists them, Stop ends the search keeping what it found, and the budget is set in the dialog and
remembered."""

from __future__ import annotations

from pathlib import Path

import pytest
from loop_ticks import LoopTicks
from number_chain import long_flow
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from window_steps import open_flow_text

from workbench.gui.coverage_view import controller
from workbench.gui.explore import ExploreDialog, dialog, install
from workbench.gui.explore.found_list import FoundList
from workbench.gui.explore.job import Found
from workbench.gui.test_explorer.menu import TESTS, window_menu
from workbench.gui.test_explorer.panel import ExplorerPanel
from workbench.testing.explore.search import Budget

SMALL = """\
name: Small
start: hello
states:
  hello:
    say:
      - text: Hi! Pick one
        buttons:
          - {title: Count, goto: ask_count}
          - {title: Name, goto: ask_name}
  ask_count:
    ask: How many?
    save: count
    expect: number
    retry: Not a number.
    next: route
  route:
    next:
      - if: count > 10
        goto: many
      - goto: few
  many:
    say: That is {count}, many!
  few:
    say: Only {count}.
  ask_name:
    ask: Your name?
    save: name
    next: greet
  greet:
    say: Hello {name}.
  orphan:
    say: Nobody comes here.
"""
REACHABLE = 7  # every state but the orphan


@pytest.fixture
def window(make_window):
    return make_window()


def explore_action(window) -> QAction:
    menu = window_menu(window, TESTS)
    return next(a for a in menu.actions() if a.text() == "E&xplore this flow…")


def explore(window) -> ExploreDialog:
    explore_action(window).trigger()
    found = dialog(window)
    assert found is not None
    return found


def listed_in_tests_dock(window) -> list[Path]:
    panel = window.findChild(ExplorerPanel, "test_explorer")
    return panel.model.files()


def test_the_search_lights_up_the_graph_and_lists_the_generated_conversations(window, qtbot, tmp_path):
    open_flow_text(window, qtbot, tmp_path / "flow.yaml", SMALL)
    explorer = explore(window)
    assert explorer.isVisible() and explorer.running
    qtbot.waitUntil(lambda: not explorer.running, timeout=60_000)

    assert explorer.status.text().startswith("Explored flow.yaml: ")
    assert explorer.progress.value() == REACHABLE and explorer.progress.maximum() == REACHABLE + 1
    assert explorer.conversations.names() == [
        "start → hello",
        "hello: [Count] → ask_count",
        "hello: [Name] → ask_name",
        "hello: 'xyzzy plugh' → not_understood",
        "ask_count: '2' → few",
        "ask_count: '12' → many",
        "ask_name: 'Alex' → greet",
    ]
    rows = explorer.conversations.rows()
    assert all(row.checkState() == Qt.CheckState.Checked for row in rows)
    assert rows[4].toolTip() == "Reached first: states few, route; 2 transitions"
    # The graph shows what the search reached: every state but the orphan in the covered colours.
    coverage = controller(window)
    assert coverage.bar.isVisible()
    assert coverage.bar.summary.text().startswith(f"Explored: States {REACHABLE}/{REACHABLE + 1} ")
    assert coverage.overlay.hits("many") > 0 and coverage.overlay.hits("orphan") == 0


def test_keep_selected_writes_the_ticked_conversations_beside_the_flow_and_the_tests_dock_lists_them(
    window, qtbot, tmp_path
):
    open_flow_text(window, qtbot, tmp_path / "flow.yaml", SMALL)
    explorer = explore(window)
    qtbot.waitUntil(lambda: not explorer.running, timeout=60_000)
    explorer.conversations.check_all(False)
    assert not explorer.keep_button.isEnabled()
    chosen = [row for row in explorer.conversations.rows() if row.text().endswith(("→ many", "→ greet"))]
    assert len(chosen) == 2
    for row in chosen:
        row.setCheckState(Qt.CheckState.Checked)
    assert explorer.keep_button.isEnabled()

    qtbot.mouseClick(explorer.keep_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not explorer.running, timeout=60_000)

    written = sorted((tmp_path / "explored").glob("*.convo.yaml"))
    assert len(written) == 2
    assert {row.text() for row in chosen} == {_name(path) for path in written}
    assert explorer.status.text().startswith(f"Wrote 2 conversations to {tmp_path / 'explored'}")
    qtbot.waitUntil(lambda: {p.resolve() for p in written} <= set(listed_in_tests_dock(window)), timeout=10_000)
    assert window.docks["tests"].isVisible()


def _name(path: Path) -> str:
    line = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("name: "))
    return line.removeprefix("name: ").strip("'\"")


def test_the_window_stays_responsive_while_a_long_search_runs(window, qtbot, tmp_path):
    open_flow_text(window, qtbot, tmp_path / "flow.yaml", long_flow(40))
    loop = LoopTicks()
    explorer = explore(window)
    loop.start()
    qtbot.waitUntil(lambda: explorer.conversations.count() >= 3, timeout=60_000)
    loop.stop_after_half_a_second(qtbot)
    assert explorer.running  # the search went on all the while
    assert loop.longest_gap() < 1.0, f"the window's loop stood still for {loop.longest_gap():.2f} s"
    explorer.stop()
    qtbot.waitUntil(lambda: not explorer.running, timeout=30_000)


def test_stop_ends_the_search_and_the_conversations_found_so_far_can_be_kept(window, qtbot, tmp_path):
    open_flow_text(window, qtbot, tmp_path / "flow.yaml", long_flow(400))
    explorer = explore(window)
    qtbot.waitUntil(lambda: explorer.conversations.count() >= 3, timeout=60_000)
    assert explorer.stop_button.isVisible() and not explorer.budget_box.isEnabled()
    qtbot.mouseClick(explorer.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not explorer.running, timeout=30_000)

    assert explorer.status.text().startswith("Stopped: ")
    assert explorer.close_button.isVisible() and not explorer.stop_button.isVisible()
    found = explorer.conversations.count()
    assert found >= 3 and explorer.keep_button.isEnabled()
    explorer.keep_selected()
    qtbot.waitUntil(lambda: not explorer.running, timeout=60_000)
    assert len(list((tmp_path / "explored").glob("*.convo.yaml"))) == found


def test_a_flow_broken_since_it_was_opened_is_not_explored_and_the_dialog_says_where(window, qtbot, tmp_path):
    path = open_flow_text(window, qtbot, tmp_path / "flow.yaml", SMALL)
    path.write_text("name: Broken\nstart: nowhere\nstates:\n  hello:\n    say: Hi\n", encoding="utf-8")
    explorer = explore(window)
    qtbot.waitUntil(lambda: not explorer.running, timeout=30_000)
    assert explorer.status.text().startswith("The flow has errors, see Problems:\n")
    assert "flow.yaml:" in explorer.status.text()
    assert explorer.conversations.count() == 0 and not explorer.keep_button.isEnabled()


def test_without_an_open_flow_the_status_bar_says_to_open_one(window):
    explore_action(window).trigger()
    assert "Open a flow first" in window.statusBar().currentMessage()
    assert not dialog(window).isVisible()


def test_the_budget_set_in_the_dialog_bounds_the_search_and_is_remembered(make_window, qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "explore.ini"), QSettings.Format.IniFormat)
    window = make_window(settings=settings)
    open_flow_text(window, qtbot, tmp_path / "flow.yaml", SMALL)
    explorer = install(window)
    assert explorer.budget_box.budget() == Budget()  # the command's defaults at first
    explorer.budget_box.conversations.setValue(3)
    explorer.budget_box.turns.setValue(7)
    explorer.budget_box.seconds.setValue(90)
    explore(window)
    qtbot.waitUntil(lambda: not explorer.running, timeout=60_000)
    assert "stopped: the budget of 3 conversations ran out" in explorer.status.text()
    assert 0 < explorer.conversations.count() <= 3

    settings.sync()
    again = install(make_window(settings=QSettings(str(tmp_path / "explore.ini"), QSettings.Format.IniFormat)))
    assert again.budget_box.budget() == Budget(conversations=3, turns=7, seconds=90.0)


def test_a_conversation_handed_over_again_is_renamed_in_its_row_and_keeps_its_tick(qtbot):
    found = FoundList()
    qtbot.addWidget(found)
    found.add([Found(0, "hello: [About] → many", ("state many",)), Found(1, "start → hello", ("state hello",))])
    found.rows()[0].setCheckState(Qt.CheckState.Unchecked)
    found.add([Found(0, "ask_count: '12' → many", ("state many",))])  # its path was shrunk
    assert found.names() == ["ask_count: '12' → many", "start → hello"]
    assert found.checked() == [1]
