"""What a code action hands to `send()` is checked whole where it becomes events: a result that cannot be used
fails the action (its `on_error`) with a message that names the problem and applies nothing; `internal.*` is
not set, with a warning; console output and bot messages are capped. Real code in real V8."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

import httpx
import pytest
from turn_checks import CODE_RESULT_FLOW, assert_log_replays, written_by

from workbench.engine import events as ev
from workbench.engine.actions.output_caps import MAX_CONSOLE_BYTES, MAX_MESSAGES
from workbench.engine.conversation import Conversation
from workbench.flow.model import Flow

Ran = Callable[[str], Conversation]


@pytest.fixture
def ran(flow_from: Callable[[str], Flow]) -> Ran:
    """`ran(code)`: the conversation after state `run` ran `code` (one line of JavaScript)."""

    def run(code: str) -> Conversation:
        flow = flow_from(CODE_RESULT_FLOW.replace("CODE", code))

        async def go() -> Conversation:
            async with Conversation(flow) as conversation:
                await conversation.start()
                return conversation

        return asyncio.run(go())

    return run


def written_by_run(conversation: Conversation) -> list[ev.Event]:
    return written_by(conversation.events, "run")


def messages_of(conversation: Conversation, kind: type[ev.EngineError] | type[ev.EngineWarning]) -> list[str]:
    return [e.message for e in conversation.events if type(e) is kind]


def assert_failed_with(conversation: Conversation, reason: str) -> None:
    """The action went to on_error with one error naming `reason`, and applied nothing."""
    assert conversation.session.current_state == "failed"
    (error,) = messages_of(conversation, ev.EngineError)
    assert reason in error
    assert "Error:" not in error.split("the code of state 'run'")[0]  # no Python exception name up front
    assert not written_by_run(conversation)
    assert "ok" not in conversation.session.variables
    assert_log_replays(conversation)


def send(*calls: str) -> str:
    return "ChatlayerResponseBuilder().addSessionVariable('ok', 1)" + "".join(calls) + ".send();"


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (".addSessionVariable('a..b', 1)", """addSessionVariable("a..b"): bad variable path 'a..b'"""),
        (".addSessionVariable('obj[0]', 1)", "cannot set obj[0]: obj is an object, not a list"),
        (".addSessionVariable('list.name', 1)", "cannot set list.name: list is a list, not an object"),
        (".addSessionVariable('arr[3000000]', 1)", "index 3000000 in arr[3000000] is too large (at most 10000)"),
        (".addSessionVariable('list[500]', 1)", "index 500 is 499 past the end of list"),
        (
            ".addSessionVariable('name ', 1)",
            "'name ' is not a variable name (a name in it starts or ends with a space)",
        ),
        (".addSessionVariable(' internal.channel', 1)", "starts or ends with a space"),
        (".setNextDialogState('nowhere')", """setNextDialogState("nowhere"): this flow has no such dialog state"""),
    ],
)
def test_a_name_or_jump_the_flow_cannot_take_fails_the_action_and_applies_nothing(
    ran: Ran, call: str, reason: str
) -> None:
    assert_failed_with(ran(send(call)), reason)


def test_a_later_name_sees_an_earlier_one_of_the_same_send(ran: Ran) -> None:
    conversation = ran(send(".addSessionVariable('obj', []).addSessionVariable('obj[0]', 'first')"))
    assert conversation.session.current_state == "done"
    assert conversation.session.get("obj") == ["first"]
    previous = [(e.name, e.previous) for e in written_by_run(conversation) if isinstance(e, ev.VariableChanged)]
    assert previous == [("ok", None), ("obj", {"x": 1}), ("obj[0]", None)]


def nest(levels: int) -> str:
    return f"let v = 1; for (let i = 0; i < {levels}; i++) v = [v];"


@pytest.mark.parametrize("levels", [65, 5_000])
def test_a_value_nested_more_than_64_levels_deep_fails_the_action(ran: Ran, levels: int) -> None:
    conversation = ran(nest(levels) + send(".addSessionVariable('deep', v)"))
    assert_failed_with(conversation, "the code action's result is nested more than 64 levels deep")


def test_a_value_64_levels_deep_is_taken(ran: Ran) -> None:
    conversation = ran(nest(63) + send(".addSessionVariable('deep', v)"))
    assert conversation.session.current_state == "done"
    assert json.dumps(conversation.session.get("deep")).count("[") == 63


def test_a_value_larger_than_1_mb_fails_the_action(ran: Ran) -> None:
    conversation = ran(send(".addSessionVariable('big', 'x'.repeat(20 * 1024 * 1024))"))
    assert_failed_with(conversation, """addSessionVariable("big"): the value is 20.0 MB, more than 1 MB""")


def test_a_result_larger_than_5_mb_in_all_fails_the_action(ran: Ran) -> None:
    calls = "".join(f".addSessionVariable('part{i}', 'x'.repeat(1000 * 1000))" for i in range(6))
    assert_failed_with(ran(send(calls)), "it is 5.7 MB in all, more than 5 MB")


def test_internal_is_not_set_with_a_warning_and_the_rest_applies(ran: Ran) -> None:
    conversation = ran(send(".addSessionVariable('internal', {channel: 'x'})"))
    assert conversation.session.current_state == "done"
    assert conversation.session.get("ok") == 1
    assert conversation.session.get("internal.channel") == "workbench"
    assert messages_of(conversation, ev.EngineWarning) == [
        """addSessionVariable("internal"): 'internal' is read-only (internal.*), not set"""
    ]


def test_code_that_spoils_the_runner_goes_to_on_error(ran: Ran) -> None:
    conversation = ran("ChatlayerResponseBuilder().addSessionVariable('ok', 1); __wbRun.sent = '}';")
    assert_failed_with(conversation, "could not be read back")


def test_a_throwing_to_json_on_object_prototype_is_the_codes_error_in_its_own_line(ran: Ran) -> None:
    conversation = ran(
        "Object.prototype.toJSON = function () { throw new Error('tj') }; console.log({a: 1});"
        + send(".addMessage('hi')")
    )
    (error,) = messages_of(conversation, ev.EngineError)
    assert error == "runtime error in the code of state 'run': Error: tj (line 1 of the code)"
    assert not written_by_run(conversation)


def test_console_output_is_cut_after_64_kb_with_a_warning(ran: Ran) -> None:
    conversation = ran("console.log('x'.repeat(1024 * 1024)); console.log('after'); " + send())
    logged = [e.message for e in conversation.events if isinstance(e, ev.CodeLog) and e.state == "run"]
    assert sum(len(text.encode()) for text in logged) == MAX_CONSOLE_BYTES
    assert "after" not in logged
    assert "console output cut after 64 KB" in messages_of(conversation, ev.EngineWarning)
    assert conversation.session.current_state == "done"


def peak_rss_kb() -> int:
    """This process's peak resident memory since `reset_peak_rss`, in KB."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def reset_peak_rss() -> None:
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def test_a_28_mb_console_log_is_cut_in_v8_before_it_reaches_the_engine(ran: Ran) -> None:
    ran(send())  # the worker and its realm are made before memory is measured
    reset_peak_rss()
    before = peak_rss_kb()
    started = time.perf_counter()
    conversation = ran("console.log('x'.repeat(28 * 1024 * 1024)); " + send())
    assert time.perf_counter() - started < 10
    assert peak_rss_kb() - before < 20 * 1024
    logged = [e.message for e in conversation.events if isinstance(e, ev.CodeLog) and e.state == "run"]
    assert [len(text) for text in logged] == [MAX_CONSOLE_BYTES]
    assert "console output cut after 64 KB" in messages_of(conversation, ev.EngineWarning)
    assert conversation.session.current_state == "done"


