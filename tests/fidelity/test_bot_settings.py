"""Chatlayer's page bot-answers/settings/README.md ("Settings"), the settings that change what a conversation
does, run verbatim: Bot Status (with the `bot disabled` bot dialog of bot-answers/dialog-state/README.md),
Maximum message length, and Bot behaviour's typing speed. In a flow file they are the top-level `settings:`.
"""

import time

import jsonschema

from workbench.flow.build import plain
from workbench.flow.model import Settings
from workbench.flow.schema import flow_schema
from workbench.flow.yaml_source import load_yaml

from .helpers import converse, entered, press, said

DISABLED = "At this moment I can not help you further, please contact our support service if you have any questions"
TOO_LONG = "I am sorry, I work best with shorter messages. Could you please rephrase that?"

FLOW = """
start: introduction
settings:
  disabled: {disabled}
  max_message_length: {{characters: 20, goto: too long}}
  typing_delay: 800
states:
  introduction:
    say:
      - text: Hi! Where would you like to go?
        buttons:
          - {{title: Brussels, set: {{destination: Brussels}}, goto: ask date}}
  ask date:
    say: When would you like to go to {{destination}}?
  too long:
    say: {too_long}
  bot_disabled:
    say: {disabled_text}
"""


def flow_text(disabled: bool = False) -> str:
    return FLOW.format(disabled=str(disabled).lower(), too_long=TOO_LONG, disabled_text=DISABLED)


def test_a_disabled_bot_shows_the_bot_disabled_message_to_everything(flow_from) -> None:
    """Bot Status: "Click the status slider to temporarily disable the bot. The message configured under the
    `bot disabled` bot dialog will be shown" — when the conversation opens and to every message."""
    events = converse(flow_from(flow_text(disabled=True)), "Hello?", "Brussels")
    assert said(events) == [DISABLED, DISABLED, DISABLED]
    assert set(entered(events)) == {"bot_disabled"}


def test_a_disabled_bot_without_its_dialog_says_it_cannot_help(flow_from) -> None:
    """Bot Disabled is one of the default bot dialogs "every bot, when created, has": a flow without one gets
    the workbench's."""
    flow = flow_from(flow_text(disabled=True).replace(f"  bot_disabled:\n    say: {DISABLED}\n", ""))
    assert said(converse(flow, "Hello?")) == ["Sorry, I can't help you at the moment."] * 2


def test_an_enabled_bot_never_shows_bot_disabled(flow_from) -> None:
    """Bot Status on (the default): "The Bot Disabled bot dialog will only be triggered if you explicitly disable
    your bot"."""
    events = converse(flow_from(flow_text()), press("Brussels"))
    assert said(events) == ["Hi! Where would you like to go?", "When would you like to go to Brussels?"]


def test_a_message_longer_than_the_maximum_goes_to_the_chosen_dialog(flow_from) -> None:
    """Maximum message length: "Whenever a message is > the characters stated in these settings, the bot will
    automatically go to a bot dialog of your choice" — with the page's recommended text."""
    events = converse(flow_from(flow_text()), "I would like to go to Brussels tomorrow")
    assert entered(events)[-1] == "too long"
    assert said(events)[-1] == TOO_LONG


def test_a_message_of_exactly_the_maximum_is_taken_as_usual(flow_from) -> None:
    """ "> the characters": 20 characters with a maximum of 20 is not too long (it is simply not understood
    here); 21 is."""
    flow = flow_from(flow_text())
    assert entered(converse(flow, "x" * 20))[-1] == "not_understood"
    assert entered(converse(flow, "x" * 21))[-1] == "too long"


def test_typing_speed_is_carried_not_waited_for(flow_from) -> None:
    """Bot behaviour: "The default typing speed is 1500ms"; a flow's own typing delay is on the flow model for
    a window to show, and the engine never waits for it."""
    assert Settings().typing_delay == 1500
    assert flow_from("start: a\nstates:\n  a: {say: hi}\n").settings.typing_delay == 1500
    flow = flow_from(flow_text().replace("typing_delay: 800", "typing_delay: 60000"))
    assert flow.settings.typing_delay == 60000
    began = time.perf_counter()
    converse(flow, press("Brussels"))
    assert time.perf_counter() - began < 30


def test_the_settings_are_valid_in_the_published_schema() -> None:
    """`workbench schema` describes `settings:` as the loader reads it."""
    jsonschema.validate(plain(load_yaml(flow_text(disabled=True)).data), flow_schema())
