"""Tests > Save conversation as test: the live conversation (buttons, text, HTTP, an agent) written as a convo
test next to the flow, with the assertions picked from the inspector's values; atomic, and never overwriting
without asking."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from qa_helpers import book_to_ghent, copy_sample, open_flow, qa_window, save_as_test, save_dialog, saver, showing, tick

from workbench.engine import events as ev
from workbench.gui.recording.save import ask
from workbench.gui.recording.writer import write_atomically
from workbench.testing.convo_format import load_convo_file
from workbench.testing.runner import Runner


@pytest.fixture
def window(make_window, sample_backend):
    return qa_window(make_window, sample_backend)


@pytest.fixture
def flow(tmp_path) -> Path:
    return copy_sample(tmp_path)


def replay(path: Path, qt_loop, qtbot):
    async def go():
        runner = Runner()
        try:
            return await runner.run(load_convo_file(path).tests[0])
        finally:
            await runner.aclose()

    task = qt_loop.create_task(go())
    qtbot.waitUntil(task.done, timeout=20_000)
    return task.result()


def test_a_live_conversation_is_saved_next_to_the_flow_and_replays_offline(window, qtbot, qt_loop, flow):
    open_flow(window, qtbot, flow)
    book_to_ghent(window, qtbot)
    path = save_as_test(window, qtbot, "Ann books to Ghent", ticks=("email", "tickets_booked"))

    assert path == flow.parent / "ann-books-to-ghent.convo.yaml"
    text = path.read_text()
    # The window's api_base (the backend's random port) is its environment: the recording keeps the flow's.
    assert text.startswith("flow: train_ticket.yaml\nname: Ann books to Ghent\nvariables: {first_name: Ann}\n")
    assert "  - request: GET {api_base}/price?to=Ghent\n" in text
    assert "  - request: POST {api_base}/tickets\n" in text
    for turn in ("click: Book a ticket", "user: Ghent", "click: Yes, book it", "agent: Hello Ann, all booked?"):
        assert f"  - {turn}\n" in text
    assert text.endswith("  - state: menu\n  - vars: {tickets_booked: 1, email: ann@example.com}\n")
    assert [p.name for p in flow.parent.iterdir() if p.name.endswith(".tmp")] == []
    assert "Saved the conversation as a test" in window.statusBar().currentMessage()

    result = replay(path, qt_loop, qtbot)
    assert result.passed, result.failure and result.failure.report()


def test_the_picker_offers_the_state_and_the_top_level_variables_ticking_what_the_last_turn_changed(
    window, qtbot, flow
):
    open_flow(window, qtbot, flow)
    window.bridge.press("Book a ticket")
    window.bridge.send_text("Ghent")
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    task = saver(window).save()
    dialog = save_dialog(window, qtbot)
    items = [dialog.assertion_list.item(i) for i in range(dialog.assertion_list.count())]
    rows = [item.text() for item in items]
    ticked = [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]
    assert ticked == ["state: ask_date", 'city = "Ghent"', 'destination = "Ghent"']
    assert 'first_name = "Ann"' in rows
    assert not any(text.startswith("internal") for text in rows)
    tick(dialog, "state", on=False)
    assert [a.name for a in dialog.choice().assertions] == ["city", "destination"]
    dialog.reject()
    qtbot.waitUntil(task.done, timeout=5_000)
    assert task.result() is None
    assert list(flow.parent.glob("*.convo.yaml")) == []


def test_unticking_canned_answers_records_http_passthrough(window, qtbot, flow):
    open_flow(window, qtbot, flow)
    book_to_ghent(window, qtbot)
    task = saver(window).save()
    dialog = save_dialog(window, qtbot)
    assert dialog.http_box.isEnabled()
    dialog.http_box.setChecked(False)
    dialog.accept()
    qtbot.waitUntil(task.done, timeout=5_000)
    text = task.result().read_text()
    assert "\nhttp: passthrough\n" in text and "request:" not in text


def test_an_existing_file_is_replaced_only_when_the_tester_says_so(window, qtbot, flow):
    open_flow(window, qtbot, flow)
    first = save_as_test(window, qtbot, "Just the start")
    first.write_text("# edited by hand\n")

    no, yes = QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes
    for answer, expected in ((no, "# edited by hand\n"), (yes, None)):
        task = saver(window).save()
        dialog = save_dialog(window, qtbot)
        dialog.name_edit.clear()
        qtbot.keyClicks(dialog.name_edit, "Just the start")
        dialog.accept()
        box = showing(window, QMessageBox, qtbot)
        assert "already exists" in box.text()
        box.done(answer)
        qtbot.waitUntil(task.done, timeout=5_000)
        assert (task.result() is None) == (answer == no)
        if expected is not None:
            assert first.read_text() == expected
    assert first.read_text().startswith("flow: train_ticket.yaml\nname: Just the start\n")


def test_an_answered_question_is_deleted_after_its_answer(qt_loop, qtbot, show_widget):
    parent = show_widget(QWidget(), 300, 200)
    box = QMessageBox(QMessageBox.Icon.Question, "Replace test?", "Replace it?", parent=parent)
    task = qt_loop.create_task(ask(box))
    qtbot.waitUntil(box.isVisible, timeout=5_000)
    box.done(QMessageBox.StandardButton.Yes)
    qtbot.waitUntil(task.done, timeout=5_000)
    assert task.result() == QMessageBox.StandardButton.Yes
    qtbot.waitUntil(lambda: not shiboken6.isValid(box), timeout=5_000)


def test_a_question_that_goes_away_with_its_window_counts_as_declined(qt_loop, qtbot):
    parent = QWidget()
    parent.show()
    box = QMessageBox(QMessageBox.Icon.Question, "Replace test?", "Replace it?", parent=parent)
    task = qt_loop.create_task(ask(box))
    qtbot.waitUntil(box.isVisible, timeout=5_000)
    with qtbot.waitSignal(parent.destroyed, timeout=5_000):
        parent.deleteLater()
    qtbot.waitUntil(task.done, timeout=5_000)
    assert task.result() == QDialog.DialogCode.Rejected


def test_without_a_conversation_there_is_nothing_to_save(window, qtbot):
    task = saver(window).save()
    qtbot.waitUntil(task.done, timeout=5_000)
    assert task.result() is None
    assert "no conversation to save" in window.statusBar().currentMessage()


def test_the_menu_entry_and_its_shortcut(window):
    tests_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Tests")
    save = next(a for a in tests_menu.actions() if a.objectName() == "save_as_test")
    assert save.text() == "&Save conversation as test…"
    assert save.shortcut().toString() == "Ctrl+S"


def test_the_writer_replaces_atomically_and_refuses_to_overwrite_unless_told(tmp_path):
    target = tmp_path / "a.convo.yaml"
    write_atomically(target, "one\n")
    with pytest.raises(FileExistsError):
        write_atomically(target, "two\n")
    assert target.read_text() == "one\n"
    write_atomically(target, "two\n", overwrite=True)
    assert target.read_text() == "two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.convo.yaml"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    def refuse(*_args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_atomically(tmp_path / "b.convo.yaml", "text\n")
    assert list(tmp_path.iterdir()) == []


def _save_to(window, qtbot, path: Path):
    """Start saving, name the file `path` in the dialog, accept it; the save task and the dialog."""
    task = saver(window).save()
    dialog = save_dialog(window, qtbot)
    dialog.path_edit.setText(str(path))
    dialog.accept()
    return task, dialog


def test_a_file_that_cannot_be_written_says_not_saved_in_the_testers_terms(window, qtbot, flow):
    open_flow(window, qtbot, flow)
    (flow.parent / "plain_file").write_text("not a folder\n")
    task, _ = _save_to(window, qtbot, flow.parent / "plain_file" / "t.convo.yaml")
    box = showing(window, QMessageBox, qtbot)
    assert box.text() == f"Not saved: cannot write {flow.parent / 'plain_file' / 't.convo.yaml'}: Not a directory"
    box.done(QMessageBox.StandardButton.Ok)
    qtbot.waitUntil(task.done, timeout=5_000)
    assert task.result() is None


def test_any_failure_while_saving_says_not_saved_without_python_words(window, qtbot, flow, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ValueError("something deep inside")

    monkeypatch.setattr("workbench.gui.recording.save.write_atomically", broken)
    open_flow(window, qtbot, flow)
    task, _ = _save_to(window, qtbot, flow.parent / "t.convo.yaml")
    box = showing(window, QMessageBox, qtbot)
    assert box.text().startswith("Not saved: the workbench hit an internal error while writing")
    assert "ValueError" not in box.text()
    box.done(QMessageBox.StandardButton.Ok)
    qtbot.waitUntil(task.done, timeout=5_000)
    assert task.result() is None


def user_messages(window) -> list[ev.UserMessage]:
    return [e for e in window.bridge.conversation.events if isinstance(e, ev.UserMessage)]


def test_a_lone_surrogate_typed_arrives_as_the_replacement_character_and_is_saved_so(window, qtbot, flow):
    open_flow(window, qtbot, flow)
    window.bridge.send_text("Ghent \ud800")
    qtbot.waitUntil(lambda: any(e.text == "Ghent \ufffd" for e in user_messages(window)), timeout=10_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    task = saver(window).save()
    dialog = save_dialog(window, qtbot)
    dialog.accept()
    qtbot.waitUntil(task.done, timeout=5_000)
    path = task.result()
    assert "  - user: Ghent \ufffd\n" in path.read_bytes().decode("utf-8")
    assert load_convo_file(path).ok


def test_a_lone_surrogate_in_a_value_is_announced_in_the_dialog_and_saved_as_the_replacement_character(
    window, qtbot, flow
):
    open_flow(window, qtbot, flow)
    window.bridge.set_variable("nickname", "Fa\udc00y")  # a value as a page's JavaScript could send it
    qtbot.waitUntil(lambda: window.bridge.conversation.session.get("nickname") is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    task = saver(window).save()
    dialog = save_dialog(window, qtbot)
    assert not dialog.warning_label.isHidden()
    assert "U+FFFD" in dialog.warning_label.text()
    dialog.accept()
    qtbot.waitUntil(task.done, timeout=5_000)
    assert load_convo_file(task.result()).ok


def test_the_save_dialog_shows_no_warning_for_ordinary_text(window, qtbot, flow):
    open_flow(window, qtbot, flow)
    task = saver(window).save()
    dialog = save_dialog(window, qtbot)
    assert dialog.warning_label.isHidden()
    dialog.reject()
    qtbot.waitUntil(task.done, timeout=5_000)


def test_a_save_removes_what_a_killed_save_left_behind(tmp_path):
    target = tmp_path / "a.convo.yaml"
    stale = tmp_path / ".a.convo.yaml.dead0001.tmp"
    young = tmp_path / ".a.convo.yaml.busy0002.tmp"  # perhaps another save, still running
    other = tmp_path / ".b.convo.yaml.dead0003.tmp"  # another file's: not this save's business
    for leftover in (stale, young, other):
        leftover.write_text("half a fi")
    an_hour_ago = time.time() - 3600
    for leftover in (stale, other):
        os.utime(leftover, (an_hour_ago, an_hour_ago))
    write_atomically(target, "whole\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, young.name, other.name])


def test_saving_over_a_symlink_writes_through_to_its_target(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "a.convo.yaml"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "a.convo.yaml"
    link.symlink_to(real)
    write_atomically(link, "new\n", overwrite=True)
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text() == "new\n"
    assert real.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in shared.iterdir()] == ["a.convo.yaml"]


def test_text_that_is_not_valid_unicode_is_not_written_at_all(tmp_path):
    with pytest.raises(UnicodeEncodeError):
        write_atomically(tmp_path / "c.convo.yaml", "user: \ud800\n")
    assert list(tmp_path.iterdir()) == []
