"""The debugger panel on a real conversation: gutter breakpoints, stepping keys, locals, watches, console."""

import textwrap
import time

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.gui.debugger import controller, install
from workbench.gui.debugger.highlighter import JavaScriptHighlighter
from workbench.gui.debugger.panel import DebuggerPanel
from workbench.gui.inspector.model import PROVENANCE_COLUMN, VALUE_COLUMN
from workbench.gui.main_window import MainWindow

QUOTE_FLOW = """
start: quote
states:
  quote:
    code: |
      const a = 2;

      const b = {n: a * 3, list: [1, 2]};
      console.log('b is', b.n);
      ChatlayerResponseBuilder().addSessionVariable('n', b.n).send();
    args: {to: Ghent}
    next: done
  done: {say: Bye}
"""


@pytest.fixture
def debugged(make_bridge, flow_from, qt_loop, qtbot, show_widget):
    """A panel on a conversation that has not started, shown, with the quote state's code on show."""
    bridge = make_bridge(flow_from(QUOTE_FLOW), start=False)
    panel = show_widget(DebuggerPanel(bridge), 1000, 500)
    qtbot.waitExposed(panel)
    assert panel.show_state("quote")
    yield bridge, panel
    panel.session.run("continue_")
    qtbot.waitUntil(lambda: not bridge.busy, timeout=10_000)
    closing = qt_loop.create_task(panel.aclose())
    qtbot.waitUntil(closing.done, timeout=5_000)


def click_gutter(qtbot, panel: DebuggerPanel, line: int) -> None:
    source = panel.source
    block = source.document().findBlockByNumber(line - 1)
    y = round(source.blockBoundingGeometry(block).translated(source.contentOffset()).center().y())
    area = source.contentsRect()
    gutter = source.childAt(QPoint(area.left() + 3, area.top() + y))
    assert gutter is not None and gutter is not source.viewport()
    qtbot.mouseClick(gutter, Qt.MouseButton.LeftButton, pos=QPoint(3, y))


def pause(qtbot, panel: DebuggerPanel) -> ev.Paused:
    qtbot.waitUntil(lambda: panel.session.is_paused, timeout=10_000)
    assert panel.session.paused is not None
    return panel.session.paused


def local(panel: DebuggerPanel, path: str) -> str:
    model = panel.locals.value_model
    index = model.index_for(path, VALUE_COLUMN)
    assert index.isValid(), f"no local {path}"
    return model.data(index)


def press(qtbot, panel: DebuggerPanel, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    panel.activateWindow()
    panel.source.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.source)
    qtbot.keyClick(panel.source, key, modifier)


def test_a_breakpoint_set_by_clicking_the_gutter_is_hit(debugged, qtbot):
    bridge, panel = debugged
    click_gutter(qtbot, panel, 3)
    assert panel.session.lines("quote") == [3]
    assert panel.source.breakpoints == {3}
    bridge.start()
    paused = pause(qtbot, panel)
    assert (paused.where, paused.line, paused.breakpoint) == ("statement", 3, True)
    assert panel.source.current_line == 3
    assert "line 3 (breakpoint)" in panel.status.text()
    click_gutter(qtbot, panel, 3)
    assert panel.session.lines("quote") == [] and not bridge.conversation.debugger.breakpoints


def test_a_line_without_a_statement_takes_no_breakpoint(debugged, qtbot):
    _, panel = debugged
    click_gutter(qtbot, panel, 2)
    assert panel.session.lines("quote") == []
    assert "line 2" in panel.status.text()


def test_f10_moves_the_marked_line_and_the_locals_tree_shows_the_values(debugged, qtbot):
    bridge, panel = debugged
    panel.session.toggle_breakpoint("quote", 1)
    bridge.start()
    pause(qtbot, panel)
    assert panel.source.current_line == 1
    assert local(panel, "args.to") == '"Ghent"'
    press(qtbot, panel, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: panel.source.current_line == 3, timeout=5_000)
    assert local(panel, "a") == "2"
    press(qtbot, panel, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: panel.source.current_line == 4, timeout=5_000)
    assert local(panel, "b") == "{2 keys}"
    assert local(panel, "b.n") == "6"
    assert local(panel, "b.list[1]") == "2"
    model = panel.locals.value_model
    assert model.data(model.index_for("b"), Qt.ItemDataRole.BackgroundRole) is not None  # new since the last step
    assert model.data(model.index_for("a"), Qt.ItemDataRole.BackgroundRole) is None
    press(qtbot, panel, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: panel.source.current_line == 5, timeout=5_000)
    assert [panel.console.item(i).text() for i in range(panel.console.count())] == ["b is 6"]
    press(qtbot, panel, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not bridge.busy, timeout=5_000)
    assert panel.source.current_line is None
    assert bridge.conversation.session.get("n") == 6


