"""The session-variable inspector: a projection of the engine's session, turn by turn, edited through the engine."""

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit

from workbench.engine import events as ev
from workbench.engine.provenance import Provenance
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.inspector.model import PROVENANCE_COLUMN, VariableModel
from workbench.gui.inspector.model import VALUE_COLUMN as VALUE
from workbench.gui.inspector.origin import describe, set_by
from workbench.gui.inspector.panel import NOW, VariableInspector
from workbench.gui.inspector.values import edit_text, format_path, parse_edit

NESTED = {"address": {"city": "Ghent"}, "items": [1, {"sku": "A-1"}]}


def settle(qtbot, bridge: EngineBridge, inspector: VariableInspector) -> None:
    """Wait until the engine is idle and the inspector has caught up with the session."""
    qtbot.waitUntil(lambda: not bridge.busy, timeout=10_000)
    inspector.refresh()


def text(
    model: VariableModel, path: str, column: int = VALUE, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole
) -> Any:
    index = model.index_for(path, column)
    assert index.isValid(), f"no row for {path}"
    return model.data(index, role)


def highlighted(model: VariableModel, path: str) -> bool:
    return text(model, path, 0, Qt.ItemDataRole.BackgroundRole) is not None


def editable(model: VariableModel, path: str) -> bool:
    return bool(model.flags(model.index_for(path, VALUE)) & Qt.ItemFlag.ItemIsEditable)


@pytest.fixture
def booked(make_bridge, sample_flow, qtbot) -> tuple[EngineBridge, VariableInspector]:
    """Three turns: the start (plus a tester's edit of `user`), `Book a ticket`, then `Brussels`."""
    bridge = make_bridge(sample_flow, variables={"first_name": "Ann"})
    inspector = VariableInspector(bridge)
    qtbot.addWidget(inspector)
    bridge.set_variable("user", NESTED)
    settle(qtbot, bridge, inspector)
    bridge.press("Book a ticket")
    settle(qtbot, bridge, inspector)
    bridge.send_text("Brussels")
    settle(qtbot, bridge, inspector)
    return bridge, inspector


def test_the_tree_shows_nested_values_and_internal_apart_and_read_only(booked):
    _, inspector = booked
    model = inspector.model
    assert text(model, "user") == "{2 keys}"
    assert text(model, "user.address.city") == '"Ghent"'
    assert text(model, "user.items") == "[2 items]"
    assert text(model, "user.items[1].sku") == '"A-1"'
    assert text(model, "user.items[0]", 0) == "[0]"
    assert text(model, "user.items[0]", 2) == "number"
    top = [model.data(model.index(row, 0)) for row in range(model.rowCount())]
    assert top[-1] == "internal"
    assert "first_name" in top and "destination" in top
    assert text(model, "internal.channel") == '"workbench"'
    assert not editable(model, "internal.channel")
    assert not editable(model, "internal")
    assert "Read-only" in text(model, "internal.channel", 0, Qt.ItemDataRole.ToolTipRole)
    assert editable(model, "user.items[1].sku")
    assert not model.flags(model.index_for("first_name", 0)) & Qt.ItemFlag.ItemIsEditable


def test_what_the_last_turn_changed_is_highlighted_and_nothing_older(booked):
    _, inspector = booked
    model = inspector.model
    assert highlighted(model, "destination")
    assert highlighted(model, "internal.currentDialogstate.name")
    assert "new" in text(model, "destination", 0, Qt.ItemDataRole.ToolTipRole)
    assert not highlighted(model, "user")
    assert not highlighted(model, "user.address.city")
    assert not highlighted(model, "first_name")
    assert not highlighted(model, "internal.channel")


def test_an_edit_is_highlighted_until_the_next_turn(booked, qtbot):
    bridge, inspector = booked
    model = inspector.model
    assert model.setData(model.index_for("user.address.city", VALUE), "Bruges")
    settle(qtbot, bridge, inspector)
    assert highlighted(model, "user.address.city")
    assert highlighted(model, "user")
    assert not highlighted(model, "user.items")
    bridge.send_text("tomorrow")
    settle(qtbot, bridge, inspector)
    assert not highlighted(model, "user.address.city")
    assert highlighted(model, "travel_date")


def test_double_clicking_a_value_edits_it_in_the_engine(booked, qtbot):
    bridge, inspector = booked
    inspector.show()
    qtbot.waitExposed(inspector)
    tree = inspector.tree
    index = inspector.model.index_for("first_name", VALUE)
    tree.scrollTo(index)
    position = tree.visualRect(index).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=position)
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=position)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    assert editor.text() == "Ann"
    editor.setText("Bea")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bridge.conversation.session.get("first_name") == "Bea", timeout=5_000)
    qtbot.waitUntil(lambda: text(inspector.model, "first_name") == '"Bea"')


