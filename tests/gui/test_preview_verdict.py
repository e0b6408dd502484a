"""The designer preview's verdicts are the engine's own, and its page URLs are rendered as the engine renders them."""

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.engine import events as ev
from workbench.engine.actions.iframe import resolve_url
from workbench.engine.conversation import Conversation
from workbench.gui.preview.page import local_file, nest, render_url
from workbench.gui.preview.verdict import ANY_STATE, flow_states, judge

ROOT = Path(__file__).resolve().parents[2]


def message(kind: str, payload: object) -> str:
    return json.dumps({"target": "CL_API", "type": kind, "payload": payload})


@pytest.mark.parametrize(
    "data",
    [
        "{target: 'CL_API'}",
        "[1, 2]",
        json.dumps({"target": "OTHER", "type": "SEND_MESSAGE", "payload": {"text": "hi"}}),
        message("SEND_MESSAGE", {"text": "  "}),
        message("UPDATE_SESSION", {"internal": {"channel": "web"}}),
        message("GO_TO_DIALOGSTATE", {"dialogstate": "no_such_state"}),
        message("GO_TO_DIALOGSTATE", {"state": "ask_email"}),
        "x" * 70_000,
    ],
)
def test_a_refusal_gives_the_very_reason_the_conversation_gives(sample_flow, data):
    verdict = judge(data, flow_states(sample_flow))

    async def post() -> list[ev.Event]:
        conversation = Conversation(sample_flow)
        try:
            await conversation.post_message(data, "http://127.0.0.1")
            return conversation.events
        finally:
            await conversation.aclose()

    rejected = [e for e in asyncio.run(post()) if isinstance(e, ev.IframeMessageRejected)]
    assert not verdict.accepted
    assert [verdict.detail] == [e.reason for e in rejected]


def test_accepted_messages_say_what_they_would_do(sample_flow):
    states = flow_states(sample_flow)
    said = judge(message("SEND_MESSAGE", {"text": " I picked a seat "}), states)
    assert (said.accepted, said.type, said.detail) == (True, "SEND_MESSAGE", 'the user says "I picked a seat"')
    saved = judge(message("UPDATE_SESSION", {"seat": "12A", "passengers": 2}), states)
    assert saved.detail == 'sets seat = "12A", passengers = 2'
    went = judge(message("GO_TO_DIALOGSTATE", {"dialogStateId": "ask_email"}), states)
    assert (went.type, went.detail) == ("GO_TO_DIALOGSTATE", "goes to ask_email")
    assert judge(message("GO_TO_DIALOGSTATE", {"dialogstate": "not_understood"}), states).accepted


def test_without_a_flow_any_state_name_is_accepted_and_the_log_says_it_was_not_checked():
    went = judge(message("GO_TO_DIALOGSTATE", {"dialogstate": "designed_later"}), ANY_STATE)
    assert (went.accepted, went.detail) == (True, "goes to designed_later (not checked: no flow)")
    empty = judge(message("GO_TO_DIALOGSTATE", {"dialogstate": ""}), ANY_STATE)
    assert not empty.accepted
    assert empty.detail == "GO_TO_DIALOGSTATE: there is no dialog state ''"
    assert flow_states(None) is ANY_STATE


def test_a_refused_message_still_shows_the_type_it_claimed():
    assert judge(message("SEND_MESSAGE", {"text": 3}), ANY_STATE).type == "SEND_MESSAGE"
    assert judge("not json", ANY_STATE).type == ""
    assert judge("[1]", ANY_STATE).type == ""


def test_the_url_template_is_rendered_like_the_engines_and_made_absolute(tmp_path):
    variables = nest({"destination": "Ghent", "user.lastName": "Peeters", "passengers": 2})
    assert variables["user"] == {"lastName": "Peeters"}

    rendered = render_url("seat_picker.html?to={destination}&n={passengers}&who={user.lastName}", variables, tmp_path)
    assert rendered.url == (tmp_path / "seat_picker.html").as_uri() + "?to=Ghent&n=2&who=Peeters"
    assert rendered.missing == ()
    assert local_file(rendered.url) == tmp_path / "seat_picker.html"

    missing = render_url("https://example.com/p?to={destination}&x={x}&y={x}", {}, tmp_path)
    assert missing.url == "https://example.com/p?to=&x=&y="
    assert missing.missing == ("destination", "x")
    assert local_file(missing.url) is None
    assert resolve_url("pages/a b.html", tmp_path) == (tmp_path / "pages" / "a b.html").as_uri()


def test_the_preview_command_imports_no_qt_and_qtwebengine_waits_for_a_preview():
    probe = (
        "import sys, workbench.gui.preview.cli; print(any(m.startswith('PySide6') for m in sys.modules)); "
        "import workbench.gui.preview.menu; print(any(m.startswith('PySide6.QtWebEngine') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]