def test_step_into_from_a_state_and_stop_with_shift_f5(debugged, qtbot):
    bridge, panel = debugged
    panel.session.toggle_breakpoint("quote")
    bridge.start()
    paused = pause(qtbot, panel)
    assert paused.where == "state" and panel.source.current_line is None
    assert "before state quote" in panel.status.text()
    press(qtbot, panel, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: panel.source.current_line == 1, timeout=5_000)
    press(qtbot, panel, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: not bridge.busy, timeout=5_000)
    events = bridge.conversation.events
    assert [e.command for e in events if isinstance(e, ev.Resumed)] == ["step_into", "stop"]
    assert bridge.conversation.session.get("n") is None


def test_the_window_stays_responsive_while_paused(debugged, qtbot):
    bridge, panel = debugged
    panel.session.toggle_breakpoint("quote", 3)
    bridge.start()
    pause(qtbot, panel)
    fired = []
    QTimer.singleShot(10, lambda: fired.append(True))
    began = time.perf_counter()
    qtbot.waitUntil(lambda: bool(fired), timeout=1_000)
    assert time.perf_counter() - began < 0.5
    panel.watches.add("a")  # the engine's loop runs too: a watch is evaluated while the code waits
    qtbot.waitUntil(lambda: panel.watches.value_text("a") == "2", timeout=5_000)
    assert panel.session.is_paused


def test_actions_are_enabled_only_when_they_mean_something(debugged, qtbot):
    bridge, panel = debugged
    actions = panel.debug_actions.by_command
    assert not actions["step_over"].isEnabled() and actions["pause"].isEnabled()
    panel.session.toggle_breakpoint("quote", 3)
    bridge.start()
    pause(qtbot, panel)
    assert actions["step_over"].isEnabled() and actions["stop"].isEnabled()
    assert not actions["pause"].isEnabled()


def test_watches_are_evaluated_at_each_pause_with_errors_per_watch(debugged, qtbot):
    bridge, panel = debugged
    watches = panel.watches
    watches.add("b.n * 2")
    watches.add("nope")
    assert watches.value_text("b.n * 2") == "(evaluated at the next pause)"
    panel.session.toggle_breakpoint("quote", 4)
    bridge.start()
    pause(qtbot, panel)
    qtbot.waitUntil(lambda: watches.value_text("b.n * 2") == "12", timeout=5_000)
    qtbot.waitUntil(lambda: watches.value_text("nope") == "ReferenceError: nope is not defined", timeout=5_000)
    watches.add("args.to + '!'")
    qtbot.waitUntil(lambda: watches.value_text("args.to + '!'") == '"Ghent!"', timeout=5_000)
    watches.tree.setCurrentItem(watches.tree.topLevelItem(1))
    watches.remove_selected()
    assert watches.expressions() == ["b.n * 2", "args.to + '!'"]


def test_the_builder_queue_and_the_calls_of_the_paused_code(make_bridge, flow_from, sample_backend, qtbot):
    flow = flow_from(
        f"""
        start: quote
        states:
          quote:
            code: |
              const r = await fetch('{sample_backend}/price?to=Ghent');
              const b = ChatlayerResponseBuilder().addSessionVariable('status', r.status);
              b.send();
        """
    )
    bridge = make_bridge(flow, start=False)
    panel = DebuggerPanel(bridge)
    qtbot.addWidget(panel)
    panel.session.toggle_breakpoint("quote", 3)
    bridge.start()
    pause(qtbot, panel)
    assert panel.calls.calls() == [f"GET {sample_backend}/price?to=Ghent → 200"]
    builder = panel.builder.value_model
    assert builder.data(builder.index_for("variables.status", VALUE_COLUMN)) == "200"
    panel.session.run("continue_")
    qtbot.waitUntil(lambda: not bridge.busy, timeout=5_000)


