"""The Problems panel: errors and warnings told apart, the message first, the place relative to the flow's folder,
a click away from the line; it goes away when a flow has no problems, and no old flow stays in the definition."""

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from workbench.flow.model import Loc
from workbench.flow.problems import Problem
from workbench.gui.graph.definition import PROMPT
from workbench.gui.problems.panel import ProblemsPanel

UNCLOSED_QUOTE = (
    'name: Unclosed\nstart: welcome\nstates:\n  welcome:\n    say: "Hello there\n  other:\n    say: bye\n\n'
)
QUOTE_MESSAGE = "invalid YAML: in a quoted scalar that starts here: found unexpected end of stream at line 9, column 1"
WITH_ORPHAN = "name: Orphan\nstart: a\nstates:\n  a: {say: hi}\n  b: {say: orphan}\n"


def rows(panel: ProblemsPanel) -> list[tuple[str, str]]:
    return [(item.text(0), item.text(1)) for item in map(panel.topLevelItem, range(panel.topLevelItemCount()))]


def click_row(qtbot, panel: ProblemsPanel, row: int) -> None:
    rect = panel.visualItemRect(panel.topLevelItem(row))
    qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


@pytest.fixture
def window(make_window):
    window = make_window()
    window.resize(1400, 900)
    return window


def open_and_wait(window, qtbot, path: Path) -> None:
    task = window.open_flow(path)
    qtbot.waitUntil(task.done, timeout=10_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)


def test_rows_show_the_message_first_then_the_place_relative_to_the_flows_folder(show_widget, tmp_path):
    panel = show_widget(ProblemsPanel(), 800, 200)
    flow = tmp_path / "train_ticket.yaml"
    error = Problem(Loc(str(flow), 5, 10), "unknown key 'sya'", "error")
    warning = Problem(Loc(str(flow), 12, 3), "state 'b' is unreachable", "warning")
    elsewhere = Problem(Loc("/elsewhere/included.yaml", 1, 1), "cannot read it", "error")
    panel.show_problems([error, warning, elsewhere], tmp_path)
    assert rows(panel) == [
        ("unknown key 'sya'", "train_ticket.yaml:5:10"),
        ("state 'b' is unreachable", "train_ticket.yaml:12:3"),
        ("cannot read it", "/elsewhere/included.yaml:1:1"),
    ]
    icons = [panel.topLevelItem(i).icon(0) for i in range(3)]
    assert not any(icon.isNull() for icon in icons)
    assert icons[0].cacheKey() != icons[1].cacheKey()  # an error and a warning look different
    assert panel.topLevelItem(1).toolTip(0) == "warning: state 'b' is unreachable"


def test_a_yaml_error_is_listed_full_width_and_a_click_shows_its_line(window, qtbot, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(UNCLOSED_QUOTE)
    open_and_wait(window, qtbot, broken)
    dock = window.docks["problems"]
    assert dock.isVisible() and dock.windowTitle() == "Problems (1 error)"
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert dock.width() >= window.chat.width()
    assert rows(window.problems) == [(QUOTE_MESSAGE, "broken.yaml:5:10")]

    click_row(qtbot, window.problems, 0)
    definition = window.graph.definition
    assert definition.title.text() == f"error: {QUOTE_MESSAGE} — broken.yaml:5:10"
    assert definition.code.toPlainText() == UNCLOSED_QUOTE
    cursor = definition.code.textCursor()
    assert (cursor.blockNumber() + 1, cursor.positionInBlock() + 1) == (5, 10)
    assert cursor.block().text() == '    say: "Hello there'
    assert window.docks["graph"].isVisible()


def test_warnings_show_the_dock_without_hiding_the_event_log_and_a_clean_flow_hides_it(window, qtbot, tmp_path):
    orphan = tmp_path / "orphan.yaml"
    orphan.write_text(WITH_ORPHAN)
    open_and_wait(window, qtbot, orphan)
    dock = window.docks["problems"]
    assert dock.isVisible() and dock.windowTitle() == "Problems (1 warning)"
    assert rows(window.problems) == [("state 'b' is unreachable from the start state 'a'", "orphan.yaml:5:3")]
    assert not window.docks["event_log"].visibleRegion().isEmpty()  # the flow loaded: the log stays in front

    orphan.write_text("name: Clean\nstart: a\nstates:\n  a: {say: hi}\n")
    open_and_wait(window, qtbot, orphan)
    assert rows(window.problems) == []
    assert dock.isHidden()


def test_opening_another_flow_leaves_nothing_of_the_old_one_in_the_definition(window, qtbot, tmp_path):
    first, second, third = tmp_path / "first.yaml", tmp_path / "second.yaml", tmp_path / "third.yaml"
    first.write_text("start: hello\nstates:\n  hello: {say: From the first flow}\n")
    second.write_text("start: hello\nstates:\n  hello: {say: From the second flow}\n")
    third.write_text("start: other\nstates:\n  other: {say: Something else}\n")
    definition = window.graph.definition
    open_and_wait(window, qtbot, first)
    window.graph.show_definition("hello")
    assert "From the first flow" in definition.code.toPlainText()

    open_and_wait(window, qtbot, second)  # it has a state of that name: its own text shows
    assert "From the second flow" in definition.code.toPlainText()

    open_and_wait(window, qtbot, third)  # it has not: nothing shows
    assert (definition.title.text(), definition.code.toPlainText()) == (PROMPT, "")

    broken = tmp_path / "broken.yaml"
    broken.write_text(UNCLOSED_QUOTE)
    window.graph.show_definition("other")
    open_and_wait(window, qtbot, broken)  # a flow that does not load shows nothing either
    assert (definition.title.text(), definition.code.toPlainText()) == (PROMPT, "")
