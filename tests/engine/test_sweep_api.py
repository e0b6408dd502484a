"""What a backend sends that the API action must survive: a response naming hundreds of thousands of session
variables is applied in bounded time, a charset Python cannot read text with is read as UTF-8, and a status
line that is no HTTP is reported as such, without h11's words or Python's notation for bytes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from raw_server import RawServer
from turn_checks import API_FLOW, internal_errors, started_against

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.model import Flow


@pytest.fixture(scope="module")
def server() -> Iterator[RawServer]:
    """The backend, on a port of its own."""
    backend = RawServer()
    backend.close = True
    yield backend
    backend.shut()


def response(body: bytes, content_type: str = "application/json") -> bytes:
    """A 200 response carrying `body`."""
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    return head.encode() + b"Connection: close\r\n\r\n" + body


Called = Callable[[bytes], Conversation]


@pytest.fixture
def called(server: RawServer, flow_from: Callable[[str], Flow]) -> Called:
    """`called(answer)`: the conversation after the API action got `answer` from the backend."""
    flow = flow_from(API_FLOW)

    def run(answer: bytes) -> Conversation:
        server.answer = answer
        return started_against(flow, server.url)

    return run


def test_a_response_setting_200000_variables_is_applied_whole(called: Called) -> None:
    # Each write once used to rebuild the table of the writes before it: 8,000 names took 20 s, 200,000 never ended.
    names = ",".join(f'"k{i}":{i}' for i in range(200_000))
    conversation = called(response(b'{"session":{' + names.encode() + b"}}"))
    assert conversation.session.current_state == "done"
    assert conversation.session.get("k199999") == 199_999


def test_a_name_sees_the_latest_write_above_it_not_an_older_one_nearer(called: Called) -> None:
    conversation = called(response(b'{"session":{"a.b":{"x":1},"a":{"b":{"x":2}},"a.b.x":3}}'))
    previous = [(e.name, e.previous) for e in conversation.events if isinstance(e, ev.VariableChanged)]
    assert previous[-1] == ("a.b.x", 2)
    assert conversation.session.get("a") == {"b": {"x": 3}}


@pytest.mark.parametrize("charset", ["idna", "punycode", "undefined", "base64", "no-such-charset"])
def test_a_charset_python_cannot_read_text_with_is_read_as_utf8(called: Called, charset: str) -> None:
    conversation = called(response('{"session":{"x":"é"}}'.encode(), f"application/json; charset={charset}"))
    assert not internal_errors(conversation.events)
    assert conversation.session.current_state == "done"
    assert conversation.session.get("x") == "é"


def test_a_status_line_that_is_no_http_is_named_as_text(called: Called, server: RawServer) -> None:
    conversation = called(b"GARBAGE\r\n\r\n")
    assert conversation.session.current_state == "failed"
    (error,) = [e.message for e in conversation.events if isinstance(e, ev.EngineError)]
    url = f"{server.url}/answer"
    assert error == (
        f"API call of state 'call' failed: the server at {url} sent no HTTP status line (such as HTTP/1.1 200 OK) "
        f"but 'GARBAGE' (GET {url})"
    )
