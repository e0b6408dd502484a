"""Fuzzing what code actions hand to `send()`: arbitrary names and values (JavaScript's NaN and Infinity, huge
and deeply nested ones) given to `addSessionVariable`, `addMessage` and `setNextDialogState` by real code in
real V8. The turn ends through the state's `next` or its `on_error`, never with an internal error; a failed
action applies nothing, and the log replays to the same session."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from turn_checks import CODE_RESULT_FLOW, assert_log_replays, internal_errors, written_by

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.sandbox import Sandbox
from workbench.flow.loader import load_flow_text

FUZZ = settings.get_profile("workbench-fuzz")
SECONDS = 20.0

HOSTILE_NAMES = ["a..b", "arr[3000000]", "internal", "internal.channel", "internal[0]", " internal.channel"]
NAMES = st.sampled_from(
    ["a", "obj", "obj.y", "obj[0]", "list[1]", "list[500]", "list.name", *HOSTILE_NAMES, "name ", "", "[0]"]
) | st.text(max_size=10)
NUMBERS = st.integers() | st.floats() | st.sampled_from([10**400, 2**53 + 1])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | NUMBERS | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(NAMES, children, max_size=4),
    max_leaves=20,
)


def js(value: Any) -> str:
    """`value` as a JavaScript expression: JSON text, where NaN and the infinities are JavaScript's own."""
    return json.dumps(value, allow_nan=True)


SPECIAL_VALUES = st.sampled_from(
    [
        "undefined",
        "(() => { let v = 1; for (let i = 0; i < 70; i++) v = [v]; return v; })()",
        "(() => { let v = 1; for (let i = 0; i < 5000; i++) v = {v}; return v; })()",
        "'x'.repeat(1100000)",
        "new Date(0)",
        "Symbol('s')",
        "() => 1",
        "10n",
    ]
)
VALUES = JSON_VALUES.map(js) | SPECIAL_VALUES
CALLS = st.lists(
    st.tuples(NAMES.map(js), VALUES).map(lambda call: f".addSessionVariable({call[0]}, {call[1]})")
    | VALUES.map(lambda value: f".addMessage({value})")
    | st.sampled_from(["done", "failed", "nowhere", "", "not_understood"]).map(
        lambda state: f".setNextDialogState({js(state)})"
    ),
    max_size=5,
)


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def sandbox(loop: asyncio.AbstractEventLoop) -> Iterator[Sandbox]:
    """One JavaScript sandbox for every example (its worker starts once), made in the loop that uses it."""

    async def make() -> Sandbox:
        return Sandbox()

    sandbox = loop.run_until_complete(make())
    yield sandbox
    loop.run_until_complete(sandbox.aclose())


@FUZZ
@given(calls=CALLS)
def test_whatever_send_is_handed_the_turn_ends_via_next_or_on_error_all_or_nothing(
    loop: asyncio.AbstractEventLoop, sandbox: Sandbox, calls: list[str]
) -> None:
    code = "ChatlayerResponseBuilder()" + "".join(calls) + ".send();"
    result = load_flow_text(CODE_RESULT_FLOW.replace("CODE", code))
    assert result.flow is not None, result.problems
    flow = result.flow

    async def go() -> Conversation:
        async with Conversation(flow, sandbox=sandbox) as conversation:
            await conversation.start()
            return conversation

    began = time.perf_counter()
    conversation = loop.run_until_complete(go())
    assert time.perf_counter() - began < SECONDS
    events = conversation.events
    assert not internal_errors(events)
    assert conversation.session.current_state in {"done", "failed", "not_understood"}
    assert isinstance(events[-1], ev.TurnFinished)
    [finished] = [e for e in events if isinstance(e, ev.ActionFinished) and e.state == "run"]
    if not finished.ok:
        assert not written_by(events, "run")
    assert_log_replays(conversation)
    json.dumps(conversation.session.snapshot(), allow_nan=False)  # what conditions and code get
