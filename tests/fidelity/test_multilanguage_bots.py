"""Chatlayer's page understanding-users/multilanguage-bots/README.md ("Multilingual bots"), run as written: the
primary and secondary languages, per-language NLP, talking to the user in the right language, the language
detection flow and the 'Choose language' dialog. The flow's Dutch texts are its translation file."""

from __future__ import annotations

from typing import Any

from workbench.engine import events as ev
from workbench.flow.loader import load_flow_text
from workbench.flow.model import Flow

from .helpers import converse, entered, of, press, said

FLOW = """\
name: Gym
start: Introduction
languages: {primary: en, secondary: [nl]%(detection)s}
nlu:
  intents:
    opening_hours: [when are you open, opening hours]
states:
  Introduction:
    say: Welcome to the gym!
    next: Choose language
  Choose language:
    ask:
      - text: In what language do you want to continue?
        buttons:
          - {title: English, set: {preferredLanguage: en}, goto: Menu}
          - {title: Nederlands, set: {preferredLanguage: nl}, goto: Menu}
    save: preferredLanguage
    expect: language
    next: Menu
  Menu:
    say: How can I help?
  Opening hours:
    intent: opening_hours
    say: We are open from 7 to 22.
  Unsupported language:
    say: Sorry, I only speak English and Dutch.
    next: Choose language
"""

NL = """\
language: nl
texts:
  Introduction.say[0]: Welkom in de fitness!
  Choose language.ask[0]: In welke taal wil je verdergaan?
  Menu.say[0]: Hoe kan ik helpen?
  Opening hours.say[0]: We zijn open van 7 tot 22.
  Unsupported language.say[0]: Sorry, ik spreek alleen Engels en Nederlands.
intents:
  opening_hours: [wanneer zijn jullie open, openingsuren]
"""


def gym(detection: bool = False) -> Flow:
    text = FLOW % {"detection": ", detection: Unsupported language" if detection else ""}
    flow = load_flow_text(text, "gym.yaml", translations={"nl": NL}).flow
    assert flow is not None
    return flow


def languages(events: list[ev.Event]) -> list[str]:
    return [e.language for e in of(ev.LanguageChanged, events)]


def test_a_bot_without_information_about_the_users_language_uses_the_primary_language() -> None:
    """ "A bot that doesn't have any information about the user's language will automatically use the primary
    language." """
    assert said(converse(gym()))[:2] == ["Welcome to the gym!", "In what language do you want to continue?"]


def test_the_structure_is_defined_once_and_reused_for_all_languages() -> None:
    """ "The structure and logic of the bot is defined once and will then be reused for all languages." """
    english = converse(gym(), press("English"), "when are you open")
    dutch = converse(gym(), press("Nederlands"), "wanneer zijn jullie open")
    assert entered(english) == entered(dutch) == ["Introduction", "Choose language", "Menu", "Opening hours"]
    assert said(dutch)[-2:] == ["Hoe kan ik helpen?", "We zijn open van 7 tot 22."]


def test_an_expression_belongs_to_its_language_model() -> None:
    """ "If you add an expression, the expression is language-dependent and will only be added to the active
    language model": the Dutch expressions are the Dutch model's; the intent is shared ("If you add an intent, the
    intent will automatically be added to all other languages as well")."""
    events = converse(gym(), "openingsuren", variables={"locale": "nl"})
    assert [m.intent for m in of(ev.IntentMatched, events)] == ["opening_hours"]
    assert said(events)[-1] == "We zijn open van 7 tot 22."


def test_buttons_that_select_a_language_set_preferred_language_to_a_two_letter_code() -> None:
    """ "If you use buttons that the user can click to select a language, please make sure they also contain the
    `preferredLanguage` variable and a two-letter language code (en, nl, fr, de, ...) for the value" — from the next
    message on, the bot talks Dutch."""
    events = converse(gym(), press("Nederlands"))
    assert said(events)[-1] == "Hoe kan ik helpen?"
    assert languages(events) == ["nl"]


def test_the_choose_language_input_is_saved_as_preferred_language() -> None:
    """ "Make sure to save this input as a variable with the name `preferredLanguage`" — typed rather than
    clicked."""
    events = converse(gym(), "Nederlands")
    answer = next(e for e in of(ev.VariableChanged, events) if e.name == "preferredLanguage")
    assert answer.value == "nl-nl"
    assert said(events)[-1] == "Hoe kan ik helpen?"


def test_typing_in_another_language_does_not_switch_the_language() -> None:
    """ "Whenever the user types an expression in a language other than the `preferredLanguage` activated, the bot
    will not automatically switch to that language. If the expression is in a language that the bot knows, the
    expression will be processed and the bot will answer in the original `preferredLanguage`." """
    events = converse(gym(), press("English"), "wanneer zijn jullie open")
    assert entered(events)[-1] == "Opening hours"
    assert said(events)[-1] == "We are open from 7 to 22."
    assert languages(events) == []


def detected(locale: str) -> tuple[list[ev.Event], Any]:
    events = converse(gym(detection=True), variables={"locale": locale})
    return events, entered(events)


def test_language_detection_routes_a_supported_language_to_the_introduction() -> None:
    """Language detection flow: "If the user's language is supported, the user will be routed to the
    `Introduction` dialog" — in that language."""
    events, states = detected("nl-BE")
    assert states[0] == "Introduction"
    assert said(events)[0] == "Welkom in de fitness!"


def test_language_detection_routes_an_unsupported_language_to_the_dialog_of_your_choosing() -> None:
    """ "If the language is not supported by the bot, the user will be routed to a bot dialog of your choosing" —
    which speaks the primary language, and here lets the user choose."""
    events, states = detected("de")
    assert states[:2] == ["Unsupported language", "Choose language"]
    assert said(events)[0] == "Sorry, I only speak English and Dutch."


def test_without_language_detection_an_unsupported_language_starts_at_the_introduction() -> None:
    events = converse(gym(), variables={"locale": "de"})
    assert entered(events)[0] == "Introduction"
    assert said(events)[0] == "Welcome to the gym!"