@pytest.mark.parametrize(
    ("path", "typed", "expected"),
    [
        ("user.items[0]", "12", 12),
        ("user.address.city", '{"name": "Ghent", "zip": 9000}', {"name": "Ghent", "zip": 9000}),
        ("first_name", "true", True),
        ("first_name", '"12"', "12"),
        ("first_name", "not JSON at all", "not JSON at all"),
        ("brand_new.list", "[1, 2]", [1, 2]),
    ],
)
def test_edited_text_is_json_when_it_parses(booked, qtbot, path, typed, expected):
    bridge, inspector = booked
    if path == "brand_new.list":
        bridge.set_variable("brand_new", {"list": None})
        settle(qtbot, bridge, inspector)
    assert inspector.model.setData(inspector.model.index_for(path, VALUE), typed)
    qtbot.waitUntil(lambda: not bridge.busy, timeout=5_000)
    assert bridge.conversation.session.get(path) == expected


def test_internal_values_and_unchanged_edits_do_not_reach_the_engine(booked, qtbot):
    bridge, inspector = booked
    model = inspector.model
    before = len(bridge.conversation.events)
    assert not model.setData(model.index_for("internal.channel", VALUE), "web")
    assert not model.setData(model.index_for("first_name", VALUE), "Ann")
    assert not model.setData(model.index_for("tickets_booked", VALUE), "0")
    qtbot.waitUntil(lambda: not bridge.busy, timeout=10_000)
    assert len(bridge.conversation.events) == before


def test_an_earlier_turn_shows_the_values_of_then_and_cannot_be_edited(booked, qtbot):
    bridge, inspector = booked
    labels = [inspector.turn_box.itemText(i) for i in range(inspector.turn_box.count())]
    assert labels == ["Turn 1 — start", "Turn 2 — button: Book a ticket", "Turn 3 — user: Brussels", NOW]
    inspector.turn_box.setCurrentIndex(1)
    model = inspector.model
    assert not model.index_for("destination").isValid()
    assert text(model, "internal.currentDialogstate.name") == '"ask_destination"'
    assert not model.editable
    assert not editable(model, "first_name")
    assert not model.setData(model.index_for("first_name", VALUE), "Bea")
    bridge.send_text("tomorrow")
    settle(qtbot, bridge, inspector)
    assert inspector.turn_box.currentText() == "Turn 2 — button: Book a ticket"
    assert inspector.turn_box.count() == 5
    assert not model.index_for("destination").isValid()
    inspector.select_turn(None)
    assert inspector.turn_box.currentText() == NOW
    assert text(model, "travel_date") != ""
    assert model.editable
    assert editable(model, "first_name")


def test_a_restart_starts_the_turn_list_over(booked, qtbot):
    bridge, inspector = booked
    inspector.select_turn(2)
    bridge.restart()
    settle(qtbot, bridge, inspector)
    assert inspector.turn_box.currentText() == NOW
    assert inspector.selected_turn() is None
    assert not inspector.model.index_for("destination").isValid()
    labels = [inspector.turn_box.itemText(i) for i in range(inspector.turn_box.count())]
    assert labels == ["Turn 1 — restart", "Turn 2 — start", NOW]


def test_expanded_rows_stay_expanded_across_turns(booked, qtbot):
    bridge, inspector = booked
    inspector.tree.expand(inspector.model.index_for("user"))
    inspector.tree.expand(inspector.model.index_for("user.address"))
    bridge.send_text("tomorrow")
    settle(qtbot, bridge, inspector)
    assert inspector.tree.isExpanded(inspector.model.index_for("user"))
    assert inspector.tree.isExpanded(inspector.model.index_for("user.address"))
    assert not inspector.tree.isExpanded(inspector.model.index_for("user.items"))


def test_without_a_conversation_the_tree_is_empty(make_bridge, sample_flow, qtbot):
    bridge = make_bridge(sample_flow, start=False)
    inspector = VariableInspector(bridge)
    qtbot.addWidget(inspector)
    assert inspector.model.rowCount() > 0
    bridge.detach()
    assert inspector.model.rowCount() == 0
    assert not inspector.turn_box.isEnabled()


@pytest.mark.parametrize("value", ["Ann", "12", "true", "", " 1", '"x"', 12, 1.5, None, False, {"a": [1]}, [1, "b"]])
def test_editor_text_reads_back_as_the_same_value(value):
    assert parse_edit(edit_text(value)) == value


def test_paths_are_written_as_the_engine_reads_them():
    assert format_path(("user", "items", 0, "name")) == "user.items[0].name"
    assert parse_edit("NaN") == "NaN"


def test_an_edit_is_read_as_strictly_as_json_from_outside():
    assert parse_edit("1e999") == "1e999"  # beyond a JavaScript number: text, never Infinity
    assert parse_edit('"a\\ud800"') == "a\ufffd"  # a lone surrogate: the replacement character
    assert parse_edit("[" * 5000) == "[" * 5000


