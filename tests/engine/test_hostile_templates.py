"""Hostile values in templates and the JSON Builder: numbers are written as JavaScript writes them, `increment`
never makes a number JSON cannot hold, a text rendered past MAX_TEXT is cut with a note, and a template with
thousands of missing variables warns once per variable without writing itself out for each."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.model import Flow
from workbench.flow.template import CUT_NOTE, MAX_TEXT, SHOWN_CHARS
from workbench.testing import recorder

FlowFrom = Callable[[str], Flow]


def run(flow: Flow, variables: dict[str, Any]) -> list[ev.Event]:
    """The events of a conversation on `flow` started with `variables`."""

    async def go() -> list[ev.Event]:
        async with Conversation(flow, variables=variables) as conversation:
            await conversation.start()
            return list(conversation.events)

    return asyncio.run(go())


def json_flow(flow_from: FlowFrom, value: str) -> Flow:
    """A flow whose start state is a JSON Builder of `value` (YAML text)."""
    return flow_from(f"start: notify\nstates:\n  notify: {{json: {value}, next: done}}\n  done: {{say: ok}}\n")


def payload(events: list[ev.Event]) -> Any:
    """The payload of the one JSON Builder message among `events`."""
    [message] = [e for e in events if isinstance(e, ev.JsonMessage)]
    return message.payload


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1e21, "1e+21"),
        (1e308, "1e+308"),
        (2**53 + 1, "9007199254740992"),
        (123456789012345680000.0, "123456789012345680000"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (-0.0, "0"),
        (3.0, "3"),
        (0.1, "0.1"),
    ],
)
def test_a_number_in_a_text_is_written_as_javascript_writes_it(flow_from: FlowFrom, number: Any, text: str) -> None:
    flow = json_flow(flow_from, '{total: "EUR {n}"}')
    assert payload(run(flow, {"n": number})) == {"total": f"EUR {text}"}


@pytest.mark.parametrize("value", ["nan", "NaN", "Infinity", "inf", "1e999", "1_000", "١٢", [1], {"a": 1}])
def test_increment_of_what_is_no_finite_number_counts_from_zero(flow_from: FlowFrom, value: Any) -> None:
    flow = json_flow(flow_from, '{count: "{n|increment}", said: "count {n|increment}"}')
    events = run(flow, {"n": value})
    assert payload(events) == {"count": 1, "said": "count 1"}
    recorded = recorder.record(events, flow, name="count", flow_ref="flow.yaml")
    assert "json: {count: 1, said: count 1}" in recorded


def test_increment_beyond_javascripts_whole_numbers_gives_the_number_javascript_holds(flow_from: FlowFrom) -> None:
    flow = json_flow(flow_from, '{big: "{big|increment}", small: "{small|increment}", said: "= {big|increment}"}')
    result = payload(run(flow, {"big": 10**40, "small": "41"}))
    assert result == {"big": 1e40, "small": 42, "said": "= 1e+40"}
    assert json.dumps(result, allow_nan=False)


def test_a_placeholders_value_that_is_template_text_is_not_rendered_again(flow_from: FlowFrom) -> None:
    flow = json_flow(flow_from, '{whole: "{t}", inside: "a {t}", var: {var: t}}')
    result = payload(run(flow, {"t": "{secret}", "secret": "leaked"}))
    assert result == {"whole": "{secret}", "inside": "a {secret}", "var": "{secret}"}


def test_a_text_that_would_render_past_the_bound_is_cut_there_with_a_note(flow_from: FlowFrom) -> None:
    flow = json_flow(flow_from, '{text: "' + "{a}" * 1000 + '"}')
    text = payload(run(flow, {"a": "z" * 1_000_000}))["text"]
    assert text == "z" * MAX_TEXT + CUT_NOTE
    assert CUT_NOTE == "… (cut: the text is longer than 16,777,216 characters)"


def test_a_message_of_many_large_values_is_cut_as_well(flow_from: FlowFrom) -> None:
    flow = flow_from("start: s\nstates:\n  s: {say: 'Your list: " + "{items} " * 100 + "'}\n")
    [message] = [e for e in run(flow, {"items": list(range(1_000_000))}) if isinstance(e, ev.BotMessage)]
    assert message.text.endswith(CUT_NOTE) and len(message.text) == MAX_TEXT + len(CUT_NOTE)


def test_a_variable_missing_many_times_in_a_template_is_reported_once(flow_from: FlowFrom) -> None:
    flow = json_flow(flow_from, '{a: "' + "{gone}" * 5000 + '", b: "{gone}", c: "{other}"}')
    warnings = [e for e in run(flow, {}) if isinstance(e, ev.TemplateWarning)]
    assert [w.variable for w in warnings] == ["gone", "other"]


def test_a_large_json_value_with_thousands_of_missing_variables_warns_once_for_each(flow_from: FlowFrom) -> None:
    names = [f"m{i}" for i in range(20_000)]
    flow = json_flow(flow_from, "[" + ", ".join(f'"{{{name}}}"' for name in names) + "]")
    events = run(flow, {})
    warnings = [e for e in events if isinstance(e, ev.TemplateWarning)]
    assert [w.variable for w in warnings] == names
    assert len({w.template for w in warnings}) == 1 and len(warnings[0].template) == SHOWN_CHARS
    assert payload(events) == [""] * len(names)


def test_a_json_message_holding_one_object_many_times_over_is_not_sent_and_says_why(flow_from: FlowFrom) -> None:
    many = "{" + ", ".join(f"k{i}: '{{big}}'" for i in range(10_000)) + "}"  # 10,000 × 10 KB: 100 MB written out
    events = run(json_flow(flow_from, many), {"big": {"text": "x" * 10_000}})
    assert not [e for e in events if isinstance(e, ev.JsonMessage)]
    [finished] = [e for e in events if isinstance(e, ev.ActionFinished) and e.action == "json"]
    assert finished.error == "the JSON message would be longer than 67,108,864 characters written out as JSON; not sent"