def test_an_uncaught_error_marks_its_line(make_bridge, flow_from, qtbot):
    flow = flow_from(
        """
        start: fail
        states:
          fail:
            code: |
              const q = null;
              q.x = 1;
        """
    )
    bridge = make_bridge(flow, start=False)
    panel = DebuggerPanel(bridge)
    qtbot.addWidget(panel)
    bridge.start()
    paused = pause(qtbot, panel)
    assert (paused.where, panel.source.current_line, panel.state) == ("exception", 2, "fail")
    assert "uncaught error" in panel.status.text() and "TypeError" in panel.status.text()
    panel.session.run("continue_")
    qtbot.waitUntil(lambda: not bridge.busy, timeout=5_000)


def test_breakpoints_survive_a_new_conversation_on_the_same_bridge(debugged, flow_from, qtbot):
    bridge, panel = debugged
    panel.session.toggle_breakpoint("quote", 3)
    panel.session.toggle_breakpoint("done")
    fresh = Conversation(flow_from(QUOTE_FLOW))
    bridge.attach(fresh)
    assert fresh.debugger is not None
    assert {(b.state, b.line) for b in fresh.debugger.breakpoints} == {("quote", 3), ("done", None)}
    assert panel.source.breakpoints == {3}


def highlighted(lines: list[str]) -> list[list[tuple[int, int, str]]]:
    """The coloured runs of each line: start, length and the name of their format (templates read as strings)."""
    document = QTextDocument("\n".join(lines))
    highlighter = JavaScriptHighlighter(document, QApplication.palette())
    named = [(name, f) for name, f in highlighter.formats.items() if name != "template"]
    found = []
    block = document.begin()
    while block.isValid():
        runs = block.layout().formats()
        found.append([(r.start, r.length, next(n for n, f in named if f == r.format)) for r in runs])
        block = block.next()
    return found


def test_the_highlighter_colours_keywords_strings_templates_numbers_and_comments(qapp):
    runs = highlighted(
        [
            "const s = 'a' + 12; // done",
            "const t = `one",
            "two ${x}` /* c",
            "still */ return 0x1F;",
        ]
    )
    assert runs[0] == [(0, 5, "keyword"), (10, 3, "string"), (16, 2, "number"), (20, 7, "comment")]
    assert runs[1] == [(0, 5, "keyword"), (10, 4, "string")]
    assert runs[2] == [(0, 9, "string"), (10, 4, "comment")]
    assert runs[3] == [(0, 8, "comment"), (9, 6, "keyword"), (16, 4, "number")]


# --- installed in the window ---


