"""The conversation's language: from the channel's `locale`, from `preferredLanguage`, the language detection
flow, per-language NLU, and every text the bot sends in the conversation's language."""

from __future__ import annotations

import asyncio
import json

import pytest
from local_server import LocalServer
from multilingual_flow import bilingual_flow, changes, press, said, talk

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.languages import conversation_language
from workbench.flow.loader import load_flow_text


@pytest.fixture(scope="module")
def flow():
    return bilingual_flow()


# --- where the language comes from -------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["nl", "nl-BE", "NL", "nl_nl"])
def test_the_channel_locale_gives_the_language(flow, locale: str) -> None:
    events, language = talk(flow, variables={"locale": locale})
    assert language == "nl"
    assert said(events) == ["Welkom!"]


def test_without_a_locale_the_conversation_speaks_the_primary_language(flow) -> None:
    events, language = talk(flow)
    assert (language, said(events), changes(events)) == ("en", ["Welcome!"], [])


def test_an_undeclared_locale_means_the_primary_language(flow) -> None:
    events, language = talk(flow, variables={"locale": "de-DE"})
    assert (language, said(events)) == ("en", ["Welcome!"])


def test_a_flow_whose_primary_is_not_english_speaks_it_when_the_channel_says_nothing() -> None:
    text = "start: a\nlanguages: {primary: nl, secondary: [en]}\nstates:\n  a: {say: Hallo}\n"
    flow = load_flow_text(text, "nl.yaml", translations={"en": "language: en\ntexts:\n  a.say[0]: Hello\n"}).flow
    events, language = talk(flow)
    assert (language, said(events)) == ("nl", ["Hallo"])
    assert said(talk(flow, variables={"locale": "en"})[0]) == ["Hello"]


def test_a_button_that_sets_preferred_language_switches_from_the_next_message_on(flow) -> None:
    events, language = talk(flow, press("Nederlands"))
    assert language == "nl"
    assert said(events) == ["Welcome!", "Wat nu?", ""]
    assert changes(events) == [("nl", "en", "preferredLanguage")]


def test_preferred_language_wins_over_the_channel_locale(flow) -> None:
    events, _ = talk(flow, press("Engels"), variables={"locale": "nl"})
    assert said(events)[:2] == ["Welkom!", "What now?"]
    assert changes(events) == [("nl", "en", "locale"), ("en", "nl", "preferredLanguage")]


def test_an_ask_with_expect_language_switches_to_the_language_named() -> None:
    events, language = asyncio.run(_ask_language(bilingual_flow(), "Nederlands"))
    assert language == "nl"
    assert said(events)[-2:] == ["Wat nu?", ""]


async def _ask_language(flow, answer: str):
    async with Conversation(flow) as conversation:
        await conversation.start("choose_language")
        await conversation.send_text(answer)
        return list(conversation.events), conversation.language


def test_a_code_action_that_sets_preferred_language_switches_it() -> None:
    text = """\
start: act
languages: {primary: en, secondary: [fr]}
states:
  act:
    code: ChatlayerResponseBuilder().addSessionVariable('preferredLanguage', 'fr').send();
    next: after
  after: {say: after}
"""
    flow = load_flow_text(text, "c.yaml", translations={"fr": "language: fr\ntexts:\n  after.say[0]: après\n"}).flow
    events, language = talk(flow)
    assert (language, said(events)) == ("fr", ["après"])


def test_a_go_to_set_switches_the_language() -> None:
    text = """\
start: a
languages: {primary: en, secondary: [fr]}
states:
  a:
    next: [{goto: b, set: {preferredLanguage: fr}}]
  b: {say: hello}
"""
    flow = load_flow_text(text, "g.yaml", translations={"fr": "language: fr\ntexts:\n  b.say[0]: bonjour\n"}).flow
    events, language = talk(flow)
    assert (language, said(events)) == ("fr", ["bonjour"])


def test_an_api_response_that_sets_preferred_language_switches_it() -> None:
    server = LocalServer()
    server.body = json.dumps({"session": {"preferredLanguage": "fr"}}).encode()
    text = f"""\
start: call
languages: {{primary: en, secondary: [fr]}}
states:
  call:
    api: {{url: "{server.url}/profile"}}
    next: greet
  greet: {{say: hello}}
"""
    try:
        flow = load_flow_text(
            text, "a.yaml", translations={"fr": "language: fr\ntexts:\n  greet.say[0]: bonjour\n"}
        ).flow
        events, language = talk(flow)
    finally:
        server.close()
    assert (language, said(events)) == ("fr", ["bonjour"])


