"""Tests > Compare with…: the open flow's suite against the flow at a git revision, first difference per
conversation in a table, errors in the dialog, the window live meanwhile."""

import shutil
import subprocess
from pathlib import Path

import pytest

from workbench.gui.flow_diff_view import CompareDialog, install, open_compare

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "flows" / "train_ticket"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture
def committed_sample(tmp_path) -> Path:
    """The sample in a git repository, committed, then edited: one message changed. Without the live conversation:
    a real backend numbers its tickets, so two replays of it differ anyway."""
    folder = tmp_path / "repo"
    ignore = shutil.ignore_patterns("__pycache__", "conftest.py", "live_backend.convo.yaml")
    shutil.copytree(SAMPLE_DIR, folder, ignore=ignore)
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "sample"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=folder, check=True)
    flow = folder / "train_ticket.yaml"
    flow.write_text(flow.read_text().replace("Let's start over.", "Starting over."))
    return flow


def compare(window, qtbot, flow: Path, against: str) -> CompareDialog:
    opened = window.open_flow(flow)
    qtbot.waitUntil(opened.done, timeout=10_000)
    dialog = open_compare(window)
    assert dialog is not None and dialog.isVisible()
    dialog.against.setText(against)
    task = dialog.compare()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=30_000)
    return dialog


def test_the_compare_action_sits_in_the_tests_menu_once(window):
    install(window)
    menus = [a for a in window.menuBar().actions() if a.text() == "&Tests"]
    assert len(menus) == 1
    assert [a.text() for a in menus[0].menu().actions()].count("Co&mpare with…") == 1


def test_comparing_with_head_shows_the_first_difference_per_conversation(window, qtbot, committed_sample):
    dialog = compare(window, qtbot, committed_sample, "HEAD")
    rows = {row[0]: row for row in dialog.rows()}
    changed = rows["Destinations, start over, help page and not understood"]
    assert changed[1].startswith("intents.convo.yaml:") and changed[1].endswith(": user: start over")
    assert changed[2:] == ["bot message", "Starting over.", "Let's start over."]
    assert rows["Books two tickets to Brussels"][2] == "behaves the same"
    header = dialog.table.horizontalHeaderItem(4).text()
    assert header == "Other (HEAD:train_ticket.yaml)"
    assert dialog.status.text() == f"{len(rows)} conversations: 1 with a difference, {len(rows) - 1} the same"


def test_a_revision_git_does_not_know_is_shown_in_the_dialog(window, qtbot, committed_sample):
    dialog = compare(window, qtbot, committed_sample, "no-such-branch")
    assert "git show no-such-branch:train_ticket.yaml" in dialog.status.text()
    assert dialog.rows() == []


def test_without_an_open_flow_there_is_nothing_to_compare(window):
    assert open_compare(window) is None
    assert "Open a flow first" in window.statusBar().currentMessage()
