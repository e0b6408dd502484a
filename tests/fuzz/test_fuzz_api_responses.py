"""Fuzzing API responses: whatever JSON (or not quite JSON) a real backend on 127.0.0.1 answers, the turn ends
through the state's `next` or its `on_error`, never with an internal error.

The backend is the sample's (`POST /mirror` answers with the request's body), so each example's body travels
through real HTTP.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from turn_checks import DONE_OR_FAILED, internal_errors

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.loader import load_flow_text
from workbench.flow.model import BUILTIN_STATE_NAMES, Flow

FUZZ = settings.get_profile("workbench-fuzz")
SECONDS = 10.0

FLOW = (
    """\
name: fuzzed backend
start: call
states:
  call:
    api:
      method: POST
      url: "{api_base}/mirror"
      headers: {Content-Type: application/json}
      body: "{answer}"
"""
    + DONE_OR_FAILED
    + """\
  elsewhere:
    say: elsewhere
"""
)
ENDS = {"done", "failed", "elsewhere", *BUILTIN_STATE_NAMES}

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
STATE_NAMES = st.sampled_from(["done", "elsewhere", "nowhere", "", "not_understood"]) | JSON_VALUES
MESSAGE_TYPES = st.sampled_from(["text", "button", "quickReply", "carousel", "media", "unknown"]) | JSON_VALUES
MESSAGES = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "type": MESSAGE_TYPES,
            "config": st.dictionaries(
                st.sampled_from(["text", "textMessages", "title", "buttons", "quickReplies", "cards", "type", "url"]),
                JSON_VALUES,
                max_size=3,
            ),
        },
    )
    | JSON_VALUES,
    max_size=3,
)
CHATLAYER_ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "session": st.fixed_dictionaries(
            {},
            optional={
                "namespace": st.sampled_from(["a", "a.b", "arr[3]", "arr[3000000]", "x[0].y"]) | JSON_VALUES,
                "data": JSON_VALUES,
            },
        )
        | JSON_VALUES,
        "messages": MESSAGES | JSON_VALUES,
        "action": st.fixed_dictionaries({}, optional={"nextDialogstate": STATE_NAMES}) | JSON_VALUES,
    },
)


def body_text(value: Any) -> str:
    """`value` as JSON text; NaN and the infinities come out as JSON's outlaws (`NaN`, `Infinity`)."""
    return json.dumps(value, allow_nan=True)


BODIES = (
    CHATLAYER_ANSWERS.map(body_text)
    | JSON_VALUES.map(body_text)
    | st.integers(min_value=1, max_value=3_000).map(lambda depth: '{"session": ' + "[" * depth + "]" * depth + "}")
    | st.text(max_size=50)
)


@pytest.fixture(scope="module")
def flow() -> Flow:
    result = load_flow_text(FLOW)
    assert result.flow is not None, result.problems
    return result.flow


def answered(flow: Flow, base: str, body: str) -> Conversation:
    async def go() -> Conversation:
        async with httpx.AsyncClient() as client:
            conversation = Conversation(flow, http=client, variables={"api_base": base, "answer": body})
            await conversation.start()
            await conversation.aclose()
        return conversation

    return asyncio.run(go())


@FUZZ
@given(body=BODIES)
def test_any_answer_ends_the_turn_through_next_or_on_error(flow: Flow, sample_backend: str, body: str) -> None:
    began = time.perf_counter()
    conversation = answered(flow, sample_backend, body)
    assert time.perf_counter() - began < SECONDS
    assert not internal_errors(conversation.events)
    assert conversation.session.current_state in ENDS
    assert isinstance(conversation.events[-1], ev.TurnFinished)
    for event in conversation.events:
        if isinstance(event, ev.VariableChanged) and isinstance(event.value, float):
            assert math.isfinite(event.value)
