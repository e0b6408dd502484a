"""Coverage › Mutation testing…: the run happens off the window's thread with its progress in the dialog, the
survivors are listed by state and their states badged on the graph, a click on such a state lists its survivors
with the conversation closest to catching each, Explore from here and Record a test here start the explorer and a
conversation at the state, Cancel ends a run keeping what it found (with worker processes too, at their next
mutant), the number of workers is chosen in the dialog and remembered, and a flow without tests is told so."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from loop_ticks import LoopTicks
from number_chain import every_number, long_flow
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from window_steps import click_state, open_flow_text

from workbench.engine import events as ev
from workbench.gui import explore
from workbench.gui.mutate import COVERAGE, dialog, open_dialog, survivor_marks
from workbench.gui.mutate.marks import SurvivorBadge
from workbench.gui.mutate.run_dialog import MutationDialog
from workbench.gui.test_explorer.menu import window_menu
from workbench.testing.recorder import record

SHOP = """\
name: Shop
start: ask_count
states:
  ask_count:
    ask: How many apples?
    save: count
    expect: number
    retry: A number, please.
    next: route
  route:
    next:
      - if: count > 10
        goto: bulk
      - goto: few
  bulk:
    say: A crate of {count}.
    set: {crate: yes}
  few:
    say: Only {count}.
"""
SHOP_TESTS = """\
flow: shop.yaml
conversations:
  - name: twelve apples come in a crate
    turns:
      - bot: How many apples?
      - user: "12"
      - bot: A crate of 12.
  - name: three apples are few
    turns:
      - bot: How many apples?
      - user: "3"
      - bot: Only 3.