def test_an_iframe_update_of_preferred_language_switches_it(flow) -> None:
    async def main():
        async with Conversation(flow) as conversation:
            await conversation.start()
            await conversation.post_message(
                {"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"preferredLanguage": "nl"}}
            )
            await conversation.press("Menu")
            return list(conversation.events), conversation.language

    events, language = asyncio.run(main())
    assert language == "nl"
    assert said(events)[-2] == "Wat nu?"


def test_clearing_preferred_language_goes_back_to_the_channel_language() -> None:
    text = """\
start: pick
languages: {primary: en, secondary: [fr]}
states:
  pick:
    say: [{text: hello, buttons: [{title: fr, set: {preferredLanguage: fr}, goto: reset}]}]
  reset:
    say: hello again
    next: forget
  forget:
    clear_session: [preferredLanguage]
    next: again
  again: {say: hello}
"""
    flow = load_flow_text(
        text, "r.yaml", translations={"fr": "language: fr\ntexts:\n  reset.say[0]: re-bonjour\n"}
    ).flow
    events, language = talk(flow, press("fr"))
    assert said(events) == ["hello", "re-bonjour", "hello"]
    assert language == "en"
    assert changes(events) == [("fr", "en", "preferredLanguage"), ("en", "fr", "locale")]


def test_setting_the_language_it_already_speaks_changes_nothing(flow) -> None:
    events, _ = talk(flow, press("English"))
    assert changes(events) == []


def test_the_language_is_a_function_of_the_session() -> None:
    flow = bilingual_flow()
    assert conversation_language(flow, {"locale": "fr", "preferredLanguage": "nl-nl"}).language == "nl"
    assert conversation_language(flow, {"locale": "fr", "preferredLanguage": "de"}).reason == "locale"
    assert conversation_language(flow, {"locale": "de"}).reason == "primary"


# --- language detection ------------------------------------------------------------------------------------------


def test_detection_a_declared_channel_language_starts_at_the_start_state_in_that_language() -> None:
    events, language = talk(bilingual_flow(detection="unsupported"), variables={"locale": "fr-BE"})
    assert (language, said(events)) == ("fr", ["Bienvenue !"])


def test_detection_an_undeclared_channel_language_goes_to_the_detection_state_in_the_primary() -> None:
    events, language = talk(bilingual_flow(detection="unsupported"), variables={"locale": "de"})
    assert language == "en"
    assert [e.state for e in events if isinstance(e, ev.StateEntered)] == ["unsupported"]
    assert said(events) == ["Sorry, I speak English, Dutch and French"]


# --- NLU ---------------------------------------------------------------------------------------------------------


def test_each_language_has_its_own_expressions(flow) -> None:
    events, _ = talk(flow, "goedemorgen", variables={"locale": "nl"})
    assert said(events)[-1] == "Hallo jij"
    matched = [e for e in events if isinstance(e, ev.IntentMatched)]
    assert [m.intent for m in matched] == ["greet"]


def test_typing_in_another_known_language_is_understood_and_answered_in_the_conversation_language(flow) -> None:
    """multilanguage-bots: "Whenever the user types an expression in a language other than the
    `preferredLanguage` activated, the bot will not automatically switch to that language. If the expression is in
    a language that the bot knows, the expression will be processed and the bot will answer in the original
    `preferredLanguage`." """
    events, language = talk(flow, press("English"), "goedemorgen")
    assert language == "en"
    assert said(events)[-1] == "Hello to you"
    assert changes(events) == []


def test_entity_words_of_the_language_and_of_the_others(flow) -> None:
    dutch, _ = talk(flow, press("Menu"), press("Boeken"), "Brussel", variables={"locale": "nl"})
    assert said(dutch)[-1] == "Op weg naar Brussels"
    english, language = talk(flow, press("Menu"), press("Book"), "Brussel")
    assert (language, said(english)[-1]) == ("en", "Going to Brussels")


# --- every text in the conversation's language -------------------------------------------------------------------


def _messages(events):
    return [e for e in events if isinstance(e, ev.BotMessage)]


def test_every_kind_of_text_is_translated(flow) -> None:
    events, _ = talk(flow, press("Menu"), press("Boeken"), "x", "y", "z", variables={"locale": "nl"})
    welcome, menu, cards, ask, retry1, retry2, give_up, offload = _messages(events)
    assert [b.title for b in welcome.buttons] == ["Nederlands", "Engels", "Menu"]
    assert (menu.text, [q.title for q in menu.quick_replies]) == ("Wat nu?", ["Boeken"])
    card = cards.cards[0]
    assert (card.title, card.subtitle, card.buttons[0].title) == ("Brussel", "De hoofdstad", "Ga erheen")
    assert (ask.text, retry1.text, retry2.text) == (
        "Welke stad?",
        "Geen stad, probeer opnieuw",
        "Geen stad, probeer opnieuw",
    )
    assert (give_up.text, offload.text) == ("Ik zoek een collega voor je", "Ik verbind je door")


def test_a_text_without_a_translation_is_said_in_the_primary_language(flow) -> None:
    events, language = talk(flow, press("Menu"), variables={"locale": "fr"})
    assert language == "fr"
    assert said(events)[:2] == ["Bienvenue !", "Et maintenant ?"]
    assert _messages(events)[1].quick_replies[0].title == "Book"
    assert _messages(events)[2].cards[0].title == "Brussels"


# --- reload ---------------------------------------------------------------------------------------------


def test_reloading_the_flow_keeps_the_language() -> None:
    async def main():
        async with Conversation(bilingual_flow(), variables={"locale": "nl"}) as conversation:
            await conversation.start()
            await conversation.replace_flow(bilingual_flow())
            await conversation.press("Menu")
            return list(conversation.events), conversation.language

    events, language = asyncio.run(main())
    assert language == "nl"
    assert said(events)[-2] == "Wat nu?"
    assert changes(events) == [("nl", "en", "locale")]  # when it began: the reload changed nothing
