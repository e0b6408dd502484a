"""A number typed with more digits than a JavaScript number holds (over 309) is no number: the answer to a
`number` question is asked again and no `sys.*` entity is set, so the session never holds Infinity (which JSON
and the code actions cannot take) and Python's limit on long digit strings is never reached."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from turn_checks import assert_log_replays, internal_errors

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.entities.system import system_entities
from workbench.flow.model import Flow

FLOW = """\
name: big numbers
start: ask
states:
  ask:
    ask: How many?
    save: n
    expect: number
    next: code
  code:
    code: |
      ChatlayerResponseBuilder().addSessionVariable('seen', typeof args.n).send();
    args: {n: "{n}"}
    next: told
  told:
    say: "n is {n}"
"""

TOO_LARGE = "1" + "0" * 309


def answered(flow_from: Callable[[str], Flow], *texts: str) -> Conversation:
    """The conversation after the user gave `texts`, one message each."""

    async def go() -> Conversation:
        async with Conversation(flow_from(FLOW)) as conversation:
            await conversation.start()
            for text in texts:
                await conversation.send_text(text)
            return conversation

    return asyncio.run(go())


def test_a_number_too_large_for_javascript_is_asked_again_and_the_next_answer_is_taken(
    flow_from: Callable[[str], Flow],
) -> None:
    conversation = answered(flow_from, TOO_LARGE, "42")
    assert not internal_errors(conversation.events)
    (rejected,) = [e for e in conversation.events if isinstance(e, ev.InputRejected)]
    assert rejected.text == TOO_LARGE
    assert conversation.session.get("n") == 42
    assert conversation.session.get("seen") == "number"
    assert_log_replays(conversation)


def test_the_largest_number_javascript_holds_is_still_a_number(flow_from: Callable[[str], Flow]) -> None:
    conversation = answered(flow_from, "1" + "0" * 308)
    assert conversation.session.get("n") == int(1e308)
    assert conversation.session.get("seen") == "number"


@pytest.mark.parametrize(
    "text",
    [
        TOO_LARGE,
        TOO_LARGE + " km",
        TOO_LARGE + " hours",
        "€" + TOO_LARGE,
        TOO_LARGE + " euro",
        "9" * 400 + "th",
        "9" * 5000 + "th",
        "1" * 5000,
    ],
    ids=["number", "distance", "duration", "money before", "money after", "ordinal", "ordinal of 5000", "5000 ones"],
)
def test_digits_beyond_a_javascript_number_set_no_system_entity(text: str) -> None:
    assert system_entities(text) == {}


def test_a_duration_whose_seconds_javascript_cannot_hold_keeps_its_value_without_the_seconds() -> None:
    found = system_entities("1" + "0" * 305 + " years")
    assert found["sys.duration"] == int(1e305)
    assert found["sys.duration_unit"] == "year"
    assert "sys.duration_normalized" not in found
