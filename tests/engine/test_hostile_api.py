"""API responses of any shape end the turn through `next` or `on_error`, with the reason, never an internal error."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from local_server import LocalServer
from turn_checks import API_FLOW, started_against, written_by

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.model import Flow


@pytest.fixture(scope="module")
def backend() -> Iterator[LocalServer]:
    """A backend on 127.0.0.1 whose every answer is its `body`, the bytes the test puts there."""
    server = LocalServer()
    yield server
    server.close()


Answer = Callable[[bytes | str], Conversation]


@pytest.fixture
def answer(backend: LocalServer, flow_from: Callable[[str], Flow]) -> Answer:
    """`answer(body)`: the conversation after the API action received `body` (JSON text or raw bytes)."""
    flow = flow_from(API_FLOW)

    def run(body: bytes | str) -> Conversation:
        backend.body = body.encode() if isinstance(body, str) else body
        return started_against(flow, backend.url)

    return run


def ended_in(conversation: Conversation) -> str | None:
    return conversation.session.current_state


def errors(conversation: Conversation) -> list[str]:
    return [e.message for e in conversation.events if isinstance(e, ev.EngineError)]


def warnings(conversation: Conversation) -> list[str]:
    return [e.message for e in conversation.events if isinstance(e, ev.EngineWarning)]


def assert_failed_with(conversation: Conversation, reason: str) -> None:
    assert ended_in(conversation) == "failed"
    (error,) = errors(conversation)
    assert reason in error
    assert not written_by(conversation.events, "call")


def test_json_nested_100000_deep_goes_to_on_error(answer: Answer) -> None:
    conversation = answer("[" * 100_000 + "]" * 100_000)
    assert_failed_with(conversation, "the response is nested more than 100 levels deep")


def test_json_nested_just_too_deep_for_the_session_goes_to_on_error(answer: Answer) -> None:
    conversation = answer('{"session": {"namespace": "deep", "data": ' + "[" * 101 + "]" * 101 + "}}")
    assert_failed_with(conversation, "nested more than 100 levels deep")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json_and_go_to_on_error(answer: Answer, constant: str) -> None:
    conversation = answer('{"session": {"namespace": "price", "data": ' + constant + "}}")
    assert_failed_with(conversation, f"the response holds {constant}, which is not a JSON number")


def test_a_number_too_large_for_json_goes_to_on_error(answer: Answer) -> None:
    assert_failed_with(
        answer('{"price": 1e999}'), "the response holds the number 1e999, too large for a JavaScript number"
    )


def test_invalid_utf8_goes_to_on_error_and_names_the_byte(answer: Answer) -> None:
    conversation = answer(b'{"session": {"namespace": "name", "data": "Ann\xff"}}')
    assert_failed_with(conversation, "the response is not valid utf-8: byte 0xff at position 46")


def test_an_unknown_next_dialogstate_goes_to_on_error(answer: Answer) -> None:
    conversation = answer(json.dumps({"messages": [], "action": {"nextDialogstate": "nowhere"}}))
    assert_failed_with(conversation, 'action.nextDialogstate "nowhere" is no dialog state of this flow')


def test_a_next_dialogstate_that_is_no_name_goes_to_on_error(answer: Answer) -> None:
    conversation = answer(json.dumps({"action": {"nextDialogstate": ["done"]}}))
    assert_failed_with(conversation, "action.nextDialogstate is an array, not a dialog state name")


def test_a_known_next_dialogstate_is_followed(answer: Answer) -> None:
    assert ended_in(answer(json.dumps({"action": {"nextDialogstate": "failed"}}))) == "failed"
    assert ended_in(answer(json.dumps({"action": {"nextDialogstate": {"name": "done"}}}))) == "done"


@pytest.mark.parametrize(
    "messages",
    [
        [{"type": ["text"], "config": {"text": "hi"}}],
        [{"type": "carousel", "config": {"cards": 5}}],
        [{"type": "button", "config": {"title": "Pick", "buttons": [{"type": ["postback"]}]}}],
        5,
    ],
    ids=["type a list", "cards a number", "button type a list", "messages a number"],
)
def test_a_message_of_the_wrong_shape_is_a_warning_and_the_flow_goes_on(answer: Answer, messages: object) -> None:
    conversation = answer(json.dumps({"messages": messages}))
    assert ended_in(conversation) == "done"
    assert warnings(conversation) and not errors(conversation)


def test_a_namespace_with_a_huge_index_is_not_set_and_says_why(answer: Answer) -> None:
    conversation = answer(json.dumps({"session": {"namespace": "arr[3000000]", "data": 1}}))
    assert ended_in(conversation) == "done"
    assert conversation.session.get("arr") is None
    assert warnings(conversation) == [
        "response session: index 3000000 in arr[3000000] is too large (at most 10000); not set"
    ]


def test_a_namespace_that_is_no_name_is_not_set_and_says_so_in_jsons_terms(answer: Answer) -> None:
    conversation = answer(json.dumps({"session": {"namespace": ["arr"], "data": 1}}))
    assert ended_in(conversation) == "done"
    assert warnings(conversation) == ["response session.namespace is an array, not a variable name; ignored"]
