"""A small flow in English, Dutch and (half) French, with every kind of text a user sees, for the language tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.loader import load_flow_text
from workbench.flow.model import Flow

FLOW = """\
name: Bilingual
start: welcome
languages: {primary: en, secondary: [nl, fr]%(detection)s}
nlu:
  intents:
    greet: [hello there, good morning]
  entities:
    city: {values: [Brussels, Ghent], synonyms: {Ghent: [Gent]}}
states:
  welcome:
    say:
      - text: Welcome!
        buttons:
          - {title: Nederlands, set: {preferredLanguage: nl}, goto: menu}
          - {title: English, set: {preferredLanguage: en}, goto: menu}
          - {title: Menu, goto: menu}
  menu:
    say:
      - text: What now?
        quick_replies: [{title: Book, goto: ask_city}]
      - carousel:
          - {title: Brussels, subtitle: The capital, buttons: [{title: Go there, goto: ask_city}]}
  greeting:
    intent: greet
    say: Hello to you
  ask_city:
    ask: Which city?
    save: city
    expect: city
    retry: Not a city, try again
    give_up: Let me find you a colleague
    give_up_goto: handover
    next: done
  done:
    say: Going to {city}
  handover:
    offload: {message: Connecting you}
  choose_language:
    ask: Which language?
    save: preferredLanguage
    expect: language
    next: menu
  unsupported:
    say: Sorry, I speak English, Dutch and French
"""

NL = """\
language: nl
texts:
  welcome.say[0]: Welkom!
  welcome.say[0].buttons[0]: Nederlands
  welcome.say[0].buttons[1]: Engels
  welcome.say[0].buttons[2]: Menu
  menu.say[0]: Wat nu?
  menu.say[0].quick_replies[0]: Boeken
  menu.say[1].cards[0].title: Brussel
  menu.say[1].cards[0].subtitle: De hoofdstad
  menu.say[1].cards[0].buttons[0]: Ga erheen
  greeting.say[0]: Hallo jij
  ask_city.ask[0]: Welke stad?
  ask_city.retry[0]: Geen stad, probeer opnieuw
  ask_city.give_up[0]: Ik zoek een collega voor je
  done.say[0]: Op weg naar {city}
  handover.offload: Ik verbind je door
  choose_language.ask[0]: Welke taal?
  unsupported.say[0]: Sorry, ik spreek Engels, Nederlands en Frans
intents:
  greet: [goedemorgen, hallo daar]
entities:
  city:
    Brussels: [Brussel]
"""

FR = """\
language: fr
texts:
  welcome.say[0]: Bienvenue !
  menu.say[0]: Et maintenant ?
intents:
  greet: [bonjour]
"""


def bilingual_flow(detection: str | None = None) -> Flow:
    """The flow, loaded with its Dutch and French translation files; `detection` names its detection state."""
    text = FLOW % {"detection": f", detection: {detection}" if detection else ""}
    result = load_flow_text(text, "bilingual.yaml", translations={"nl": NL, "fr": FR})
    assert result.flow is not None, "\n".join(str(p) for p in result.errors)
    return result.flow


Step = str | Callable[[Conversation], Awaitable[Any]]


def press(title: str) -> Callable[[Conversation], Awaitable[None]]:
    """A step that presses the button or quick reply called `title`."""

    async def step(conversation: Conversation) -> None:
        await conversation.press(title)

    return step


def talk(flow: Flow, *steps: Step, variables: dict[str, Any] | None = None) -> tuple[list[ev.Event], str]:
    """Start a conversation, run the steps (a string is typed text); its events and its language at the end."""

    async def main() -> tuple[list[ev.Event], str]:
        async with Conversation(flow, variables=variables) as conversation:
            await conversation.start()
            for step in steps:
                await (conversation.send_text(step) if isinstance(step, str) else step(conversation))
            return list(conversation.events), conversation.language

    return asyncio.run(main())


def said(events: list[ev.Event]) -> list[str]:
    """The texts of the bot's messages, in order."""
    return [e.text for e in events if isinstance(e, ev.BotMessage)]


def changes(events: list[ev.Event]) -> list[tuple[str, str | None, str]]:
    """Every `LanguageChanged` as (language, previous, reason)."""
    return [(e.language, e.previous, e.reason) for e in events if isinstance(e, ev.LanguageChanged)]
