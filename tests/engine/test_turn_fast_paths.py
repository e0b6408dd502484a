"""The engine's fast paths give the answers the long way gives: a flow with nothing for the NLU to read still stores
the expression and the system entities, in their order; a conversation nobody observes logs what an observed one
logs; the session's copies of what it is given share nothing with it; and the engine's small value objects compare
and hash as frozen ones did."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation, Step
from workbench.engine.entities.system import system_entities
from workbench.engine.inputs import Validation
from workbench.engine.nlu import NluMatcher
from workbench.engine.session import copied
from workbench.flow.loader import load_flow_text
from workbench.flow.model import Entity, Nlu

NOW = dt.datetime(2026, 3, 2, 10, 0)
TEXTS = ["item12-3", "5 km for 20 euro on the 3rd", "mail ann@example.com or see www.example.org", "nothing"]
ECHO = """
name: Echo
start: ask
states:
  ask: {ask: Say something., save: said, next: echo}
  echo: {say: 'You said: {said}', next: again}
  again: {ask: Once more?, save: more, next: bye}
  bye: {say: 'Bye {more}'}
"""


@pytest.mark.parametrize("text", TEXTS)
def test_a_flow_with_nothing_to_read_understands_what_a_flow_with_words_does(text: str) -> None:
    bare = NluMatcher(Nlu(), clock=lambda: NOW).understand(text)
    worded = NluMatcher(Nlu(entities={"colour": Entity(name="colour", values=("red",))}), clock=lambda: NOW)
    assert bare == worded.understand(text)
    assert bare.internal() == {"expression": text, "intent": {"name": None, "score": 0.0}}


def test_system_entities_come_in_the_order_they_are_stored() -> None:
    found = system_entities("call 0470 12 34 56, 2 km, ann@example.com, 3rd time, www.example.org", NOW)
    assert list(found)[:6] == [
        "sys.number",
        "sys.ordinal",
        "sys.email",
        "sys.phone_number",
        "sys.url",
        "sys.url_domain",
    ]
    assert found["sys.distance"] == 2 and found["sys.distance_unit"] == "kilometre"
    assert None not in found.values()


async def _echo_log(observed: bool) -> list[ev.Event]:
    flow = load_flow_text(ECHO, "echo.yaml").flow
    assert flow is not None
    seen: list[ev.Event] = []
    async with Conversation(flow) as chat:
        if observed:
            chat.subscribe(seen.append)
        await chat.start()
        await chat.send_text("item1-2")
        await chat.send_text("ann@example.com")
        if observed:
            assert seen == list(chat.events)
        # what a turn took is the clock's, not the conversation's
        return [dataclasses.replace(e, duration=0.0) if isinstance(e, ev.TurnFinished) else e for e in chat.events]


def test_a_conversation_nobody_observes_logs_what_an_observed_one_logs() -> None:
    alone, observed = asyncio.run(_echo_log(observed=False)), asyncio.run(_echo_log(observed=True))
    assert alone == observed
    said = [e for e in alone if isinstance(e, ev.VariableChanged)]
    assert [(e.name, e.origin) for e in said] == [
        ("internal.nlp", "nlp"),
        ("sys.number", "entity"),
        ("said", "ask"),
        ("internal.nlp", "nlp"),
        ("sys.email", "entity"),
        ("more", "ask"),
    ]


def test_a_copied_value_shares_nothing_that_can_change() -> None:
    value = {"nlp": {"expression": "hi", "intent": {"name": None, "score": 0.0}}, "seats": [[1], [2]]}
    copy = copied(value)
    assert copy == value
    copy["nlp"]["intent"]["name"] = "changed"
    copy["seats"][0].append(3)
    assert value == {"nlp": {"expression": "hi", "intent": {"name": None, "score": 0.0}}, "seats": [[1], [2]]}


def test_a_value_with_keys_that_are_not_text_is_copied_whole() -> None:
    value = {(1, 2): ["a"], 3: {"b": dt.date(2026, 1, 1)}}
    copy = copied(value)
    assert copy == value
    assert copy[(1, 2)] is not value[(1, 2)] and copy[3] is not value[3]


def test_steps_and_validations_compare_and_hash_by_value() -> None:
    assert Step("ask", "next") == Step("ask", "next") != Step("ask", "route", 0)
    assert hash(Step("ask", "next")) == hash(Step("ask", "next"))
    assert Validation(True, "x") == Validation(True, "x") != Validation(False)
    assert len({Validation(True, "x"), Validation(True, "x")}) == 1
