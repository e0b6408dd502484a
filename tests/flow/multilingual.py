"""A small two-language flow with every kind of translatable text, and its Dutch translation file."""

from __future__ import annotations

from pathlib import Path

TRIPS = """\
name: Trips
start: welcome
languages:
  primary: en
  secondary: [nl]
variables:
  name: you
nlu:
  intents:
    book: [book a trip, I want a ticket]
    help: [help me]
  entities:
    city: {values: [Brussels, Ghent], synonyms: {Brussels: [Bruxelles], Ghent: [Gand]}}
states:
  welcome:
    say:
      - text: Hi {name}! Where to?
        buttons:
          - {title: Book, goto: ask_city}
          - {title: Docs, url: "https://example.org/docs"}
        quick_replies: [Later, {title: Help, goto: handoff}]
      - carousel:
          - title: Brussels
            subtitle: The capital
            buttons: [{title: Pick, set: {city: Brussels}, goto: ask_city}]
      - image: https://example.org/train.png
      - html: <b>Rich</b> text
  ask_city:
    intent: book
    ask:
      - text: Which city?
        quick_replies: [Brussels]
    save: city
    expect: city
    retry: Not a city, {name}.
    give_up: Let us stop here.
    give_up_goto: handoff
    next: handoff
  handoff:
    offload: {message: A colleague will help you.}
"""

TRIPS_NL = """\
language: nl
texts:
  welcome.say[0]: Hoi {name}! Waarheen?
  welcome.say[0].buttons[0]: Boek
  welcome.say[0].buttons[1]: Uitleg
  welcome.say[0].quick_replies[0]: Later
  welcome.say[0].quick_replies[1]: Hulp
  welcome.say[1].cards[0].title: Brussel
  welcome.say[1].cards[0].subtitle: De hoofdstad
  welcome.say[1].cards[0].buttons[0]: Kies
  ask_city.ask[0]: Welke stad?
  ask_city.ask[0].quick_replies[0]: Brussel
  ask_city.retry[0]: Geen stad, {name}.
  ask_city.give_up[0]: We stoppen hier.
  handoff.offload: Een collega helpt je.
intents:
  book: [boek een reis, ik wil een ticket]
entities:
  city:
    Brussels: [Brussel, Bxl]
"""


def write_flow(folder: Path, flow: str = TRIPS, **translations: str) -> Path:
    """Write `trips.yaml` and its translation files (`nl=TEXT`) into `folder`; the flow file's path."""
    path = folder / "trips.yaml"
    path.write_text(flow, encoding="utf-8")
    for language, text in translations.items():
        (folder / f"trips.{language}.yaml").write_text(text, encoding="utf-8")
    return path


def without(text: str, *keys: str) -> str:
    """A translation file's text without the lines of `keys`."""
    return "".join(line for line in text.splitlines(keepends=True) if line.strip().split(":")[0] not in keys)
