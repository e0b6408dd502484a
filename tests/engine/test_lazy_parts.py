"""What the engine does only when a text or a flow needs it gives the answers it gave when done every time: the
date-and-time cue found without the full pattern where a text has no digit and no cue word, the clock asked only
for a text that says a date or time, numbers read once for numbers, ordinals and measures (digits alone read without
`parse_number`'s checks); a conversation that
runs no JavaScript makes no sandbox, and one that does gets it from the function it was given."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

import pytest

from workbench.engine.actions import action
from workbench.engine.conversation import Conversation
from workbench.engine.entities import dates
from workbench.engine.entities.measures import find_measures, measures_in
from workbench.engine.entities.numbers import (
    NUMBER_RE,
    find_number,
    find_ordinal,
    first_number,
    first_ordinal,
    parse_number,
    words_to_digits,
)
from workbench.engine.entities.system import system_entities
from workbench.engine.sandbox import Sandbox
from workbench.flow.loader import load_flow_text

NOW = dt.datetime(2026, 3, 2, 10, 0)
CUES = [
    "see you tomorrow",
    "at 3 a.m",
    "5 pm",
    "six o'clock",
    "oclock",
    "12:30",
    "1/2",
    "22-04-2026",
    "in 3 days",
    "3 may",
    "may 3",
    "Monday's train",
]
NO_CUES = ["item3-0", "hello there, how are you", "a clockwork orange", "mondays2", "am_", "éthursday", "may I"]
ECHO = """
name: Echo
start: ask
states:
  ask: {ask: Say something., save: said, next: echo}
  echo: {say: 'You said: {said}'}
"""
ROUTED = """
name: Routed
start: ask
states:
  ask: {ask: How many?, save: count, expect: number, next: route}
  route:
    next:
      - {if: count > 2, goto: many}
      - goto: few
  many: {say: Many}
  few: {say: Few}
"""


@pytest.mark.parametrize("text", CUES + NO_CUES)
def test_the_time_cue_is_what_the_whole_pattern_says(text: str) -> None:
    lower = text.lower()
    assert dates.has_time_cue(lower) == (dates._TIME_CUE.search(lower) is not None)
    assert dates.has_time_cue(lower) == (text in CUES)


@pytest.mark.parametrize("text", CUES + NO_CUES)
def test_a_text_known_to_have_digits_is_read_by_the_whole_pattern(text: str) -> None:
    lower = text.lower()
    assert dates.has_time_cue(lower, digit=True) == (dates._TIME_CUE.search(lower) is not None)


@pytest.mark.parametrize("text", ["0", "item3-0", "٣ tickets", "1" * 400, "12345678901234567890", "-2", "1,000", "3,5"])
def test_a_number_of_digits_alone_is_read_as_parse_number_reads_it(text: str) -> None:
    found = first_number(text)
    assert found == parse_number(NUMBER_RE.search(text).group())
    assert type(found) is type(parse_number(NUMBER_RE.search(text).group()))


def test_the_clock_is_asked_only_for_a_text_that_says_a_date_or_time() -> None:
    asked: list[str] = []

    def clock() -> dt.datetime:
        asked.append("now")
        return NOW

    assert system_entities("item3-0 and 5 km", clock) == system_entities("item3-0 and 5 km", NOW)
    assert asked == []
    assert system_entities("tomorrow at 3 pm", clock) == system_entities("tomorrow at 3 pm", NOW)
    assert asked == ["now"]


@pytest.mark.parametrize("text", ["twenty two km on the fifth", "item3-0", "5 euro", "the 3rd of 4", "none"])
def test_numbers_read_once_find_what_each_finder_finds(text: str) -> None:
    digits = words_to_digits(text)
    assert first_number(digits) == find_number(text)
    assert first_ordinal(digits) == find_ordinal(text)
    assert measures_in(digits) == find_measures(text)


def _making_into(made: list[Sandbox]) -> Callable[[], Sandbox]:
    """A function that makes a sandbox each time it is called, keeping each in `made`."""

    def sandbox() -> Sandbox:
        made.append(Sandbox())
        return made[-1]

    return sandbox


def test_a_conversation_without_javascript_makes_no_sandbox() -> None:
    asyncio.run(_converse_without_javascript())


async def _converse_without_javascript() -> None:
    flow = load_flow_text(ECHO, "echo.yaml").flow
    assert flow is not None
    made: list[Sandbox] = []
    sandbox = _making_into(made)
    async with Conversation(flow, sandbox=sandbox) as chat:
        await chat.start()
        await chat.send_text("hello")
        assert chat.ports.has_sandbox is False
    assert made == []


def test_a_condition_gets_the_sandbox_from_the_function_given() -> None:
    asyncio.run(_converse_with_a_condition())


async def _converse_with_a_condition() -> None:
    flow = load_flow_text(ROUTED, "routed.yaml").flow
    assert flow is not None
    made: list[Sandbox] = []
    sandbox = _making_into(made)
    try:
        async with Conversation(flow, sandbox=sandbox) as chat:
            await chat.start()
            await chat.send_text("5")
            assert chat.session.current_state == "many"
            await chat.restart()
            await chat.send_text("1")
            assert chat.session.current_state == "few"
        assert len(made) == 1
    finally:
        for box in made:
            await box.close()


def test_an_action_kind_is_found_once_and_an_unknown_one_is_refused() -> None:
    assert action("code") is action("code")
    with pytest.raises(KeyError):
        action("say")
