"""Bot-wide events (`events:` in a flow file): the format, and what a conversation does when one is set off."""

from __future__ import annotations

import asyncio
import textwrap
from typing import Any

import jsonschema
import pytest
from fidelity.helpers import converse, press, said

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.build import plain
from workbench.flow.loader import load_flow_text
from workbench.flow.model import BotEvent, Loc
from workbench.flow.schema import flow_schema
from workbench.flow.yaml_source import load_yaml


def at(line: int) -> Loc:
    return Loc("test_flow.yaml", line, 5)


def problems_of(text: str) -> list[str]:
    return [str(p) for p in load_flow_text(textwrap.dedent(text), "f.yaml").problems]


STATES = """
states:
  a: {say: hi}
  on_change: {say: changed}
  still_there: {say: Still there?}
"""

# --- the format ------------------------------------------------------------------------------------------------


def test_events_load_with_their_kind_state_and_watched_paths(flow_from) -> None:
    flow = flow_from(
        textwrap.dedent(
            """
            start: a
            events:
              - variables_changed: [city, user.name]
                goto: on_change
              - silence: 30
                goto: still_there
                name: Still there
            """
        )
        + STATES
    )
    assert flow.events == (
        BotEvent("variables_changed", "on_change", ("city", "user.name"), name="variables_changed", loc=at(4)),
        BotEvent("silence", "still_there", seconds=30.0, name="Still there", loc=at(6)),
    )


def test_one_watched_name_may_be_written_without_a_list(flow_from) -> None:
    flow = flow_from("start: a\nevents: [{variables_changed: city, goto: on_change}]\n" + STATES)
    assert flow.events[0].variables == ("city",)


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        ("{goto: a}", "3:5: error: an event in 'events' needs 'variables_changed' (the variables it watches) or"),
        (
            "{variables_changed: [x], silence: 3, goto: a}",
            "3:30: error: an event in 'events' has both 'variables_changed' and 'silence' (one kind per event)",
        ),
        ("{silence: 3}", "3:5: error: missing required key 'goto' in an event in 'events' (the state the event runs)"),
        ("{silence: 3, goto: nowhere}", "3:24: error: 'goto' refers to unknown state 'nowhere'"),
        ("{silence: 0, goto: a}", "3:15: error: 'silence' in an event in 'events' must be a positive number, not 0"),
        ("{silence: soon, goto: a}", "3:15: error: 'silence' in an event in 'events' must be a positive number, not a"),
        (
            "{variables_changed: [], goto: a}",
            "3:25: error: 'variables_changed' in an event in 'events' must name at least one variable",
        ),
        (
            "{variables_changed: [3], goto: a}",
            "3:26: error: each item of 'variables_changed' in an event in 'events' must be a variable name, not 3",
        ),
        ("{silence: 3, goto: a, gotoo: b}", "3:27: error: unknown key 'gotoo' in an event in 'events'; did you mean"),
    ],
)
def test_a_malformed_event_is_reported_where_it_is_written(event: str, problem: str) -> None:
    found = problems_of(f"start: a\nevents:\n  - {event}\n" + STATES)
    assert any(p.startswith(f"f.yaml:{problem}") for p in found), found


def test_events_must_be_a_list() -> None:
    assert problems_of("start: a\nevents: {silence: 3}\n" + STATES)[0].startswith(
        "f.yaml:2:9: error: 'events' must be a list of events, not a mapping"
    )


def test_an_event_state_counts_as_reachable() -> None:
    found = problems_of("start: a\nevents: [{silence: 3, goto: still_there}]\n" + STATES)
    assert not any("still_there" in p for p in found)
    assert any("'on_change' is unreachable" in p for p in found)


def test_events_variables_changed_is_a_variable_the_flow_may_use() -> None:
    text = "start: a\nevents: [{variables_changed: x, goto: on_change}]\n" + STATES.replace(
        "say: changed", "say: 'changed: {events.variablesChanged}'"
    )
    assert not any("never set" in p for p in problems_of(text))


def test_the_schema_takes_what_the_loader_takes_and_refuses_what_it_refuses() -> None:
    schema = flow_schema()
    good = "start: a\nevents: [{variables_changed: [a, b.c], goto: a}, {silence: 2.5, goto: a, name: n}]\n" + STATES
    assert load_flow_text(good).ok
    jsonschema.validate(plain(load_yaml(good).data), schema)
    for bad in ("{goto: a}", "{silence: 0, goto: a}", "{variables_changed: [], goto: a}", "{silence: 1}"):
        text = f"start: a\nevents: [{bad}]\n" + STATES
        assert not load_flow_text(text).ok
        assert not jsonschema.Draft202012Validator(schema).is_valid(plain(load_yaml(text).data))


# --- variables changed ---------------------------------------------------------------------------------------------

WATCHING = """\
start: change
events:
  - variables_changed: [city]
    goto: event
states:
  change:
    say:
      - text: Pick a city
        quick_replies:
          - {title: Ghent, set: {city: Ghent}, goto: after}
          - {title: Same, set: {city: Brussels}, goto: after}
          - {title: Ask, goto: ask_city}
  event:
    say: "city changed: {events.variablesChanged}"
    next: event_step_2
  event_step_2:
    say: now {city}
  after:
    say: back where we were
  ask_city:
    ask: Which city?
    save: city
    next: after
  loop:
    say: setting it again
    set: {city: Antwerp}
variables:
  city: Brussels
"""


