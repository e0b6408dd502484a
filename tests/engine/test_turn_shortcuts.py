"""The shortcuts of a user message's hot path give what the long way gives: the cheap look for a date or time
answers as the full pattern does, a log takes events the same way after it folded or was forked, and states that
run in place enter, say and wait as they did."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.entities.dates import _TIME_CUE, has_time_cue
from workbench.engine.event_log import EventLog
from workbench.engine.session import Session
from workbench.flow.loader import load_flow_text

PIECES = [
    "0", "7", "12", "2026", "٣", " ", "-", "/", ".", ":", ",", "'", "item", "may", "in", "within", "days", "pm",
    "a.m", "o'clock", "clock", "tomorrow", "mon", "é", "x", "_",
]  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=8).map("".join), st.booleans())
def test_the_cheap_look_for_a_time_cue_answers_as_the_full_pattern(text: str, digit: bool) -> None:
    assert has_time_cue(text, digit=digit) == (_TIME_CUE.search(text) is not None)


def test_a_message_with_digits_and_no_cue_has_none_and_one_with_a_cue_has_one() -> None:
    assert not has_time_cue("item0-1", digit=True)
    assert has_time_cue("item 10-12", digit=True)
    assert has_time_cue("at 5 pm", digit=True)
    assert has_time_cue("in 3 days", digit=True)


def _turn(log: EventLog, text: str) -> None:
    for event in (ev.TurnStarted(input="text", text=text), ev.UserMessage(text=text)):
        log.put(event)
    log.append(ev.TurnFinished())


def test_a_log_takes_events_after_it_folded_and_after_it_was_forked() -> None:
    log = EventLog(keep_turns=2)
    for n in range(9):
        _turn(log, f"m{n}")
    assert log.compacted and len(log) == 27 and log[-2] == ev.UserMessage(text="m8")
    fork = log.prefix(len(log) - 3)
    _turn(fork, "other")
    assert len(fork) == 27 and fork[-2] == ev.UserMessage(text="other")
    assert len(log) == 27 and log[-2] == ev.UserMessage(text="m8")


def test_the_nlu_value_the_session_holds_is_what_the_event_says() -> None:
    session = Session()
    value = {"expression": "hi", "intent": {"name": None, "score": 0.0}}
    session.apply(ev.VariableChanged(name="internal.nlp", value=value, origin="nlp"))
    session.apply(ev.VariableChanged(name="said", value="hi", origin="ask"))
    assert session.get("internal.nlp") == value and session.get("said") == "hi"


FLOW = """
name: Places
start: ask
states:
  ask: {ask: Where to?, save: city, next: route}
  route:
    set: {trips: "{trips|increment}"}
    next: [{if: "city == 'Ghent'", goto: ghent}, {goto: elsewhere}]
  ghent: {say: "Ghent it is ({trips})", next: again}
  elsewhere: {say: "Not Ghent: {city|toUpperCase}"}
  again: {ask: "Once more?", save: more}
"""


def test_states_that_run_in_place_enter_say_route_and_wait_in_order() -> None:
    flow = load_flow_text(FLOW, "places.yaml").flow
    assert flow is not None

    async def converse() -> list[tuple[str, object]]:
        async with Conversation(flow) as chat:
            await chat.start()
            await chat.send_text("Ghent")
            return [
                (e.kind, getattr(e, "state", None) if not isinstance(e, ev.BotMessage) else e.text)
                for e in chat.events
                if isinstance(e, ev.StateEntered | ev.BotMessage | ev.WaitingForInput)
            ]

    assert asyncio.run(converse()) == [
        ("StateEntered", "ask"),
        ("BotMessage", "Where to?"),
        ("WaitingForInput", "ask"),
        ("StateEntered", "route"),
        ("StateEntered", "ghent"),
        ("BotMessage", "Ghent it is (1)"),
        ("StateEntered", "again"),
        ("BotMessage", "Once more?"),
        ("WaitingForInput", "again"),
    ]
