"""bot-answers/dialog-state/message-components.md (Bot message): the button kinds, quick replies, media and
the carousel's share button, as a backend on 127.0.0.1 sends them in an API response. The page has no code
of its own; the shapes are those of integrations/chat-message-structure-for-apis.md.

Not supported: the Webview button (no JSON shape is documented for it), location quick replies (left out with
a warning), file upload and rich text from an API response.
"""

from __future__ import annotations

from typing import Any

import pytest

from workbench.engine import events as ev

from .helpers import Backend, converse, entered, of, press

FLOW = """
start: call
states:
  call:
    api: {{method: POST, url: "{url}/answer"}}
  billing: {{say: "Billing for {{customer}}"}}
"""


def answered(backend: Backend, flow_from, messages: list[Any], *steps) -> list[ev.Event]:
    backend.answer("/answer", {"messages": messages})
    return converse(flow_from(FLOW.format(url=backend.url)), *steps)


BUTTONS = {
    "type": "button",
    "config": {
        "title": "How can we help?",
        "buttons": [
            {
                "type": "postback",
                "title": "Billing",
                "payload": {"nextDialogstateId": "billing", "params": [{"key": "customer", "value": "Ann"}]},
            },
            {"type": "web_url", "title": "Docs", "url": "https://docs.chatlayer.ai"},
            {"type": "phone_number", "title": "Call us", "payload": "+32 9 123 45 67"},
        ],
    },
}


def test_next_bot_dialog_button_sets_its_variables_and_goes_to_its_state(backend: Backend, flow_from) -> None:
    """'Buttons', 'Next bot dialog': a next dialog state and key-value combinations."""
    events = answered(backend, flow_from, [BUTTONS], press("Billing"))
    assert entered(events)[-1] == "billing"
    assert of(ev.BotMessage, events)[-1].text == "Billing for Ann"


@pytest.mark.parametrize(("title", "url"), [("Docs", "https://docs.chatlayer.ai"), ("Call us", "tel:+3291234567")])
def test_url_and_call_buttons_are_links_that_say_nothing_to_the_bot(
    backend: Backend, flow_from, title: str, url: str
) -> None:
    """'Buttons', 'URL' and 'Call': the link opens (a Call button's is a `tel:` link, which starts a call on a
    phone); no bot dialog runs and the title is not sent to the bot."""
    events = answered(backend, flow_from, [BUTTONS], press(title))
    (message,) = of(ev.BotMessage, events)
    assert next(b for b in message.buttons if b.title == title).url == url
    assert entered(events) == ["call"], "no bot dialog runs"


@pytest.mark.parametrize("title", ["Docs", "Call us"])
def test_pressing_a_link_only_button_starts_no_turn_and_records_no_user_message(
    backend: Backend, flow_from, title: str
) -> None:
    """bot-answers/dialog-state/message-components.md, 'Call' ("This button will initiate a call") and 'URL': the
    Call button example (`phone_number`, 'Call us') and the URL button only open their link; nothing reaches the
    bot, so the conversation has no turn for the press and no user message with the title."""
    unpressed = [e.kind for e in answered(backend, flow_from, [BUTTONS])]
    events = answered(backend, flow_from, [BUTTONS], press(title))
    assert [e.kind for e in events] == unpressed
    assert [e.input for e in of(ev.TurnStarted, events)] == ["start"]
    assert not of(ev.UserMessage, events)


def test_quick_replies_with_an_icon_and_a_location_reply_left_out(backend: Backend, flow_from) -> None:
    """'Quick replies': payloads, an icon by URL; a 'Location' reply needs a device, so it is left out with a
    warning that says where it was and why."""
    replies = {
        "type": "quickReply",
        "config": {
            "title": "Pick one",
            "quickReplies": [
                {"title": "Billing", "payload": {"nextDialogstateId": "billing"}, "image_url": "https://i/b.png"},
                {"content_type": "location", "title": "Where am I?"},
            ],
        },
    }
    events = answered(backend, flow_from, [replies])
    (message,) = of(ev.BotMessage, events)
    assert message.quick_replies == (ev.ChoiceOut(title="Billing", goto="billing", icon="https://i/b.png"),)
    (warning,) = of(ev.EngineWarning, events)
    assert warning.message.startswith("response messages[0].config.quickReplies[1] left out: a location")


@pytest.mark.parametrize("kind", ["image", "video", "audio", "file"])
def test_media(backend: Backend, flow_from, kind: str) -> None:
    """'Media': images, video, audio and files by URL."""
    events = answered(backend, flow_from, [{"type": "media", "config": {"type": kind, "url": f"https://m/{kind}"}}])
    assert of(ev.BotMessage, events)[0].media == {"type": kind, "url": f"https://m/{kind}"}


def test_a_carousel_share_button_is_left_out_and_the_card_stays(backend: Backend, flow_from) -> None:
    """'Carousel', 'Share button': Facebook Messenger's share dialog has no counterpart here."""
    card = {
        "title": "Ghent",
        "buttons": [{"type": "element_share"}, {"type": "web_url", "title": "Map", "url": "https://m"}],
    }
    events = answered(backend, flow_from, [{"type": "carousel", "config": {"elements": [card]}}])
    (message,) = of(ev.BotMessage, events)
    assert message.cards == (ev.CardOut(title="Ghent", buttons=(ev.ChoiceOut(title="Map", url="https://m"),)),)
    (warning,) = of(ev.EngineWarning, events)
    assert "messages[0].config.elements[0].buttons[0] left out" in warning.message
    assert "share button" in warning.message


def test_a_message_that_cannot_be_shown_is_a_warning_and_the_rest_still_applies(backend: Backend, flow_from) -> None:
    """A message of an unknown type is never shown as it came: it is skipped with a warning naming it, its
    index and why, and the messages after it are shown."""
    events = answered(backend, flow_from, [{"type": "list", "config": {}}, BUTTONS])
    assert [m.type for m in of(ev.BotMessage, events)] == ["buttons"]
    (warning,) = of(ev.EngineWarning, events)
    assert warning.message == (
        'response messages[0] skipped ({"type": "list", "config": {}}): unknown type "list" '
        "(use text, button, quickReply, carousel or media)"
    )