def triggered(events: list[ev.Event]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(e.type, e.state, e.variables) for e in events if isinstance(e, ev.EventTriggered)]


def test_the_event_chain_runs_first_then_the_conversation_goes_on(flow_from) -> None:
    events = converse(flow_from(WATCHING), press("Ghent"))
    assert said(events) == ["Pick a city", 'city changed: ["city"]', "now Ghent", "back where we were"]
    assert triggered(events) == [("variables_changed", "event", ("city",))]


def test_the_changed_names_are_in_events_variables_changed(flow_from) -> None:
    async def main() -> Any:
        async with Conversation(flow_from(WATCHING)) as conversation:
            await conversation.start()
            await conversation.press("Ghent")
            return conversation.session.get("events.variablesChanged")

    assert asyncio.run(main()) == ["city"]


def test_writing_the_value_a_variable_has_sets_nothing_off(flow_from) -> None:
    events = converse(flow_from(WATCHING), press("Same"))
    assert said(events) == ["Pick a city", "back where we were"]
    assert triggered(events) == []


def test_an_answer_saved_by_an_ask_sets_the_event_off(flow_from) -> None:
    events = converse(flow_from(WATCHING), press("Ask"), "Ghent")
    assert said(events)[-3:] == ['city changed: ["city"]', "now Ghent", "back where we were"]


def test_a_chain_that_reaches_a_question_drops_the_rest(flow_from) -> None:
    flow = flow_from(WATCHING.replace("    say: now {city}\n", "    ask: and now?\n    save: more\n"))
    events = converse(flow, press("Ghent"))
    assert said(events)[-1] == "and now?"
    assert "back where we were" not in said(events)
    assert [e.state for e in events if isinstance(e, ev.WaitingForInput)][-1] == "event_step_2"


def test_a_chain_that_changes_its_own_variable_does_not_set_itself_off_again(flow_from) -> None:
    flow = flow_from(WATCHING.replace("    next: event_step_2\n", "    next: loop\n"))
    events = converse(flow, press("Ghent"))
    assert said(events)[1:] == ['city changed: ["city"]', "setting it again", "back where we were"]
    assert len(triggered(events)) == 1


def test_a_change_while_waiting_runs_the_event_and_waits_again(flow_from) -> None:
    flow = flow_from(WATCHING.replace("  after:\n    say: back where we were\n", "  after:\n    iframe: page.html\n"))

    async def update(conversation: Conversation) -> None:
        await conversation.post_message({"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"city": "Bruges"}})

    events = converse(flow, press("Ask"), "Ghent", update)
    assert said(events)[-2:] == ['city changed: ["city"]', "now Bruges"]
    assert isinstance(events[-2], ev.WaitingForInput)
    assert events[-2].state == "after"


def test_an_entity_found_in_a_message_sets_the_event_off(flow_from) -> None:
    text = """\
start: hi
nlu:
  entities:
    city: {values: [Ghent, Bruges]}
events: [{variables_changed: city, goto: noted}]
states:
  hi: {say: hi}
  noted: {say: "noted {city}"}
  not_understood: {say: what?}
"""
    assert said(converse(flow_from(text), "to Bruges please")) == ["hi", "noted Bruges", "what?"]


def test_a_clear_session_sets_off_the_event_of_what_it_removes(flow_from) -> None:
    text = """\
start: set
events: [{variables_changed: [user.name], goto: noted}]
states:
  set:
    next: [{goto: clear, set: {user: {name: Ann}}}]
  clear:
    clear_session: all
    next: done
  noted: {say: "name is now {user.name}"}
  done: {say: done}
"""
    events = converse(flow_from(text))
    assert said(events)[0] == "name is now Ann"
    assert said(events)[1:] == ["name is now ", "done"]
    assert [e.variables for e in events if isinstance(e, ev.EventTriggered)] == [("user.name",), ("user.name",)]


# --- silence --------------------------------------------------------------------------------------------------------

SILENT = """\
start: hi
events:
  - {silence: 30, goto: still_there}
  - {silence: 120, goto: goodbye, name: long silence}
states:
  hi: {say: hi}
  still_there: {say: Are you still there?}
  goodbye: {say: Bye for now}
"""


def silence(seconds: float) -> Any:
    return lambda conversation: conversation.silence(seconds)


def test_a_shorter_silence_does_nothing(flow_from) -> None:
    events = converse(flow_from(SILENT), silence(29.5))
    assert said(events) == ["hi"]
    assert not any(isinstance(e, ev.TurnStarted) and e.input == "silence" for e in events)


def test_a_silence_as_long_as_the_event_says_runs_its_state(flow_from) -> None:
    events = converse(flow_from(SILENT), silence(30))
    assert said(events) == ["hi", "Are you still there?"]
    assert [(e.name, e.state) for e in events if isinstance(e, ev.EventTriggered)] == [("silence", "still_there")]


def test_the_longest_silence_reached_wins(flow_from) -> None:
    events = converse(flow_from(SILENT), silence(600))
    assert said(events) == ["hi", "Bye for now"]
    assert [e.name for e in events if isinstance(e, ev.EventTriggered)] == ["long silence"]


def test_a_flow_without_silence_events_ignores_silence(flow_from) -> None:
    assert said(converse(flow_from("start: hi\nstates:\n  hi: {say: hi}\n"), silence(1000))) == ["hi"]
