"""Bot-wide events (`events:` in a flow file): the format, and what a conversation does when one is set off."""

from __future__ import annotations

import textwrap

import jsonschema
import pytest

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
