"""A value the flow builds itself (a `set:` or a button's parameters, whose templates can put a variable inside
itself once per turn) nests at most `MAX_VALUE_DEPTH` levels, as deep as a flow file's or an API response's: a
deeper one is not set, with a warning naming it, so the session never holds a value its copies and writers cannot
go through (past ~490 levels every later message was an internal error)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.session import MAX_VALUE_CHARS, MAX_VALUE_DEPTH, built_value_problem
from workbench.flow.loader import load_flow_text

GROWING = """\
name: growing
start: ask
variables: {d: []}
states:
  ask:
    ask: Again?
    save: answer
    next:
      - goto: ask
        set: {d: ["{d}"], answer: ""}
"""

BUTTON = """\
name: button
start: menu
variables: {d: []}
states:
  menu:
    say:
      - text: Deeper?
        quick_replies:
          - {title: Deeper, set: {d: ["{d}"]}, goto: menu}
"""


def replayed(text: str, step: Callable[[Conversation], Awaitable[None]]) -> Conversation:
    """The conversation on the flow `text` after `step` ran `MAX_VALUE_DEPTH` + 5 times (a level more each)."""
    flow = load_flow_text(text).flow
    assert flow is not None

    async def go() -> Conversation:
        async with Conversation(flow) as conversation:
            await conversation.start()
            for _ in range(MAX_VALUE_DEPTH + 5):
                await step(conversation)
            return conversation

    return asyncio.run(go())


def depth_of(value: object) -> int:
    """How many lists are nested in `value`, following each first item."""
    depth = 0
    while isinstance(value, list) and value:
        depth, value = depth + 1, value[0]
    return depth


def warnings(conversation: Conversation) -> list[str]:
    return [e.message for e in conversation.events if isinstance(e, ev.EngineWarning)]


def test_a_set_that_nests_a_variable_in_itself_stops_at_the_bound_with_a_warning() -> None:
    conversation = replayed(GROWING, lambda c: c.send_text("again"))
    assert depth_of(conversation.session.get("d")) == MAX_VALUE_DEPTH - 1  # the empty list at the bottom is one
    assert warnings(conversation)[-1] == f"set: 'd' would be nested more than {MAX_VALUE_DEPTH} levels deep; not set"
    assert not [e for e in conversation.events if isinstance(e, ev.EngineError)]
    assert conversation.session.current_state == "ask"


def test_a_value_holding_itself_twice_on_every_turn_stops_before_its_json_would_not_fit() -> None:
    doubling = GROWING.replace('d: ["{d}"]', 'd: ["{d}", "{d}"]')  # small in memory, its JSON twice as long each turn
    conversation = replayed(doubling, lambda c: c.send_text("again"))
    held = conversation.session.get("d")
    assert depth_of(held) < 30 and built_value_problem(held) is None
    assert (
        built_value_problem([held, held]) == f"would be longer than {MAX_VALUE_CHARS:,} characters written out as JSON"
    )
    assert warnings(conversation)[-1] == (
        f"set: 'd' would be longer than {MAX_VALUE_CHARS:,} characters written out as JSON; not set"
    )


def test_a_button_whose_parameter_nests_a_variable_in_itself_stops_at_the_bound_with_a_warning() -> None:
    conversation = replayed(BUTTON, lambda c: c.press("Deeper"))
    assert depth_of(conversation.session.get("d")) == MAX_VALUE_DEPTH - 1
    assert warnings(conversation)[-1] == (
        f"button 'Deeper': 'd' would be nested more than {MAX_VALUE_DEPTH} levels deep; not set"
    )


def test_only_arrays_and_objects_count_as_levels() -> None:
    value: object = "leaf"
    for level in range(MAX_VALUE_DEPTH):
        value = [value] if level % 2 else {"k": value}
    assert built_value_problem(value) is None
    assert built_value_problem([value]) == f"would be nested more than {MAX_VALUE_DEPTH} levels deep"
    assert built_value_problem("x" * (MAX_VALUE_CHARS + 1)) is None  # text is bounded where it is rendered
