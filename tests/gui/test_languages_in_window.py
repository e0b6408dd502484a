"""Languages in the window: the chat's picker lists the flow's languages and restarts the conversation in the one
chosen, follows a button that sets preferredLanguage, and is not there for a flow in one language; the graph and
the inspector show the spoken language; Conversation > Simulate silence… lets the flow's silence event answer."""

import pytest
from bilingual import open_and_wait, write_bilingual
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from workbench.engine import events as ev

SILENT = """\
name: Silent
start: hello
events:
  - silence: 30
    goto: still_there
states:
  hello:
    ask: What is your name?
    save: name
    next: bye
  still_there:
    say: Are you still there?
  bye:
    say: Bye {name}
"""


@pytest.fixture
def window(make_window, qtbot, tmp_path):
    """A window on the bilingual flow, waiting at its first message (in English)."""
    window = make_window()
    open_and_wait(window, qtbot, write_bilingual(tmp_path))
    return window


def notes(window, name: str) -> list[tuple[str, str]]:
    return [(item.title, item.message) for item in window.chat.bubbles() if item.objectName() == name]


def bot_texts(window) -> list[str]:
    return [item.engine_event.text for item in window.chat.bubbles() if isinstance(item.engine_event, ev.BotMessage)]


def picker_items(window) -> list[str]:
    picker = window.chat.language_box
    return [picker.itemText(i) for i in range(picker.count())]


def shown_language(window) -> dict[str, str]:
    """What the chat's picker, the graph's badge and the inspector's header say."""
    return {
        "picker": window.chat.language_box.currentText(),
        "graph": window.graph.language_badge.text(),
        "inspector": window.inspector.language_label.text(),
    }


def test_the_picker_lists_the_languages_and_restarts_the_conversation_in_the_one_chosen(window, qtbot):
    picker = window.chat.language_box
    assert picker.isVisible()
    assert picker_items(window) == ["English (en) · primary", "Dutch (nl)"]
    assert shown_language(window) == {
        "picker": "English (en) · primary",
        "graph": "English (en)",
        "inspector": "Language: English (en)",
    }
    assert bot_texts(window) == ["Hello! Which language?"]
    before = window.bridge.conversation

    qtbot.keyClick(picker, Qt.Key.Key_Down)  # the user picks Dutch

    qtbot.waitUntil(lambda: bot_texts(window) == ["Hallo! Welke taal?"], timeout=10_000)
    conversation = window.bridge.conversation
    assert conversation is not before, "a fresh conversation"
    assert conversation.session.get("locale") == "nl" and conversation.language == "nl"
    assert shown_language(window) == {
        "picker": "Dutch (nl)",
        "graph": "Dutch (nl)",
        "inspector": "Language: Dutch (nl)",
    }
    assert window.graph.language_badge.isVisible() and window.inspector.language_label.isVisible()


def test_the_picker_follows_a_button_that_sets_preferred_language(window, qtbot):
    conversation = window.bridge.conversation
    window.bridge.press("Nederlands")
    qtbot.waitUntil(lambda: bot_texts(window)[-1:] == ["Hoe heet je?"], timeout=10_000)
    assert window.bridge.conversation is conversation, "switched, not restarted"
    assert notes(window, "languageNote") == [("Now speaking Dutch (nl)", "the user's choice (preferredLanguage)")]
    assert shown_language(window) == {
        "picker": "Dutch (nl)",
        "graph": "Dutch (nl)",
        "inspector": "Language: Dutch (nl)",
    }

    window.bridge.restart()  # a fresh session has no preferredLanguage: the channel's language again
    qtbot.waitUntil(lambda: bot_texts(window) == ["Hello! Which language?"], timeout=10_000)
    assert shown_language(window)["picker"] == "English (en) · primary"


def test_a_flow_in_one_language_has_no_picker_and_no_language_shown(make_window, qtbot, tmp_path):
    window = make_window()
    flow = tmp_path / "silent.yaml"
    flow.write_text(SILENT)
    open_and_wait(window, qtbot, flow)
    assert window.chat.isVisible() and window.chat.restart_button.isVisible()
    assert not window.chat.language_box.isVisible()
    assert not window.graph.language_badge.isVisible()
    assert not window.inspector.language_label.isVisible()


def test_simulating_silence_runs_the_state_of_the_flows_silence_event(make_window, qtbot, tmp_path):
    window = make_window()
    flow = tmp_path / "silent.yaml"
    flow.write_text(SILENT)
    open_and_wait(window, qtbot, flow)
    action = next(a for a in window.actions() if a.text() == "Simulate &silence…")
    action.trigger()
    dialog = window.findChild(QInputDialog, "silence_dialog")
    assert dialog.intValue() == 30
    assert "after 30 s: still_there" in dialog.labelText()
    dialog.accept()
    qtbot.waitUntil(lambda: bot_texts(window)[-1:] == ["Are you still there?"], timeout=10_000)
    assert notes(window, "eventNote") == [("Silence detected (30 s)", "goes to still_there")]