def test_an_open_editor_survives_engine_events(booked, qtbot):
    bridge, inspector = booked
    inspector.show()
    qtbot.waitExposed(inspector)
    index = inspector.model.index_for("first_name", VALUE)
    inspector.tree.setCurrentIndex(index)
    inspector.tree.edit(index)
    editor = inspector.tree.indexWidget(index) or QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    bridge.send_text("tomorrow")
    qtbot.waitUntil(lambda: not bridge.busy, timeout=10_000)
    qtbot.wait(20)
    assert not inspector.model.index_for("travel_date").isValid()
    editor.setText("Cy")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: inspector.model.index_for("travel_date").isValid())
    qtbot.waitUntil(lambda: text(inspector.model, "first_name") == '"Cy"')


def test_the_set_by_column_and_the_tool_tip_say_who_set_each_value(booked):
    _, inspector = booked
    model = inspector.model
    assert text(model, "destination", PROVENANCE_COLUMN) == "ask · ask_destination"
    assert text(model, "user.address.city", PROVENANCE_COLUMN) == "edit"  # set whole with `user`
    assert text(model, "first_name", PROVENANCE_COLUMN) == "default"
    assert text(model, "locale", PROVENANCE_COLUMN) == "default"
    assert "engine default" in text(model, "locale", 0, Qt.ItemDataRole.ToolTipRole)
    assert text(model, "internal.channel", PROVENANCE_COLUMN) == ""
    tip = text(model, "destination", 0, Qt.ItemDataRole.ToolTipRole)
    assert "Set by ask in ask_destination" in tip and "turn 3" in tip
    inspector.select_turn(2)
    assert not model.index_for("destination").isValid()
    assert text(model, "user", PROVENANCE_COLUMN) == "edit"


def test_double_clicking_the_set_by_cell_announces_where_the_value_was_set(booked, qtbot):
    _, inspector = booked
    inspector.show()
    qtbot.waitExposed(inspector)
    index = inspector.model.index_for("destination", PROVENANCE_COLUMN)
    inspector.tree.scrollTo(index)
    where = inspector.tree.visualRect(index).center()
    qtbot.mouseClick(inspector.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    with qtbot.waitSignal(inspector.provenance_activated) as jumped:
        qtbot.mouseDClick(inspector.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert jumped.args == ["ask_destination", None]


@pytest.mark.parametrize(("base", "selection"), [("#ffffff", "#308cc6"), ("#1e1e1e", "#2a82da")])
def test_a_changed_row_is_amber_not_the_selections_colour_in_light_and_dark_themes(booked, base, selection):
    _, inspector = booked
    palette = QApplication.palette()
    themed = QPalette(palette)
    themed.setColor(QPalette.ColorRole.Base, QColor(base))
    themed.setColor(QPalette.ColorRole.Highlight, QColor(selection))
    QApplication.setPalette(themed)
    try:
        colour = text(inspector.model, "destination", 0, Qt.ItemDataRole.BackgroundRole).color()
    finally:
        QApplication.setPalette(palette)
    assert colour.red() > colour.green() > colour.blue(), "amber: warm, not blue"
    assert colour != QColor(base) and colour != QColor(selection)
    assert abs(colour.hueF() - QColor(selection).hueF()) > 0.3


def test_the_nlps_reading_of_a_message_says_so_in_plain_words():
    write = Provenance("internal.nlp", {"expression": "Ann"}, "nlp", "ask_name", "nlp", 0.0, 5, 2)
    assert set_by(write) == "NLP · ask_name"
    lines = describe(write).splitlines()
    assert lines[0] == "Set by NLP in ask_name" and lines[1].startswith("turn 2, at ")
    assert lines[2] == "The user's message as the NLP understood it: its expression, the best intent and its score"


def test_a_value_change_updates_the_tree_in_place_and_a_new_variable_rebuilds_it(booked, qtbot):
    bridge, inspector = booked
    model = inspector.model
    resets = []
    model.modelReset.connect(lambda: resets.append("reset"))
    changed = []
    model.dataChanged.connect(lambda first, _last: changed.append(model.node(first).path))
    bridge.set_variable("user.address.city", "Bruges")
    settle(qtbot, bridge, inspector)
    assert text(model, "user.address.city") == '"Bruges"'
    assert highlighted(model, "user.address.city")
    assert resets == []
    assert ("user", "address", "city") in changed
    assert ("first_name",) not in changed  # only the rows that read differently are announced
    bridge.set_variable("nickname", "Annie")
    settle(qtbot, bridge, inspector)
    assert resets == ["reset"]
    assert text(model, "nickname") == '"Annie"'


def test_a_burst_of_events_refreshes_the_inspector_once(booked, qtbot):
    bridge, inspector = booked
    shown = []
    show = inspector.tree.set_view
    inspector.tree.set_view = lambda view, *, editable: shown.append(view) or show(view, editable=editable)
    for n in range(50):
        bridge.event.emit(ev.CodeLog(state="code", level="log", message=f"line {n}"))
    qtbot.waitUntil(lambda: len(shown) == 1)
    qtbot.wait(200)  # a second refresh would come within the 50 ms the inspector gathers events for
    assert len(shown) == 1
