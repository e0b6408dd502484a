"""Every text a user sees has a translation key, and `in_language` puts each one's translation in its place."""

from __future__ import annotations

from workbench.flow.loader import load_flow_text
from workbench.flow.model import Flow, Loc, SayItem, State
from workbench.flow.translation_keys import translatable_texts, translated_state
from workbench.flow.translations import in_language

from .multilingual import TRIPS, TRIPS_NL

EVERY_KIND = [
    ("welcome.say[0]", "message", "Hi {name}! Where to?", 17, 15),
    ("welcome.say[0].buttons[0]", "button", "Book", 19, 21),
    ("welcome.say[0].buttons[1]", "button", "Docs", 20, 21),
    ("welcome.say[0].quick_replies[0]", "quick_reply", "Later", 21, 25),
    ("welcome.say[0].quick_replies[1]", "quick_reply", "Help", 21, 40),
    ("welcome.say[1].cards[0].title", "card_title", "Brussels", 23, 20),
    ("welcome.say[1].cards[0].subtitle", "card_subtitle", "The capital", 24, 23),
    ("welcome.say[1].cards[0].buttons[0]", "card_button", "Pick", 25, 31),
    ("ask_city.ask[0]", "prompt", "Which city?", 31, 15),
    ("ask_city.ask[0].quick_replies[0]", "quick_reply", "Brussels", 32, 25),
    ("ask_city.retry[0]", "retry", "Not a city, {name}.", 35, 12),
    ("ask_city.give_up[0]", "give_up", "Let us stop here.", 36, 14),
    ("handoff.offload", "offload_message", "A colleague will help you.", 40, 24),
]


def trips() -> Flow:
    result = load_flow_text(TRIPS, "trips.yaml", {"nl": TRIPS_NL})
    assert result.problems == (), [str(p) for p in result.problems]
    assert result.flow is not None
    return result.flow


def test_every_kind_of_text_has_a_key_its_kind_its_state_and_where_it_is_written() -> None:
    texts = translatable_texts(trips())
    assert [(t.key, t.kind, t.text, t.loc.line, t.loc.column) for t in texts] == EVERY_KIND
    assert {t.loc.file for t in texts} == {"trips.yaml"}
    assert [t.state for t in texts] == ["welcome"] * 8 + ["ask_city"] * 4 + ["handoff"]


def test_images_and_html_messages_have_no_key() -> None:
    keys = {t.key for t in translatable_texts(trips())}
    assert not {"welcome.say[2]", "welcome.say[3]"} & keys


def test_in_language_puts_every_translation_in_its_place() -> None:
    dutch = in_language(trips(), "nl")
    translated = {t.key: t.text for t in translatable_texts(dutch)}
    assert translated == {
        "welcome.say[0]": "Hoi {name}! Waarheen?",
        "welcome.say[0].buttons[0]": "Boek",
        "welcome.say[0].buttons[1]": "Uitleg",
        "welcome.say[0].quick_replies[0]": "Later",
        "welcome.say[0].quick_replies[1]": "Hulp",
        "welcome.say[1].cards[0].title": "Brussel",
        "welcome.say[1].cards[0].subtitle": "De hoofdstad",
        "welcome.say[1].cards[0].buttons[0]": "Kies",
        "ask_city.ask[0]": "Welke stad?",
        "ask_city.ask[0].quick_replies[0]": "Brussel",
        "ask_city.retry[0]": "Geen stad, {name}.",
        "ask_city.give_up[0]": "We stoppen hier.",
        "handoff.offload": "Een collega helpt je.",
    }


def test_a_translated_flow_keeps_the_logic_states_and_untranslatable_parts() -> None:
    flow = trips()
    dutch = in_language(flow, "nl")
    assert list(dutch.states) == list(flow.states)
    welcome, english = dutch.states["welcome"], flow.states["welcome"]
    book, docs = welcome.say[0].buttons
    assert (book.goto, docs.url) == ("ask_city", "https://example.org/docs")
    assert welcome.say[1].cards[0].buttons[0].set == {"city": "Brussels"}
    assert welcome.say[2:] == english.say[2:]  # the image and the HTML message, as they are
    ask, english_ask = dutch.states["ask_city"].ask, flow.states["ask_city"].ask
    assert (ask.save, ask.expect, ask.give_up_goto) == (english_ask.save, english_ask.expect, english_ask.give_up_goto)
    assert dutch.states["handoff"].offload.provider == "console"
    assert (dutch.start, dutch.variables, dutch.languages, dutch.language) == (
        flow.start,
        flow.variables,
        flow.languages,
        "nl",
    )


def test_a_state_without_translations_is_the_same_object() -> None:
    state = trips().states["ask_city"]
    assert translated_state(state, {}) is state
    assert translated_state(state, {"welcome.say[0]": "Hoi"}) is state


def test_a_string_message_is_its_own_text_position() -> None:
    flow = load_flow_text("start: a\nstates:\n  a:\n    say: hi\n").flow
    (text,) = translatable_texts(flow)
    assert (text.key, text.loc) == ("a.say[0]", Loc("<flow>", 4, 10))


def test_a_hand_built_state_gets_keys_without_positions() -> None:
    state = State(name="s", kind="say", say=(SayItem(text="Hello"),))
    flow = Flow(name="f", start="s", states={"s": state})
    assert [(t.key, t.text) for t in translatable_texts(flow)] == [("s.say[0]", "Hello")]
