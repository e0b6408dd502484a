"""What a page posts is checked whole where it enters (`Conversation.post_message`): a message that cannot be
taken is refused with an `IframeMessageRejected` saying why in JSON's terms, never an exception, and changes
nothing; an update the session cannot hold in full applies not at all; every accepted one replays."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from echo_flow import ECHO

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.session import Session
from workbench.flow.model import Flow

PAGE = """
name: page
start: page
variables: {profile: {name: Ann}, tags: [a]}
states:
  page:
    iframe: {url: "https://example.com/page.html"}
"""
PYTHON_WORDS = re.compile(r"\b(int|float|str|dict|tuple|NoneType|None|True|False|nan|inf)\b|Error\b")


def nested(levels: int) -> list[Any]:
    """Lists inside lists, `levels` deep (built without recursion)."""
    value: list[Any] = []
    for _ in range(levels - 1):
        value = [value]
    return value


def update(payload: Any) -> dict[str, Any]:
    return {"target": "CL_API", "type": "UPDATE_SESSION", "payload": payload}


def posted(flow: Flow, *messages: Any) -> Conversation:
    """The conversation after the page posted `messages` in order (it waits in the iframe state)."""

    async def go() -> Conversation:
        async with Conversation(flow) as conversation:
            await conversation.start()
            for message in messages:
                await conversation.post_message(message, origin="https://example.com")
            return conversation

    return asyncio.run(go())


@pytest.fixture
def page(flow_from: Callable[[str], Flow]) -> Flow:
    return flow_from(PAGE)


def assert_refused(conversation: Conversation, reason: str) -> None:
    """The last message was refused with `reason` (in JSON's terms) and changed nothing."""
    fresh = posted(conversation.flow)
    last = conversation.events[-1]
    assert isinstance(last, ev.IframeMessageRejected), last
    assert reason in last.reason
    assert not PYTHON_WORDS.search(last.reason), last.reason
    assert not PYTHON_WORDS.search(last.data), last.data
    assert conversation.session.snapshot() == fresh.session.snapshot()
    assert not [e for e in conversation.events if isinstance(e, ev.VariableChanged)]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("[" * 30_000 + "]" * 30_000, "message is nested more than 64 levels deep"),
        (json.dumps(update({"deep": nested(63)})), "nested more than 64 levels deep"),
        (update({"deep": nested(3_000)}), "nested more than 64 levels deep"),
    ],
    ids=["text-30000-deep", "text-65-levels", "object-3000-deep"],
)
def test_deep_nesting_is_refused_not_raised(page: Flow, data: Any, reason: str) -> None:
    assert_refused(posted(page, data), reason)


def test_a_message_64_levels_deep_is_still_taken(page: Flow) -> None:
    deep = nested(62)  # inside the message's object and its payload: 64 levels
    conversation = posted(page, json.dumps(update({"deep": deep})))
    assert isinstance(conversation.events[-1], ev.TurnFinished)
    assert conversation.session.get("deep") == deep


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("1" * 5_000, "holds a whole number of 5000 digits (at most 100)"),
        ("NaN", "holds NaN, which is not a JSON number"),
        ("Infinity", "holds Infinity, which is not a JSON number"),
        ("-Infinity", "holds -Infinity, which is not a JSON number"),
        ("1e400", "holds the number 1e400, too large for a JavaScript number"),
    ],
)
def test_numbers_javascript_cannot_hold_are_refused(page: Flow, number: str, reason: str) -> None:
    text = '{"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"n": ' + number + "}}"
    assert_refused(posted(page, text), reason)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (float("nan"), "holds NaN at payload.n, which is not a JSON number"),
        (float("-inf"), "holds -Infinity at payload.n, which is not a JSON number"),
        (10**5_000, "holds a whole number of more than 100 digits at payload.n"),
        ({1, 2}, "holds a value that JSON cannot hold at payload.n"),
    ],
    ids=["nan", "-inf", "huge-int", "set"],
)
def test_an_object_posted_directly_is_held_to_the_same_rules(page: Flow, value: Any, reason: str) -> None:
    assert_refused(posted(page, update({"n": value})), reason)


@pytest.mark.parametrize(
    "name", ["internal", "internal.channel", "internal[0]", "internal.user.firstName", "internal.offloaded"]
)
def test_internal_is_read_only_however_a_page_spells_it(page: Flow, name: str) -> None:
    assert_refused(posted(page, update({name: 1})), "internal.* variables are read-only")


