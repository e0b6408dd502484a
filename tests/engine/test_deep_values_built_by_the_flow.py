"""A value the flow builds itself (a `set:` or a button's parameters, whose templates can put a variable inside
itself once per turn) nests at most `MAX_VALUE_DEPTH` levels, as deep as JSON from outside may: a deeper one is not
set, with a warning naming it, so the session never holds a value its copies and writers cannot go through."""

from __future__ import annotations

import asyncio

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.session import MAX_VALUE_DEPTH, nested_deeper
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


def test_a_set_that_nests_a_variable_in_itself_stops_at_the_bound_with_a_warning() -> None:
    flow = load_flow_text(GROWING).flow
    assert flow is not None

    async def go() -> Conversation:
        async with Conversation(flow) as conversation:
            await conversation.start()
            for _ in range(MAX_VALUE_DEPTH + 50):
                await conversation.send_text("again")
            return conversation

    conversation = asyncio.run(go())
    depth, value = 0, conversation.session.get("d")
    while isinstance(value, list) and value:
        depth, value = depth + 1, value[0]
    assert depth == MAX_VALUE_DEPTH - 1  # the empty list at the bottom is a level too
    warnings = [e.message for e in conversation.events if isinstance(e, ev.EngineWarning)]
    assert warnings[-1] == f"set: 'd' would be nested more than {MAX_VALUE_DEPTH} levels deep; not set"
    assert not [e for e in conversation.events if isinstance(e, ev.EngineError)]
    assert conversation.session.current_state == "ask"


def test_a_value_holding_itself_twice_on_every_turn_is_bounded_without_walking_every_copy() -> None:
    doubling = GROWING.replace('d: ["{d}"]', 'd: ["{d}", "{d}"]')  # 2**100 paths at the bound, 101 lists
    flow = load_flow_text(doubling).flow
    assert flow is not None

    async def go() -> Conversation:
        async with Conversation(flow) as conversation:
            await conversation.start()
            for _ in range(MAX_VALUE_DEPTH + 5):
                await conversation.send_text("again")
            return conversation

    conversation = asyncio.run(go())
    assert not nested_deeper(conversation.session.get("d"))
    warnings = [e.message for e in conversation.events if isinstance(e, ev.EngineWarning)]
    assert warnings[-1] == f"set: 'd' would be nested more than {MAX_VALUE_DEPTH} levels deep; not set"


def test_nested_deeper_counts_levels_of_arrays_and_objects_only() -> None:
    value: object = "leaf"
    for level in range(MAX_VALUE_DEPTH):
        value = [value] if level % 2 else {"k": value}
    assert not nested_deeper(value)
    assert nested_deeper([value])
    assert not nested_deeper("text") and not nested_deeper(None)


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


def test_a_button_whose_parameter_nests_a_variable_in_itself_stops_at_the_bound_with_a_warning() -> None:
    flow = load_flow_text(BUTTON).flow
    assert flow is not None

    async def go() -> Conversation:
        async with Conversation(flow) as conversation:
            await conversation.start()
            for _ in range(MAX_VALUE_DEPTH + 5):
                await conversation.press("Deeper")
            return conversation

    conversation = asyncio.run(go())
    assert not nested_deeper(conversation.session.get("d"))
    warnings = [e.message for e in conversation.events if isinstance(e, ev.EngineWarning)]
    assert warnings[-1] == f"button 'Deeper': 'd' would be nested more than {MAX_VALUE_DEPTH} levels deep; not set"