"""
SURVIVORS = {
    "ask_count": ["ask_count.expect: number → any"],
    "route": ["route.next[0].if: count > 10 → count >= 10"],
    "bulk": ["bulk.set: drop crate"],
}
"""What the two conversations cannot notice: no answer that is not a number, none on the boundary (10), and
nobody reads `crate`."""


TWO_CPUS = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="two worker processes need two CPUs")


@pytest.fixture
def window(make_window):
    return make_window()


def mutation_action(window) -> QAction:
    return next(a for a in window_menu(window, COVERAGE).actions() if a.text() == "&Mutation testing…")


def run_mutation_testing(window, qtbot) -> MutationDialog:
    mutation_action(window).trigger()
    found = dialog(window)
    assert found is not None and found.isVisible()
    return found


def finished_shop_run(window, qtbot, folder: Path) -> MutationDialog:
    open_flow_text(window, qtbot, folder / "shop.yaml", SHOP, SHOP_TESTS)
    mutation = run_mutation_testing(window, qtbot)
    qtbot.waitUntil(lambda: not mutation.running, timeout=120_000)
    return mutation


def test_the_coverage_menu_offers_mutation_testing(window):
    action = mutation_action(window)
    assert action.isEnabled()
    assert "tests would not notice" in action.toolTip()


def test_a_run_lists_the_survivors_by_state_and_badges_their_states_on_the_graph(window, qtbot, tmp_path):
    mutation = finished_shop_run(window, qtbot, tmp_path)

    assert mutation.status.text().startswith("Mutation score ")
    assert "for shop.yaml: " in mutation.status.text() and "against 2 conversation(s)" in mutation.status.text()
    assert mutation.progress.value() == mutation.progress.maximum() == len(mutation.run.verdicts) > 0
    assert mutation.survivor_counts() == {state: len(changes) for state, changes in SURVIVORS.items()}
    for state, changes in SURVIVORS.items():
        assert mutation.survivors.changes(state) == changes
    assert mutation.survivors.topLevelItem(1).text(0) == "route — 1 survivor · reached by 2 conversation(s)"
    # The graph: a badge on each state with survivors, none elsewhere; the coverage look of the nodes is left alone.
    assert survivor_marks(window).marked() == mutation.survivor_counts()
    view = window.graph.view
    badges = {node.name: [c for c in node.childItems() if isinstance(c, SurvivorBadge)] for node in view.node_items()}
    assert {name for name, found in badges.items() if found} == set(SURVIVORS)
    assert badges["route"][0].toolTip() == "1 mutant of route survived: click the state to list them"
    assert all(node.style is None for node in view.node_items())


def test_a_click_on_a_badged_state_lists_its_survivors_with_the_closest_conversation(window, qtbot, tmp_path):
    mutation = finished_shop_run(window, qtbot, tmp_path)
    mutation.hide()

    click_state(window, qtbot, "route")
    assert mutation.isVisible()
    assert mutation.survivors.chosen_state() == "route" and mutation.survivors.chosen_verdict() is None
    assert mutation.explore_button.isEnabled() and mutation.record_button.isEnabled()
    assert mutation.survivors.select_change("route.next[0].if: count > 10 → count >= 10")
    assert mutation.detail.text() == (
        "route.next[0].if: count > 10 → count >= 10\n"
        "Closest conversation: twelve apples come in a crate (shop.convo.yaml) — reaches it and checks 1 "
        "expectation after it; none sees a difference."
    )
    # A state where every mutant was caught lists nothing.
    mutation.survivors.setCurrentItem(None)
    click_state(window, qtbot, "few")
    assert mutation.survivors.chosen_state() is None


def test_record_a_test_here_starts_a_conversation_at_the_survivors_state(window, qtbot, tmp_path):
    mutation = finished_shop_run(window, qtbot, tmp_path)
    old = window.bridge.conversation
    assert mutation.survivors.select_change("bulk.set: drop crate")

    qtbot.mouseClick(mutation.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.bridge.conversation is not old and not window.bridge.busy, timeout=10_000)

    conversation = window.bridge.conversation
    entered = [e for e in conversation.events if isinstance(e, ev.StateEntered)]
    assert (entered[0].state, entered[0].reason) == ("bulk", "start")
    message = window.statusBar().currentMessage()
    assert message.startswith("Recording from bulk: ") and "(bulk.set: drop crate)" in message
    assert "Save conversation as test" in message
    recorded = record(conversation.events, conversation.flow, name="crate", flow_ref="shop.yaml")
    assert "\nstart: bulk\n" in recorded


def test_explore_from_here_starts_the_explorer_on_the_flow(window, qtbot, tmp_path):
    mutation = finished_shop_run(window, qtbot, tmp_path)
    assert mutation.survivors.select_state("route")

    qtbot.mouseClick(mutation.explore_button, Qt.MouseButton.LeftButton)

    explorer = explore.dialog(window)
    assert explorer is not None and explorer.isVisible()
    assert explorer.flow_path == tmp_path.resolve() / "shop.yaml"
    assert "goes through route" in window.statusBar().currentMessage()
    explorer.stop()
    qtbot.waitUntil(lambda: not explorer.running, timeout=60_000)


def test_cancel_ends_the_run_and_keeps_the_survivors_found_so_far(window, qtbot, tmp_path):
    open_flow_text(window, qtbot, tmp_path / "long.yaml", long_flow(20), every_number(20))
    mutation = run_mutation_testing(window, qtbot)
    assert mutation.cancel_button.isVisible() and not mutation.close_button.isVisible()
    qtbot.waitUntil(lambda: mutation.progress.value() >= 3, timeout=120_000)
    assert mutation.status.text().startswith("Judging the mutants of long.yaml: ")
    assert "score so far" in mutation.status.text()

    qtbot.mouseClick(mutation.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not mutation.running, timeout=60_000)

    total = mutation.progress.maximum()
    assert mutation.status.text().startswith(f"Cancelled after {len(mutation.verdicts)} of {total} mutants")
    assert 3 <= len(mutation.verdicts) < total and mutation.run is None
    assert mutation.close_button.isVisible() and mutation.again_button.isVisible()
    assert survivor_marks(window).marked() == mutation.survivor_counts()


@TWO_CPUS
def test_the_workers_chosen_in_the_dialog_judge_the_mutants_and_are_remembered(make_window, qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "mutate.ini"), QSettings.Format.IniFormat)
    window = make_window(settings=settings)
    mutation = finished_shop_run(window, qtbot, tmp_path)
    assert mutation.workers.value() == 1  # by default the run stays in the window's process
    alone = mutation.run

    mutation.workers.setValue(2)
    mutation.run_again()
    assert mutation.job is not None and mutation.job.workers == 2
    assert not mutation.workers.isEnabled()  # the count is the run's until it ends
    qtbot.waitUntil(lambda: not mutation.running, timeout=120_000)
    assert mutation.run == alone and mutation.workers.isEnabled()

    settings.sync()
    again = open_dialog(make_window(settings=QSettings(str(tmp_path / "mutate.ini"), QSettings.Format.IniFormat)))
    assert again.workers.value() == 2


@TWO_CPUS
def test_cancel_ends_a_run_with_two_workers_at_their_next_mutant(window, qtbot, tmp_path):
    # 40 questions, so that a chunk of mutants takes far longer than the click: with 20, on a busy machine, the
    # worker process had judged its whole chunk before the window saw the first verdict.
    open_flow_text(window, qtbot, tmp_path / "long.yaml", long_flow(40), every_number(40))
    open_dialog(window).workers.setValue(2)
    mutation = run_mutation_testing(window, qtbot)
    qtbot.waitUntil(lambda: mutation.progress.value() >= 1, timeout=120_000)

    qtbot.mouseClick(mutation.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not mutation.running, timeout=60_000)

    # The mutants go out in 8 chunks of about 60: the worker process ends its chunk at its next mutant, so the
    # run keeps fewer verdicts than one whole chunk, and no worker process is left.
    total = mutation.progress.maximum()
    assert mutation.status.text().startswith(f"Cancelled after {len(mutation.verdicts)} of {total} mutants")
    assert 1 <= len(mutation.verdicts) < total // 8
    assert multiprocessing.active_children() == []


def test_the_window_stays_responsive_while_mutants_are_judged(window, qtbot, tmp_path):
    open_flow_text(window, qtbot, tmp_path / "long.yaml", long_flow(20), every_number(20))
    loop = LoopTicks()
    mutation = run_mutation_testing(window, qtbot)
    loop.start()
    qtbot.waitUntil(lambda: mutation.progress.value() >= 3, timeout=120_000)
    loop.stop_after_half_a_second(qtbot)
    assert mutation.running  # the run went on all the while
    assert loop.longest_gap() < 1.0, f"the window's loop stood still for {loop.longest_gap():.2f} s"
    mutation.cancel()
    qtbot.waitUntil(lambda: not mutation.running, timeout=60_000)


def test_a_flow_without_tests_is_told_so_plainly(window, qtbot, tmp_path):
    open_flow_text(window, qtbot, tmp_path / "shop.yaml", SHOP)
    mutation = run_mutation_testing(window, qtbot)
    qtbot.waitUntil(lambda: not mutation.running, timeout=30_000)
    assert mutation.status.text().startswith("No conversation test runs shop.yaml: ")
    assert mutation.survivor_counts() == {} and survivor_marks(window).marked() == {}


def test_a_suite_that_fails_on_the_flow_as_it_is_catches_nothing_and_is_told_so(window, qtbot, tmp_path):
    open_flow_text(
        window, qtbot, tmp_path / "shop.yaml", SHOP, SHOP_TESTS.replace("Only 3.", "Just 3.").replace("12.", "13.")
    )
    mutation = run_mutation_testing(window, qtbot)
    qtbot.waitUntil(lambda: not mutation.running, timeout=60_000)
    assert mutation.status.text().startswith("None of the conversations beside shop.yaml passes on the flow as it is")
    assert mutation.survivor_counts() == {} and survivor_marks(window).marked() == {}


def test_without_an_open_flow_the_status_bar_says_to_open_one(window):
    mutation_action(window).trigger()
    assert "Open a flow first" in window.statusBar().currentMessage()
    assert not dialog(window).isVisible()
