"""The test explorer: convo files and conversations with tags, runs on the loop or in worker processes with
progress and Stop, failure details with a diff per turn, Open in chat at the failing turn, watched files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from qa_helpers import SAMPLE_DIR, book_to_ghent, copy_sample, explorer, open_flow, qa_window, save_as_test, settle

from workbench.engine import events as ev
from workbench.gui import coverage_view
from workbench.gui.test_explorer.model import RUNNING, STATUS_ROLE

ASK_EMAIL = "Which e-mail address should we send the ticket to?"


@pytest.fixture
def window(make_window, sample_backend):
    return qa_window(make_window, sample_backend)


@pytest.fixture
def flow(tmp_path) -> Path:
    return copy_sample(tmp_path)


def listed(panel, qtbot, key: str) -> None:
    qtbot.waitUntil(lambda: panel.model.test(key) is not None or key in panel.model.results, timeout=10_000)


def run_and_wait(panel, qtbot, run) -> None:
    task = run()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=60_000)


def status(panel, key: str) -> str | None:
    return panel.model.index_of(key).data(STATUS_ROLE)


def with_sample_tests(flow: Path, *names: str) -> None:
    for name in names:
        shutil.copy(SAMPLE_DIR / name, flow.parent / name)


def test_record_run_break_rerun_and_open_the_failure_in_the_chat(window, qtbot, flow):
    open_flow(window, qtbot, flow)
    book_to_ghent(window, qtbot)
    path = save_as_test(window, qtbot, "Ann books to Ghent")
    panel = explorer(window)
    key = f"{path.resolve()}::Ann books to Ghent"
    listed(panel, qtbot, key)

    panel.select(key)
    run_and_wait(panel, qtbot, panel.run_selected)
    assert status(panel, key) == "passed"
    assert panel.summary.text().startswith("1 passed, 0 failed, 0 error in ")
    assert panel.progress.value() == panel.progress.maximum() == 1

    flow.write_text(flow.read_text().replace(ASK_EMAIL, "Your e-mail, please?"))
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Reloaded"), timeout=10_000)
    settle(window, qtbot)
    run_and_wait(panel, qtbot, panel.run_selected)
    assert status(panel, key) == "failed"
    assert status(panel, str(path.resolve())) == "failed"
    report = panel.detail.report.toPlainText()
    assert f"    - {ASK_EMAIL}" in report and "    + Your e-mail, please?" in report
    failed_row = panel.detail.turns.currentItem()
    assert failed_row.text(1) == f"bot: {ASK_EMAIL}"
    assert "failed" in failed_row.toolTip(1)

    before = window.bridge.conversation
    panel.detail.open_button.click()
    qtbot.waitUntil(lambda: window.bridge.conversation is not before, timeout=10_000)
    qtbot.waitUntil(lambda: not panel.tasks, timeout=10_000)
    settle(window, qtbot)
    conversation = window.bridge.conversation
    assert conversation.session.current_state == "ask_email"
    said = [e.text for e in conversation.events if isinstance(e, ev.BotMessage)]
    assert said[-1] == "Your e-mail, please?"
    assert "up to its failing turn" in window.statusBar().currentMessage()
    window.inspector.refresh()
    assert window.inspector.model.index_for("destination").isValid()

    window.bridge.send_text("ann@example.com")  # and on by hand, with the test's canned answers behind it
    settle(window, qtbot)
    assert conversation.session.current_state == "summary"


def test_a_watched_convo_file_runs_again_when_it_is_edited(window, qtbot, flow):
    open_flow(window, qtbot, flow)
    path = save_as_test(window, qtbot, "Just the start")
    panel = explorer(window)
    key = f"{path.resolve()}::Just the start"
    listed(panel, qtbot, key)
    panel.watch_box.setChecked(True)

    path.write_text(path.read_text().replace("  - state: menu\n", "  - state: ask_date\n"))
    qtbot.waitUntil(lambda: key in panel.model.results and not panel.runs.running, timeout=10_000)
    assert status(panel, key) == "failed"
    assert panel.model.results[key].failure.message.startswith("the conversation is in another state")

    panel.watch_box.setChecked(False)
    path.write_text(path.read_text().replace("  - state: ask_date\n", "  - state: menu\n"))
    # Edited: the old result is stale. A run would have started in the same step (the reload runs watched files).
    qtbot.waitUntil(lambda: key not in panel.model.results, timeout=5_000)
    assert status(panel, key) is None and not panel.runs.running


def test_worker_processes_run_the_sample_suite(window, qtbot, flow):
    with_sample_tests(flow, "booking.convo.yaml", "intents.convo.yaml")
    open_flow(window, qtbot, flow)
    panel = explorer(window)
    qtbot.waitUntil(lambda: len(panel.model.files()) == 2, timeout=10_000)
    panel.where.setCurrentIndex(panel.where.findData(2))
    run_and_wait(panel, qtbot, panel.run_all)
    assert [r.status for r in panel.model.results.values()] == ["passed"] * 9
    assert panel.summary.text().startswith("9 passed, 0 failed, 0 error in ")
    assert "coverage of Train tickets" in panel.summary.toolTip()
    assert coverage_view.controller(window).coverage is not None  # painted on the graph


def test_tags_filter_what_run_all_runs_and_run_failed_runs_the_failures(window, qtbot, flow):
    with_sample_tests(flow, "intents.convo.yaml", "live_backend.convo.yaml")
    open_flow(window, qtbot, flow)
    panel = explorer(window)
    qtbot.waitUntil(lambda: len(panel.model.files()) == 2, timeout=10_000)
    panel.filter_edit.setText("intents")
    assert panel.proxy.rowCount() == 1
    run_and_wait(panel, qtbot, panel.run_all)
    assert len(panel.model.results) == 3 and panel.model.failed() == []
    assert panel.run_failed() is None
    assert window.statusBar().currentMessage() == "No conversation to run"

    panel.filter_edit.setText("live and (")
    assert panel.filter_edit.toolTip().startswith("Not used:")
    assert panel.proxy.rowCount() == 1  # the last readable expression still applies

    panel.filter_edit.setText("live")  # http: passthrough, against the backend the window was given
    run_and_wait(panel, qtbot, panel.run_all)
    assert [r.status for r in panel.model.results.values()] == ["passed"] * 4


def test_stop_ends_a_long_run_at_once_and_leaves_no_conversation_running(window, qtbot, flow, tmp_path):
    for copy in range(10):
        for name in ("booking.convo.yaml", "intents.convo.yaml"):
            shutil.copy(SAMPLE_DIR / name, flow.parent / f"{copy}-{name}")
    open_flow(window, qtbot, flow)
    panel = explorer(window)
    qtbot.waitUntil(lambda: len(panel.model.files()) == 20, timeout=10_000)
    task = panel.run_all()
    qtbot.waitUntil(lambda: len(panel.model.results) >= 3, timeout=20_000)
    panel.stop_button.click()
    qtbot.waitUntil(task.done, timeout=5_000)
    assert len(panel.model.results) < 80
    assert panel.summary.text().endswith("(stopped)")
    assert panel.run_all_button.isEnabled() and not panel.stop_button.isEnabled()
    files = [panel.model.index_of(str(f)) for f in panel.model.files()]
    statuses = {panel.model.index_of(t.id).data(STATUS_ROLE) for f in files for t in panel.model.tests_under(f)}
    assert RUNNING not in statuses


def test_a_convo_file_with_errors_is_an_error_row_with_its_problems(window, qtbot, flow):
    broken = flow.parent / "broken.convo.yaml"
    broken.write_text("flow: train_ticket.yaml\nturns:\n  - sya: hello\n")
    open_flow(window, qtbot, flow)
    panel = explorer(window)
    key = str(broken.resolve())
    listed(panel, qtbot, key)
    assert status(panel, key) == "error"
    panel.select(key)
    assert "unknown turn 'sya'" in panel.detail.report.toPlainText()
    assert not panel.detail.open_button.isEnabled()


def test_menus_and_the_dock(window):
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    entries = [a.text() for a in menus["&Tests"].actions() if a.text()]
    assert entries[:6] == [
        "&Save conversation as test…",
        "Run &all tests",
        "Run s&elected tests",
        "Run &failed tests",
        "S&top tests",
        "Add test &folder…",
    ]
    assert "Tests" in [a.text() for a in menus["&View"].actions()]
    assert window.docks["tests"].objectName() == "dock_tests"


TWO_RESULTS = """\
flow: train_ticket.yaml
conversations:
  - name: Welcomes
    turns:
      - bot: Welcome to Belgian Rail tickets!
  - name: Expects a longer welcome
    turns:
      - bot: >-
          Welcome to the Belgian Rail tickets office, where this long expected line shows that the failure report
          wraps inside its pane instead of running off its right edge!