@pytest.mark.parametrize(
    "name", [" internal.channel", "internal ", "internal .channel", "name ", " name", "profile. name"]
)
def test_names_with_spaces_at_their_edges_are_refused(page: Flow, name: str) -> None:
    assert_refused(posted(page, update({name: 1})), "starts or ends with a space")


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"ok": 1, "profile[0]": 1}, "cannot set profile[0]: profile is an object, not a list"),
        ({"ok": 1, "tags.first": 1}, "cannot set tags.first: tags is a list, not an object"),
        ({"ok": 1, "a..b": 1}, "bad variable path 'a..b'"),
        ({"ok": 1, "x[100000000]": 1}, "index 100000000 in x[100000000] is too large (at most 10000)"),
        ({"ok": 1, "list": [], "list[150]": 1}, "index 150 is 150 past the end of list"),
    ],
)
def test_an_update_the_session_cannot_hold_whole_applies_not_at_all(
    page: Flow, payload: dict[str, Any], reason: str
) -> None:
    assert_refused(posted(page, update(payload)), reason)


def test_each_name_of_an_update_sees_the_ones_before_it(page: Flow) -> None:
    conversation = posted(page, update({"profile": [], "profile[0]": "first", "tags": {}, "tags.x": {"y": 1}}))
    assert conversation.session.get("profile") == ["first"]
    assert conversation.session.get("tags") == {"x": {"y": 1}}
    changed = [(e.name, e.previous) for e in conversation.events if isinstance(e, ev.VariableChanged)]
    assert changed == [("profile", {"name": "Ann"}), ("profile[0]", None), ("tags", ["a"]), ("tags.x", None)]


def test_an_object_merges_into_the_object_it_meets(page: Flow) -> None:
    conversation = posted(page, update({"profile": {"city": "Ghent"}}))
    assert conversation.session.get("profile") == {"name": "Ann", "city": "Ghent"}


def test_every_accepted_update_replays_and_rewinds(page: Flow) -> None:
    messages = [
        update({"profile": [], "profile[0]": 1}),
        update({"profile[3]": {"deep": [1, 2]}, "count": 1}),
        update({"ok": 1, "profile[0]": 1, "profile.name": 2}),  # refused: profile is a list by now
        update({"count": 2.5, "note": "ünïcode \u2028"}),
    ]

    async def go() -> None:
        async with Conversation(page) as conversation:
            await conversation.start()
            marks = []
            for message in messages:
                marks.append((len(conversation.events), conversation.session.snapshot()))
                await conversation.post_message(message)
            final = conversation.session.snapshot()
            assert Session.from_events(conversation.events, defaults=page.variables).snapshot() == final
            assert final["profile"] == [1, None, None, {"deep": [1, 2]}]
            assert final["count"] == 2.5 and "ok" not in final
            for index, snapshot in reversed(marks):
                await conversation.rewind(index)
                assert conversation.session.snapshot() == snapshot

    asyncio.run(go())


def test_two_pages_posting_at_once_are_checked_against_the_session_each_finds(page: Flow) -> None:
    async def go() -> Conversation:
        async with Conversation(page) as conversation:
            await conversation.start()
            await asyncio.gather(
                conversation.post_message(update({"slot": []})),
                conversation.post_message(update({"slot[0]": 1})),
                conversation.post_message(update({"slot.name": 1})),
            )
            return conversation

    conversation = asyncio.run(go())
    assert conversation.session.get("slot") == [1]
    [refused] = [e for e in conversation.events if isinstance(e, ev.IframeMessageRejected)]
    assert "cannot set slot.name: slot is a list, not an object" in refused.reason


def test_a_lone_surrogate_from_a_page_or_the_keyboard_becomes_the_replacement_character(flow_from) -> None:
    flow = flow_from(ECHO)

    async def scenario() -> Conversation:
        conversation = Conversation(flow)
        await conversation.start()
        await conversation.send_text("a\ud800b")
        await conversation.aclose()
        return conversation

    conversation = asyncio.run(scenario())
    assert conversation.session.get("last") == "a\ufffdb"
    assert not [e for e in conversation.events if isinstance(e, ev.EngineError)]