@pytest.fixture
def window(qt_loop, qtbot, tmp_path):
    """A main window with the debugger installed, on a flow file holding QUOTE_FLOW (not started yet)."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    made = MainWindow(settings)
    install(made)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    path = tmp_path / "quote.yaml"
    path.write_text(textwrap.dedent(QUOTE_FLOW))
    made.flow_session.open(path)
    qtbot.waitUntil(lambda: made.bridge.conversation is not None and not made.bridge.busy, timeout=10_000)
    yield made
    made.bridge.cancel()
    if made.bridge.conversation is not None:
        task = qt_loop.create_task(made.bridge.conversation.aclose())
        qtbot.waitUntil(task.done, timeout=5_000)


def test_install_adds_the_docks_the_menu_and_takes_over_f5(window):
    assert {"debugger", "timeline"} <= set(window.docks)
    menus = [a.text() for a in window.menuBar().actions()]
    assert "&Debug" in menus
    assert controller(window) is not None
    install(window)  # a second install changes nothing
    assert len(window.findChildren(type(controller(window)))) == 1
    assert not window.continue_action.isEnabled()


def test_a_breakpoint_toggled_on_the_graph_is_drawn_hit_and_highlighted_and_f5_goes_on(window, qtbot):
    view = window.graph.view
    node = view.node_item("done")
    view.scene().clearSelection()
    view.centerOn(node)
    qtbot.mouseDClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(node.sceneBoundingRect().center())
    )
    assert node.has_breakpoint
    assert controller(window).session.has_breakpoint("done")
    window.bridge.restart()
    qtbot.waitUntil(lambda: controller(window).session.is_paused, timeout=10_000)
    assert node.is_paused
    assert window.continue_action.isEnabled()
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    qtbot.keyClick(window.chat.input_box, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=5_000)
    assert not node.is_paused
    assert window.bridge.conversation.session.get("n") == 6


def test_selecting_a_code_state_on_the_graph_shows_its_code(window):
    window.graph.view.center_on_state("quote")
    panel = controller(window).panel
    assert panel.state == "quote"
    assert panel.source.toPlainText().startswith("const a = 2;")


def test_the_set_by_cell_jumps_to_the_code_line_that_set_a_variable(window, qtbot):
    inspector = window.inspector
    inspector.refresh()
    index = inspector.model.index_for("n", PROVENANCE_COLUMN)
    assert inspector.model.data(index) == "code · quote:5"
    inspector.tree.scrollTo(index)
    where = inspector.tree.visualRect(index).center()
    qtbot.mouseClick(inspector.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(inspector.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    panel = controller(window).panel
    assert window.graph.view.selected_state() == "quote"
    assert panel.state == "quote"
    assert panel.source.textCursor().blockNumber() == 4


def test_closing_the_window_while_paused_stops_the_turn_and_its_javascript(window, qtbot):
    controller(window).session.toggle_breakpoint("quote", 3)
    window.bridge.restart()
    qtbot.waitUntil(lambda: controller(window).session.is_paused, timeout=10_000)
    conversation = window.bridge.conversation
    window.close()
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=5_000)
    assert isinstance(conversation.events[-1], ev.TurnFinished)
    assert conversation.session.get("n") is None
    assert not conversation.ports.sandbox.holds_realm(conversation.id)  # the paused action's V8 realm is released


def test_restarting_while_paused_starts_over(window, qtbot):
    controller(window).session.toggle_breakpoint("quote", 3)
    window.bridge.restart()
    qtbot.waitUntil(lambda: controller(window).session.is_paused, timeout=10_000)
    controller(window).session.clear_breakpoints()
    window.bridge.restart()
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    assert not controller(window).session.is_paused
    assert window.bridge.conversation.session.get("n") == 6
    assert controller(window).panel.source.current_line is None


SLOW_FLOW = """
start: welcome
states:
  welcome:
    ask: Ready?
    save: ready
    next: slow
  slow:
    code: |
      const r = await fetch('BASE/slow?seconds=2');
      ChatlayerResponseBuilder().addSessionVariable('status', r.status).send();
    next: done
  done: {say: Done}
"""


def test_the_status_bar_says_paused_in_the_debugger_and_the_busy_bar_comes_back_once_it_goes_on(
    window, qtbot, tmp_path, sample_backend
):
    path = tmp_path / "slow.yaml"
    path.write_text(textwrap.dedent(SLOW_FLOW).replace("BASE", sample_backend))
    window.flow_session.open(path)
    qtbot.waitUntil(lambda: window.bridge.flow is not None and "slow" in window.bridge.flow.states, timeout=10_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    session = controller(window).session
    session.toggle_breakpoint("slow")

    window.bridge.send_text("yes")
    qtbot.waitUntil(lambda: session.is_paused, timeout=10_000)
    assert window.paused_label.isVisible() and window.paused_label.text() == "Paused in the debugger"
    assert window.busy_bar.isHidden() and window.cancel_button.isHidden()

    session.run("continue_")
    qtbot.waitUntil(lambda: window.busy_bar.isVisible() and window.cancel_button.isVisible(), timeout=5_000)
    assert window.paused_label.isHidden()
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    assert window.busy_bar.isHidden() and window.paused_label.isHidden()


KEYS = {
    "Continue": "F5",
    "Pause": "F6",
    "Step over": "F10",
    "Step into": "F11",
    "Step out": "Shift+F11",
    "Stop": "Shift+F5",
}


def test_the_toolbar_names_each_command_and_its_key_and_shows_the_names_where_there_is_room(debugged, qtbot):
    _bridge, panel = debugged
    actions = panel.debug_actions.actions()
    assert {a.text(): a.shortcut().toString() for a in actions} == KEYS
    for action in actions:
        button = panel.toolbar.widgetForAction(action)
        assert button.toolTip().startswith(f"{action.text()} ({KEYS[action.text()]}): ")
    assert panel.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon

    panel.resize(200, 500)
    qtbot.waitUntil(lambda: panel.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly)
    panel.resize(1000, 500)
    qtbot.waitUntil(lambda: panel.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
