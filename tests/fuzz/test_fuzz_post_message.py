"""Fuzzing `Conversation.post_message`: whatever a page posts (JSON-ish objects with hostile names and numbers,
their text, any text at all), no exception escapes, a refused message changes nothing, and the log replays to
the same session."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from turn_checks import assert_log_replays, internal_errors

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.loader import load_flow_text
from workbench.flow.model import Flow

FUZZ = settings.get_profile("workbench-fuzz")
SECONDS = 5.0

FLOW = """
name: fuzzed page
start: page
variables: {profile: {name: Ann}, tags: [a, b]}
states:
  page:
    iframe: {url: "https://example.com/page.html"}
  elsewhere:
    say: elsewhere
"""

NAMES = st.sampled_from(
    [
        "a",
        "profile",
        "profile.name",
        "profile[0]",
        "tags[1]",
        "tags[150]",
        "tags.x",
        "a..b",
        "x[100000000]",
        "internal",
        "internal.channel",
        "internal[0]",
        " internal.channel",
        "internal ",
        "name ",
        "",
        "[0]",
    ]
) | st.text(max_size=10)
NUMBERS = st.integers() | st.floats() | st.sampled_from([float("nan"), float("inf"), -float("inf"), 10**120, 2**53 + 1])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | NUMBERS | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(NAMES, children, max_size=4),
    max_leaves=20,
)
PAYLOADS = (
    st.dictionaries(NAMES, JSON_VALUES, max_size=4)
    | st.fixed_dictionaries(
        {}, optional={"text": JSON_VALUES, "dialogstate": st.sampled_from(["elsewhere", "nowhere"])}
    )
    | JSON_VALUES
)
MESSAGES = st.fixed_dictionaries(
    {},
    optional={
        "target": st.sampled_from(["CL_API"]) | JSON_VALUES,
        "type": st.sampled_from(["SEND_MESSAGE", "UPDATE_SESSION", "GO_TO_DIALOGSTATE"]) | JSON_VALUES,
        "payload": PAYLOADS,
    },
)


def as_text(value: Any) -> str:
    """`value` as the text a page would post; NaN and the infinities come out as `NaN` and `Infinity`."""
    return json.dumps(value, allow_nan=True)


def deep(levels: int) -> str:
    return '{"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"d": ' + "[" * levels + "]" * levels + "}}"


POSTED = (
    MESSAGES
    | MESSAGES.map(as_text)
    | st.integers(min_value=1, max_value=40_000).map(deep)
    | st.text(max_size=50)
    | JSON_VALUES
)


@pytest.fixture(scope="module")
def flow() -> Flow:
    result = load_flow_text(FLOW)
    assert result.flow is not None, result.problems
    return result.flow


@FUZZ
@given(posts=st.lists(POSTED, min_size=1, max_size=4))
def test_any_post_is_taken_whole_or_refused_and_the_log_replays(flow: Flow, posts: list[Any]) -> None:
    async def go() -> None:
        async with Conversation(flow) as conversation:
            await conversation.start()
            for data in posts:
                before = (conversation.session.snapshot(), len(conversation.events))
                began = time.perf_counter()
                await conversation.post_message(data, origin="https://example.com")
                assert time.perf_counter() - began < SECONDS
                new = conversation.events[before[1] :]
                if isinstance(new[0], ev.IframeMessageRejected):
                    assert len(new) == 1
                    assert conversation.session.snapshot() == before[0]
                assert not internal_errors(new)
            assert_log_replays(conversation)
            json.dumps(conversation.session.snapshot(), allow_nan=False)  # what conditions and code get

    asyncio.run(go())
