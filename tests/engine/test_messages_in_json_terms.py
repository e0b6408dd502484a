"""What users read names values in JSON's terms, never Python's: refused iframe messages, template warnings."""

import asyncio
import re

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.iframe_messages import Rejection, parse
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
