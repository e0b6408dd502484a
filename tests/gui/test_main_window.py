"""The window as a whole: opening flows, problems instead of tracebacks, reload on save, settings, shortcuts."""

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSize, Qt

from workbench.engine import events as ev

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "flows" / "train_ticket"


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(make_window, settings):
    return make_window({"first_name": "Ann"}, settings)


@pytest.fixture
def flow_copy(tmp_path) -> Path:
    folder = tmp_path / "flow"
    shutil.copytree(SAMPLE_DIR, folder, ignore=shutil.ignore_patterns("*.convo.yaml", "__pycache__"))
    return folder / "train_ticket.yaml"


def open_and_wait(window, qtbot, path: Path) -> None:
    task = window.open_flow(path)
    qtbot.waitUntil(task.done, timeout=10_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)


def bot_texts(window):
    return [e.text for e in window.bridge.conversation.events if isinstance(e, ev.BotMessage)]


def test_opening_the_sample_starts_a_conversation_and_remembers_the_file(window, qtbot, flow_copy):
    open_and_wait(window, qtbot, flow_copy)
    assert bot_texts(window)[:2] == ["Welcome to Belgian Rail tickets!", ""]
    assert window.windowTitle() == "Train tickets — Flow Workbench"
    assert [a.text() for a in window.recent_menu.actions()] == [str(flow_copy.resolve())]


def test_a_flow_with_errors_opens_with_the_problem_list_not_a_traceback(window, qtbot, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("start: nowhere\nstates:\n  a: {sya: hi}\n")
    open_and_wait(window, qtbot, broken)
    rows = [
        (item.text(0), item.text(1))
        for item in map(window.problems.topLevelItem, range(window.problems.topLevelItemCount()))
    ]
    assert rows[0][1] == "broken.yaml:1:8" and "'start' refers to unknown state 'nowhere'" in rows[0][0]
    assert rows[1][0].startswith("unknown key 'sya'") and rows[1][1] == "broken.yaml:3:7"
    assert window.docks["problems"].isVisible()
    assert window.bridge.conversation is None


def test_saving_the_flow_reloads_it_keeping_the_session_and_saying_what_changed(window, qtbot, flow_copy):
    open_and_wait(window, qtbot, flow_copy)
    window.bridge.send_text("book a train")
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    conversation = window.bridge.conversation
    text = flow_copy.read_text().replace("Where would you like to go?", "Where to, {first_name}?")
    flow_copy.write_text(text)
    qtbot.waitUntil(lambda: any(isinstance(e, ev.FlowReloaded) for e in conversation.events), timeout=10_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    assert window.bridge.conversation is conversation
    assert conversation.session.get("first_name") == "Ann"
    note = window.chat.bubbles()[-1]
    assert note.objectName() == "reloadNote" and note.title == "flow reloaded: ask_destination changed"
    assert "changed: ask_destination" in window.statusBar().currentMessage()


def test_restart_and_focus_shortcuts_are_wired(window, qtbot, flow_copy):
    open_and_wait(window, qtbot, flow_copy)
    shortcuts = {a.shortcut().toString() for a in window.actions()}
    assert {"Ctrl+O", "Ctrl+R", "Ctrl+L", "Ctrl+Shift+R", "F5"} <= shortcuts


def test_the_layout_and_size_are_kept_between_sessions(make_window, settings):
    first = make_window(settings=settings)
    # The offscreen screen is small: a little above the smallest size the docks allow (before a window is first
    # shown, its hidden tabbed docks still count their tab bars, so the very smallest size does not come back).
    first.resize(first.minimumSizeHint() + QSize(40, 100))
    size = first.size()
    first.docks["event_log"].hide()
    first.close()
    second = make_window(settings=settings)
    assert second.size() == size
    assert second.docks["event_log"].isHidden()


def test_docks_can_be_closed_and_restored_from_the_view_menu(window):
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    toggles = {a.text(): a for a in view.actions()}
    assert {"Dialog states", "Session variables", "Event log", "Problems", "iframe"} <= set(toggles)
    dock = window.docks["graph"]
    toggles["Dialog states"].trigger()
    assert dock.isHidden()
    toggles["Dialog states"].trigger()
    assert dock.isVisible()
    assert dock.features() & dock.DockWidgetFeature.DockWidgetMovable
    assert window.docks["iframe"].allowedAreas() & Qt.DockWidgetArea.LeftDockWidgetArea


def test_a_slow_api_call_shows_the_busy_indicator_and_can_be_cancelled(window, qtbot, tmp_path, sample_backend):
    base_url = sample_backend
    flow = tmp_path / "slow.yaml"
    flow.write_text(
        "start: hello\n"
        "nlu: {intents: {slow: [take your time]}}\n"
        "states:\n"
        "  hello: {say: Hello}\n"
        f"  wait: {{intent: slow, api: {{url: '{base_url}/slow?seconds=30', timeout: 60}}, next: hello}}\n"
    )
    open_and_wait(window, qtbot, flow)
    window.bridge.send_text("take your time")
    qtbot.waitUntil(window.cancel_button.isVisible, timeout=5_000)
    assert window.busy_bar.isVisible()
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=5_000)
    assert not window.cancel_button.isVisible()
    events = window.bridge.conversation.events
    assert [e.error for e in events if isinstance(e, ev.EngineError)] == ["cancelled"]
    window.bridge.send_text("hello there")  # the session goes on
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=5_000)
    assert isinstance(window.bridge.conversation.events[-1], ev.TurnFinished)


def test_a_fresh_window_gives_the_graph_its_height_and_the_chat_its_width(window, qtbot):
    window.resize(1400, 900)
    graph = window.docks["graph"]
    qtbot.waitUntil(lambda: graph.height() >= 400, timeout=5_000)
    assert window.chat.width() >= 400
    assert window.dockWidgetArea(graph) == Qt.DockWidgetArea.RightDockWidgetArea


def test_the_typing_delay_is_a_view_setting_that_the_window_keeps(make_window):
    window = make_window()
    assert not window.typing_delay_action.isChecked() and not window.chat.typing_delay  # test windows start without
    window.typing_delay_action.trigger()
    assert window.chat.typing_delay
    assert make_window(settings=window.settings).chat.typing_delay  # kept for the next start