"""


def test_results_show_whole_and_a_failure_report_wraps_and_takes_the_room_it_needs(window, qtbot, flow):
    convo = flow.parent / "two.convo.yaml"
    convo.write_text(TWO_RESULTS)
    open_flow(window, qtbot, flow)
    panel = explorer(window)
    window.docks["tests"].show()
    window.docks["tests"].raise_()
    window.resizeDocks([window.docks["tests"]], [500], Qt.Orientation.Vertical)
    failing = f"{convo.resolve()}::Expects a longer welcome"
    listed(panel, qtbot, failing)
    run_and_wait(panel, qtbot, panel.run_all)

    file_row = panel.proxy.mapFromSource(panel.model.index_of(str(convo.resolve()))).siblingAtColumn(2)
    assert file_row.data() == "1 passed, 1 failed"
    assert panel.tree.columnWidth(2) >= panel.tree.sizeHintForIndex(file_row).width()

    detail = panel.detail
    panel.select(failing)
    qtbot.waitUntil(lambda: detail.report.isVisible())
    assert detail.report.horizontalScrollBar().maximum() == 0, "long lines wrap"
    turns, report = detail.split.sizes()
    assert report > turns, "the long report takes most of the room"

    panel.select(f"{convo.resolve()}::Welcomes")
    qtbot.waitUntil(lambda: detail.report.isHidden())
