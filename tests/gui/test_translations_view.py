"""The translations view: every text of the flow per language, the missing ones marked and filtered, a double-click
away from their line; it follows saves of the flow and of its translation files, and a broken translation file
shows in Problems while the conversation goes on."""

from pathlib import Path

import pytest
from bilingual import MISSING, open_and_wait, write_bilingual
from PySide6.QtCore import QModelIndex, Qt

from workbench.gui.translations import show_translations
from workbench.gui.translations.model import MISSING_TEXT
from workbench.gui.translations.view import STALE, TranslationsView


@pytest.fixture
def window(make_window, qtbot, tmp_path):
    """A window on the bilingual flow, its translations view in front; `window.flow_file` is the flow file."""
    window = make_window()
    window.resize(1400, 900)
    window.flow_file = write_bilingual(tmp_path)
    open_and_wait(window, qtbot, window.flow_file)
    show_translations(window)
    return window


def view_of(window) -> TranslationsView:
    return window.docks["translations"].widget()


def table(view: TranslationsView) -> list[list[str]]:
    model = view.table.model()
    return [
        [model.index(row, column).data() for column in range(model.columnCount())] for row in range(model.rowCount())
    ]


def headers(view: TranslationsView) -> list[str]:
    model = view.table.model()
    return [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]


def double_click(qtbot, view: TranslationsView, key: str, column: int) -> None:
    model = view.table.model()
    row = next(row for row in range(model.rowCount()) if model.index(row, 0).data() == key)
    index: QModelIndex = model.index(row, column)
    view.table.scrollTo(index)
    position = view.table.visualRect(index).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=position)
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=position)


def test_every_text_is_listed_with_its_translation_and_the_missing_ones_are_marked(window):
    view = view_of(window)
    assert headers(view) == ["Key", "English (en) · primary", "Dutch (nl)"]
    assert table(view) == [
        ["hello.say[0]", "Hello! Which language?", "Hallo! Welke taal?"],
        ["hello.say[0].buttons[0]", "Nederlands", MISSING_TEXT],
        ["ask.ask[0]", "What is your name?", "Hoe heet je?"],
        ["bye.say[0]", "Bye {name}", MISSING_TEXT],
    ]
    missing = view.table.model().index(1, 2)
    assert missing.data(Qt.ItemDataRole.FontRole).italic()
    assert not missing.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert missing.data(Qt.ItemDataRole.ToolTipRole) == (
        "no Dutch (nl) translation: a conversation in it shows the English (en) text"
    )
    assert view.summary.text() == "Dutch (nl): 2 of 4 texts translated (50%)"
    assert window.docks["translations"].windowTitle() == "Translations (2 missing)"


def test_missing_only_keeps_the_texts_a_language_lacks_and_the_word_filter_narrows_them(window):
    view = view_of(window)
    view.missing_only.setChecked(True)
    assert view.shown_keys() == MISSING
    view.words.setText("BYE")
    assert view.shown_keys() == ["bye.say[0]"]
    view.missing_only.setChecked(False)
    view.words.setText("welke")  # a translation's words count too
    assert view.shown_keys() == ["hello.say[0]"]


def test_double_clicking_a_missing_translation_shows_the_line_of_its_primary_text(window, qtbot):
    view = view_of(window)
    double_click(qtbot, view, "bye.say[0]", 2)
    definition = window.graph.definition
    assert definition.title.text() == "no Dutch (nl) translation for `bye.say[0]` — bilingual.yaml:17:10"
    cursor = definition.code.textCursor()
    assert (cursor.blockNumber() + 1, cursor.positionInBlock() + 1) == (17, 10)
    assert window.docks["graph"].isVisible()


def test_double_clicking_a_translation_shows_its_line_in_the_translation_file(window, qtbot):
    double_click(qtbot, view_of(window), "ask.ask[0]", 2)
    definition = window.graph.definition
    assert definition.title.text() == "`ask.ask[0]` in Dutch (nl) — bilingual.nl.yaml:4:15"
    assert definition.code.textCursor().block().text() == "  ask.ask[0]: Hoe heet je?"


def test_saving_the_translation_file_brings_the_view_up_to_date(window, qtbot):
    view = view_of(window)
    conversation = window.bridge.conversation
    dutch = window.flow_file.with_name("bilingual.nl.yaml")
    dutch.write_text(dutch.read_text() + "  bye.say[0]: Dag {name}\n")
    qtbot.waitUntil(lambda: view.missing_count() == 1, timeout=10_000)
    assert table(view)[3] == ["bye.say[0]", "Bye {name}", "Dag {name}"]
    assert window.docks["translations"].windowTitle() == "Translations (1 missing)"
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    assert window.bridge.conversation is conversation, "a reload keeps the conversation"


def test_a_broken_translation_file_shows_in_problems_and_loses_nothing(window, qtbot):
    view = view_of(window)
    conversation = window.bridge.conversation
    rows = table(view)
    dutch = window.flow_file.with_name("bilingual.nl.yaml")
    dutch.write_text("language: nl\ntexts: [\n")
    problems = window.problems
    qtbot.waitUntil(
        lambda: problems.topLevelItemCount() > 0 and problems.topLevelItem(0).text(1).startswith("bilingual.nl.yaml:"),
        timeout=10_000,
    )
    assert window.docks["problems"].isVisible()
    assert window.bridge.conversation is conversation
    assert view.summary.text() == STALE and table(view) == rows

    dutch.write_text(Path(window.flow_file).with_name("bilingual.nl.yaml").read_text().replace("[", "{}"))
    qtbot.waitUntil(lambda: view.summary.text() != STALE, timeout=10_000)
    assert view.missing_count() == 4


def test_a_flow_in_one_language_says_how_to_add_one(make_window, qtbot, tmp_path):
    window = make_window()
    flow = tmp_path / "tiny.yaml"
    flow.write_text("name: Tiny\nstart: hello\nstates:\n  hello:\n    say: Hi\n")
    open_and_wait(window, qtbot, flow)
    view = show_translations(window)
    assert headers(view) == ["Key", "English (en) · primary"]
    assert table(view) == [["hello.say[0]", "Hi"]]
    assert view.summary.text().startswith("This flow speaks only English (en)")
