"""What users read names values in JSON's terms, never Python's: refused iframe messages, template warnings,
network failures, internal errors, missing buttons, failing conditions, API settings."""

import asyncio
import contextlib
import re
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from workbench.engine import events as ev
from workbench.engine import http_port
from workbench.engine.actions.api import RequestError, build_request
from workbench.engine.actions.base import ActionContext
from workbench.engine.conversation import Conversation
from workbench.engine.iframe_messages import Rejection, parse
from workbench.engine.internal_error import doing_in_turn, internal_error
from workbench.engine.session import Session
from workbench.flow.build import quoted
from workbench.flow.model import ApiAction, Flow, State
from workbench.flow.template import SHOWN_CHARS

PYTHON_WORDS = re.compile(r"\b(int|float|str|dict|NoneType|None|True|False)\b|got list")


@pytest.mark.parametrize(
    ("posted", "reason"),
    [
        ("5", "expected an object, got 5"),
        ("[1, 2]", "expected an object, got a list"),
        ('"hello"', "expected an object, got a string"),
        ("null", "expected an object, got null"),
        ("{}", "target is missing, not 'CL_API'"),
        ('{"target": 3}', "target is 3, not 'CL_API'"),
        ('{"target": "CL_API"}', "type is missing (expected one of SEND_MESSAGE, UPDATE_SESSION, GO_TO_DIALOGSTATE)"),
        ('{"target": "CL_API", "type": false}', "unknown type a boolean (expected one of"),
        ('{"target": "CL_API", "type": "SEND_MESSAGE", "payload": "hi"}', "payload must be an object, got a string"),
        ('{"target": "CL_API", "type": "GO_TO_DIALOGSTATE", "payload": {"dialogstate": 4}}', "no dialog state 4"),
    ],
)
def test_a_refused_iframe_message_says_why_in_json_terms(posted, reason):
    refused = parse(posted, {"menu"})
    assert isinstance(refused, Rejection)
    assert reason in refused.reason
    assert not PYTHON_WORDS.search(refused.reason)


def warnings_of(flow) -> list[ev.TemplateWarning]:
    async def run() -> Conversation:
        async with Conversation(flow) as conversation:
            await conversation.start()
            return conversation

    return [e for e in asyncio.run(run()).events if isinstance(e, ev.TemplateWarning)]


def test_a_template_warning_shows_a_templated_body_as_compact_json(flow_from):
    flow = flow_from(
        """
        start: notify
        states:
          notify:
            json: {event: booked, seat: {var: seat}, on: 2026-12-24, ok: true}
        """
    )
    [warning] = warnings_of(flow)
    assert warning.variable == "seat"
    assert warning.template == '{"event":"booked","seat":{"var":"seat"},"on":"2026-12-24","ok":true}'


def test_a_long_template_is_cut_short_in_its_warning(flow_from):
    flow = flow_from(
        f"""
        start: notify
        states:
          notify:
            json: {{seat: {{var: seat}}, filler: {"x" * 500}}}
        """
    )
    [warning] = warnings_of(flow)
    assert len(warning.template) == SHOWN_CHARS and warning.template.endswith("…")
    assert warning.template.startswith('{"seat":{"var":"seat"},"filler":"xxx')


def test_a_text_template_is_shown_as_written(flow_from):
    [warning] = warnings_of(flow_from("start: hi\nstates:\n  hi: {say: 'Hi {first_name}!'}\n"))
    assert warning.template == "Hi {first_name}!"


PYTHON_CLASS = re.compile(r"\b(?:[A-Z][a-z]+)+(?:Error|Exception)\b|\bTimeout\b|\bHTTPError\b")


def fetched(url: str) -> str:
    """The error of one request to `url` through the engine's HTTP port."""

    async def run() -> str:
        async with httpx.AsyncClient() as client:
            result = await http_port.perform(client, method="GET", url=url, timeout=5)
        assert result.error is not None
        return result.error

    return asyncio.run(run())


@pytest.fixture
def hanging_up_url() -> Iterator[str]:
    """A server on 127.0.0.1 that reads each request and closes the connection without an answer."""
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = server.accept()
                with connection:
                    connection.recv(65536)

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/x"
    server.close()


def test_a_refused_connection_is_said_in_words(closed_url):
    assert fetched(closed_url) == f"connection refused to {closed_url}"


def test_a_server_that_hangs_up_is_said_in_words_without_a_python_class(hanging_up_url):
    error = fetched(hanging_up_url)
    assert error.startswith(f"the server at {hanging_up_url} broke the connection")
    assert not PYTHON_CLASS.search(error), error


def test_an_invalid_url_is_quoted_as_written_and_its_host_shown_as_typed():
    assert fetched("http://exa mple.com/") == "invalid URL 'http://exa mple.com/': bad host name 'exa mple.com'"


def test_an_internal_error_says_what_the_workbench_was_doing_and_asks_for_a_report():
    doing = doing_in_turn(ev.TurnStarted(input="text", text="hi"))
    message = internal_error(doing, KeyError("seat"))
    assert message == "the workbench hit an internal error while answering the user's message; please report it: 'seat'"
    assert internal_error("reloading the flow", ZeroDivisionError()).endswith("reloading the flow; please report it")
    assert doing_in_turn(None) == "going back in the conversation"


MENU = """
start: menu
states:
  menu:
    say:
      - text: Pick one
        buttons:
          - {title: Tea, goto: tea}
  tea: {say: Tea it is}
"""


def errors_of(flow, *inputs) -> list[str]:
    async def run() -> list[ev.Event]:
        async with Conversation(flow) as conversation:
            await conversation.start()
            for pressed in inputs:
                await conversation.press(pressed)
            return conversation.events

    return [e.message for e in asyncio.run(run()) if isinstance(e, ev.EngineError)]


def test_a_button_that_is_not_there_is_named_by_its_title_or_number(flow_from):
    gone = ev.ChoiceOut(title="Coffee", goto="coffee")
    assert errors_of(flow_from(MENU), gone, 7, "Juice") == [
        "there is no button 'Coffee' to press",
        "there is no button 7 to press",
        "there is no button 'Juice' to press",
    ]


def test_a_failing_condition_is_shown_as_the_javascript_it_is(flow_from):
    flow = flow_from(
        """
        start: route
        states:
          route:
            next:
              - if: "order.items.length > 0 && mode == 'fast'"
                goto: done
              - goto: done
          done: {say: done}
        """
    )
    [message] = errors_of(flow)
    assert message.startswith("condition `order.items.length > 0 && mode == 'fast'` failed: TypeError")


@pytest.mark.parametrize(("value", "named"), [(None, "null"), (True, "a boolean"), (3, "3"), ("x", "'x'")])
def test_a_value_in_a_message_is_named_as_json_and_yaml_name_it(value, named):
    assert quoted(value) == named


def test_an_unknown_auth_type_is_named_as_json_names_it():
    """An API action built in code (the loader refuses such a flow) names a null auth type `null`."""
    api = ApiAction(method="GET", url="http://127.0.0.1/x", auth={"type": None})
    state = State(name="book", kind="api", api=api)
    ctx = ActionContext(flow=Flow(name="t", start="book", states={"book": state}), state=state, session=Session())
    with pytest.raises(RequestError, match=r"^unknown auth type null \(use basic or bearer\)$"):
        build_request(ctx, api)
