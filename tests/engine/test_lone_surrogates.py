"""A lone UTF-16 surrogate (`"\\ud800"`: legal in JSON's escapes and in JavaScript's strings, not in Unicode text)
from outside becomes U+FFFD where it enters, as text typed or sent by a page already does: in an API response
(a real server on 127.0.0.1), in what a code action hands over (real V8: variables, messages, console output and
thrown errors), in a page's postMessage. A surrogate pair stays its character."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
from local_server import LocalServer
from turn_checks import API_FLOW, CODE_RESULT_FLOW, assert_log_replays, started_against

from workbench.engine import events as ev
from workbench.engine import incoming
from workbench.engine.conversation import Conversation
from workbench.flow.model import Flow

FlowFrom = Callable[[str], Flow]


def texts_of(conversation: Conversation) -> list[str]:
    return [e.text for e in conversation.events if isinstance(e, ev.BotMessage)]


def test_an_api_response_with_lone_surrogates_is_applied_with_the_replacement_character(flow_from: FlowFrom) -> None:
    server = LocalServer()
    server.body = (
        b'{"session": {"x": "x\\ud800y", "k\\udfff": ["\\udbff"], "smile": "\\ud83d\\ude00"},'
        b' "messages": [{"type": "text", "config": {"textMessages": ["api \\udc00 said"]}}]}'
    )
    try:
        conversation = started_against(flow_from(API_FLOW), server.url)
    finally:
        server.close()
    assert conversation.session.current_state == "done"
    assert conversation.session.get("x") == "x\ufffdy"
    assert conversation.session.variables["k\ufffd"] == ["\ufffd"]
    assert conversation.session.get("smile") == "\U0001f600"
    assert "api \ufffd said" in texts_of(conversation)
    assert_log_replays(conversation)


def test_a_code_action_s_lone_surrogates_reach_the_session_messages_and_console_as_the_replacement_character(
    flow_from: FlowFrom,
) -> None:
    code = (
        "console.log('log \\ud800'); ChatlayerResponseBuilder().addSessionVariable('c', {'\\udfff': 'a\\ud800b',"
        " pair: '\\ud83d\\ude00'}).addMessage('code \\udc00 says').send();"
    )
    flow = flow_from(CODE_RESULT_FLOW.replace("CODE", code))

    async def go() -> Conversation:
        async with Conversation(flow) as conversation:
            await conversation.start()
            return conversation

    conversation = asyncio.run(go())
    assert conversation.session.current_state == "done"
    assert conversation.session.get("c") == {"\ufffd": "a\ufffdb", "pair": "\U0001f600"}
    assert "code \ufffd says" in texts_of(conversation)
    assert [e.message for e in conversation.events if isinstance(e, ev.CodeLog)] == ["log \ufffd"]
    assert_log_replays(conversation)


def test_a_code_action_that_throws_a_lone_surrogate_fails_with_the_replacement_character(flow_from: FlowFrom) -> None:
    flow = flow_from(CODE_RESULT_FLOW.replace("CODE", "throw new Error('no \\ud800 here');"))

    async def go() -> Conversation:
        async with Conversation(flow) as conversation:
            await conversation.start()
            return conversation

    conversation = asyncio.run(go())
    assert conversation.session.current_state == "failed"
    (error,) = [e.message for e in conversation.events if isinstance(e, ev.EngineError)]
    assert "no \ufffd here" in error


def test_a_postback_button_s_payload_with_a_lone_surrogate_sets_the_replacement_character(flow_from: FlowFrom) -> None:
    flow = flow_from(
        CODE_RESULT_FLOW.replace(
            "CODE",
            "ChatlayerResponseBuilder().addQuickReplies({title: 'Pick', quickReplies: [{type: 'postback', title: 'A',"
            " value: JSON.stringify({nextDialogstateId: 'done', params: [{key: 'k', value: 'x\\ud800'}]})}]}).send();",
        )
    )

    async def go() -> Conversation:
        async with Conversation(flow) as conversation:
            await conversation.start()
            await conversation.press("A")
            return conversation

    conversation = asyncio.run(go())
    assert conversation.session.get("k") == "x\ufffd"
    assert_log_replays(conversation)


def test_a_postback_payload_nested_too_deeply_is_an_opaque_identifier() -> None:
    from workbench.engine.chatlayer_messages import choice

    problems: list[str] = []
    deep = {"title": "A", "type": "postback", "value": "[" * 200_000}
    assert choice(deep, "the button", problems) == {"title": "A"}


PAGE = """\
name: page
start: show
states:
  show:
    iframe: {url: "https://example.com/page.html"}
"""


def test_a_page_s_update_session_with_lone_surrogates_writes_the_replacement_character(flow_from: FlowFrom) -> None:
    async def go() -> Conversation:
        async with httpx.AsyncClient() as client, Conversation(flow_from(PAGE), http=client) as conversation:
            await conversation.start()
            await conversation.post_message(
                '{"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"seat\\ud800": "1\\udfffA"}}'
            )
            return conversation

    conversation = asyncio.run(go())
    assert conversation.session.variables["seat\ufffd"] == "1\ufffdA"
    (accepted,) = [e for e in conversation.events if isinstance(e, ev.IframeMessageAccepted)]
    assert accepted.payload == {"seat\ufffd": "1\ufffdA"}


def test_json_read_from_bytes_with_an_encoded_surrogate_gives_the_replacement_character() -> None:
    assert incoming.loads('["a\\ud800", {"\\udc00": 1}]') == ["a\ufffd", {"\ufffd": 1}]
    assert incoming.loads('"\\udc00"') == "\ufffd"
    assert incoming.loads(b'["\xed\xa0\x80"]') == ["\ufffd"]  # UTF-8 bytes of a surrogate (CESU-8)
    assert incoming.loads('["\\\\ud800"]') == ["\\ud800"]  # an escaped backslash, not a surrogate


def posted(data: object, flow_from: FlowFrom) -> Conversation:
    """A conversation on PAGE after the page posted `data`."""

    async def go() -> Conversation:
        async with httpx.AsyncClient() as client, Conversation(flow_from(PAGE), http=client) as conversation:
            await conversation.start()
            await conversation.post_message(data)
            return conversation

    return asyncio.run(go())


def test_a_message_given_as_an_object_with_lone_surrogates_writes_the_replacement_character(
    flow_from: FlowFrom,
) -> None:
    payload = {"seat\ud800": ["1\udfffA"], "ok": "\U0001f600"}
    message = {"target": "CL_API", "type": "UPDATE_SESSION", "payload": payload}
    conversation = posted(message, flow_from)
    assert conversation.session.variables["seat\ufffd"] == ["1\ufffdA"]
    assert conversation.session.get("ok") == "\U0001f600"
    (accepted,) = [e for e in conversation.events if isinstance(e, ev.IframeMessageAccepted)]
    assert accepted.payload == {"seat\ufffd": ["1\ufffdA"], "ok": "\U0001f600"}
    assert payload == {"seat\ud800": ["1\udfffA"], "ok": "\U0001f600"}  # the caller's object is untouched
    assert_log_replays(conversation)


def test_a_refused_message_with_a_lone_surrogate_is_shown_with_the_replacement_character(flow_from: FlowFrom) -> None:
    for data in ({"target": "other\ud800"}, '{"target": "other\ud800"}'):
        conversation = posted(data, flow_from)
        (refused,) = [e for e in conversation.events if isinstance(e, ev.IframeMessageRejected)]
        assert refused.reason == "target is 'other\ufffd', not 'CL_API'"
        assert "\ud800" not in refused.data
