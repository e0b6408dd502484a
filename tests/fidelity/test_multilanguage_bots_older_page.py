"""Chatlayer's older page understanding-users/multilanguage-bots.md ("Multilingual bots"), with its details of
`preferredLanguage`: the 'Choose language' input validation of format type `language`, changing the language with
a Clear Session, and the detection flow's 'Get Started' dialog."""

from __future__ import annotations

from workbench.engine import events as ev
from workbench.flow.loader import load_flow_text
from workbench.flow.model import Flow

from .helpers import converse, entered, of, press, said

FLOW = """\
start: Get Started
languages: {primary: en, secondary: [fr], detection: Choose language}
nlu:
  intents:
    change_language: [change language, another language]
states:
  Get Started:
    say: Hello!
    next: Menu
  Choose language:
    ask:
      - text: Which language?
        buttons:
          - {title: English, set: {preferredLanguage: en}, goto: Get Started}
          - {title: Français, set: {preferredLanguage: fr}, goto: Get Started}
    save: preferredLanguage
    expect: language
    next: Get Started
  Menu:
    say: What can I do for you?
  Change language:
    intent: change_language
    clear_session: [preferredLanguage]
    next: Choose language
"""

FR = """\
language: fr
texts:
  Get Started.say[0]: Bonjour !
  Choose language.ask[0]: Quelle langue ?
  Menu.say[0]: Que puis-je faire pour vous ?
intents:
  change_language: [changer de langue]
"""


def bot() -> Flow:
    flow = load_flow_text(FLOW, "older.yaml", translations={"fr": FR}).flow
    assert flow is not None
    return flow


def test_a_supported_language_is_routed_to_get_started() -> None:
    """ "If the user's language is supported, they will be routed to the 'Get Started' bot dialog" """
    events = converse(bot(), variables={"locale": "fr"})
    assert entered(events)[0] == "Get Started"
    assert said(events) == ["Bonjour !", "Que puis-je faire pour vous ?"]


def test_an_unsupported_language_is_routed_to_the_dialog_of_your_choosing() -> None:
    """ "If the language is not supported by the bot, the user will be routed to a bot dialog of your choosing" """
    events = converse(bot(), variables={"locale": "es"})
    assert entered(events) == ["Choose language"]
    assert said(events) == ["Which language?"]


def test_the_language_format_type_takes_a_typed_language_name() -> None:
    """ "Change the format type to `language` to make sure that, when the user types "English" instead of clicking
    the button, they still get English as the bot's language." """
    events = converse(bot(), "français", variables={"locale": "es"})
    assert said(events)[-2:] == ["Bonjour !", "Que puis-je faire pour vous ?"]
    events = converse(bot(), "English", variables={"locale": "es"})
    assert said(events)[-2:] == ["Hello!", "What can I do for you?"]


def test_a_button_saves_a_two_letter_code() -> None:
    """ "Make sure you save the language as the `preferredLanguage` variable, with a two-letter language code (en,
    nl, fr, de, ...)" """
    events = converse(bot(), press("Français"), variables={"locale": "es"})
    assert [(e.name, e.value) for e in of(ev.VariableChanged, events) if e.name == "preferredLanguage"] == [
        ("preferredLanguage", "fr")
    ]
    assert said(events)[-1] == "Que puis-je faire pour vous ?"


def test_clearing_preferred_language_lets_the_user_choose_again() -> None:
    """ "If you want to create an intent that allows a user to change their current language to another one, you
    can use a "clear session" action bot dialog to clear `preferredLanguage`, after which you can guide the user to
    the input validation detailed above." — the question is asked again (an answered ask would be skipped), in the
    channel's language, and the new answer switches."""
    events = converse(bot(), press("Français"), "changer de langue", "English", variables={"locale": "es"})
    assert said(events)[-3:] == ["Which language?", "Hello!", "What can I do for you?"]
    assert [e.language for e in of(ev.LanguageChanged, events)] == ["fr", "en"]