def test_console_text_of_many_bytes_per_character_is_cut_at_64_kb(ran: Ran) -> None:
    conversation = ran("console.log('é'.repeat(40000)); console.log('🙂'.repeat(40000)); " + send())
    logged = [e.message for e in conversation.events if isinstance(e, ev.CodeLog) and e.state == "run"]
    assert logged[0] == "é" * 32768
    assert len(logged) == 1
    assert "console output cut after 64 KB" in messages_of(conversation, ev.EngineWarning)


def test_at_most_100_bot_messages_from_one_action_with_a_warning(ran: Ran) -> None:
    conversation = ran(
        "const b = ChatlayerResponseBuilder(); for (let i = 0; i < 100002; i++) b.addMessage('m' + i); b.send();"
    )
    shown = [e.text for e in written_by_run(conversation) if isinstance(e, ev.BotMessage)]
    assert shown == [f"m{i}" for i in range(MAX_MESSAGES)]
    assert messages_of(conversation, ev.EngineWarning) == [
        "100002 bot messages from the code of state 'run': only the first 100 are shown (at most 100 per action)"
    ]
    assert conversation.session.current_state == "done"


API_FLOW = """
name: many messages
start: call
states:
  call:
    api: {method: POST, url: "{api_base}/mirror", headers: {Content-Type: application/json}, body: "{answer}"}
    next: done
  done:
    say: done
"""


def test_an_api_response_gets_the_same_cap_on_bot_messages(
    flow_from: Callable[[str], Flow], sample_backend: str
) -> None:
    answer = {"messages": [{"type": "text", "config": {"text": f"m{i}"}} for i in range(150)]}

    async def go() -> Conversation:
        async with httpx.AsyncClient() as client:
            variables = {"api_base": sample_backend, "answer": json.dumps(answer)}
            async with Conversation(flow_from(API_FLOW), http=client, variables=variables) as conversation:
                await conversation.start()
                return conversation

    conversation = asyncio.run(go())
    shown = [e.text for e in conversation.events if isinstance(e, ev.BotMessage) and e.state == "call"]
    assert shown == [f"m{i}" for i in range(MAX_MESSAGES)]
    assert messages_of(conversation, ev.EngineWarning) == [
        "150 bot messages from the API response of state 'call': only the first 100 are shown (at most 100 per action)"
    ]
