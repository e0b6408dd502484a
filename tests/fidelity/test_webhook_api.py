"""chatlayer-api/webhook-api.md (Webhook Channel API, deprecated): the message shapes it prints, given to an
API action by a backend on 127.0.0.1.

The workbench has no webhook channel and no `/api/webview` endpoint. The asynchronous action's body has the
API plugin response's shape (`session`, `action`, `messages`), so an API action answered with it does what the
page says that request does; its `botId` and `senderId` are ignored. The bot messages the page lists (the
history rows, the message objects) are Messenger-shaped, and are understood in `messages` as well.
"""

from __future__ import annotations

import re
from typing import Any

from workbench.engine import events as ev

from .helpers import Backend, converse, entered, js_value, of, press, said

FLOW = """
start: call
states:
  call:
    api: {{method: POST, url: "{url}/answer"}}
    next: not_jumped
  not_jumped: {{say: not jumped}}
  "12345": {{say: "Jumped; example is {{options.example}}"}}
  "3050": {{say: "Language: {{userLangSelected}}"}}
"""


def answer_with(backend: Backend, flow_from, body: Any, *steps) -> list[ev.Event]:
    backend.answer("/answer", body)
    return converse(flow_from(FLOW.format(url=backend.url)), *steps)


ASYNC_TEXT = """{
    "botId": "1234",
    "senderId": "the senderId of the conversation to act on",
    "session": {
        "namespace": "options",
        "data": {
            "example": true
        }
    },
    "action": {
        "nextDialogstate": "12345"
    },
    "messages": [
        {
            "type": "text",
            "config": {
                "textMessages": [ {"text": "This is a sample text message." } ]
            }
        }
    ]
}"""


def test_the_asynchronous_action_example_request(backend: Backend, flow_from) -> None:
    """'Asynchronous actions', 'Example request': session, the text message (`textMessages` of objects),
    then the jump."""
    events = answer_with(backend, flow_from, js_value(f"const body = {ASYNC_TEXT}", "body"))
    assert said(events) == ["This is a sample text message.", "Jumped; example is true"]
    assert entered(events) == ["call", "12345"]
    assert not of(ev.EngineWarning, events)


ASYNC_CAROUSEL = """{
    "botId": "1234",
    "senderId": "the senderId of the conversation to act on",
    "session": {
        "namespace": "options",
        "data": {
            "example": true
        }
    },
    "action": {
        "nextDialogstate": "12345"
    },
    "messages": [
        {
            "type": "carousel",
            "config": {
                "elements": [
                    {
                        "imageUrl": "https://www.chatlayer.ai/image.jpg",
                        "subTitle": "subtitle",
                        "title": "title",
                        "webUrl": "https://www.chatlayer.ai",
                        "buttons": [
                            {
                                "type": "web_url",
                                "title": "url button test",
                                "url": "https://www.chatlayer.ai"
                            }
                        ]
                    }
                ]
            }
        }
    ]
}"""


def test_the_asynchronous_action_example_request_with_a_carousel(backend: Backend, flow_from) -> None:
    """'Example request with a carousel': `config.elements` with `subTitle`, `imageUrl`, `webUrl`."""
    events = answer_with(backend, flow_from, js_value(f"const body = {ASYNC_CAROUSEL}", "body"))
    (carousel,) = [m for m in of(ev.BotMessage, events) if m.type == "carousel"]
    assert carousel.cards == (
        ev.CardOut(
            title="title",
            subtitle="subtitle",
            image="https://www.chatlayer.ai/image.jpg",
            url="https://www.chatlayer.ai",
            buttons=(ev.ChoiceOut(title="url button test", url="https://www.chatlayer.ai"),),
        ),
    )


HISTORY = r"""{
    "rows": [
        {
            "isIntro": false,
            "message": {
                "attachment": {
                    "type": "template",
                    "payload": {
                        "template_type": "button",
                        "text": "button text",
                        "buttons": [
                            {
                                "title": "go to button title",
                                "type": "postback",
                                "payload": "{\"title\":\"go to button title\",\"caption\":\"go to button title\",\"type\":\"button\",\"originalTitle\":\"go to button title\",\"nextDialogstateId\":\"eedeb3df-ffff-46c0-836f-b8534ge4c42b1\",\"parameters\":[{\"order\":0,\"key\":\"location\",\"value\":\"meulebeke\",\"__typename\":\"Parameter\"}]}"
                            },
                            {
                                "title": "URL button",
                                "url": "https://www.google.com",
                                "type": "web_url"
                            },
                            {
                                "title": "tel",
                                "type": "phone_number",
                                "payload": "+32 477 99 00 22"
                            }
                        ]
                    }
                }
            },
            "id": "5ddfffd8888c7bf11ebsss14",
            "actor": "bot",
            "createdAt": "2019-11-21T16:48:20.465Z"
        },
        {
            "isIntro": false,
            "message": {
                "text": "quick reply text",
                "quick_replies": [
                    {
                        "title": "go to button",
                        "payload": "{\"title\":\"go to button\",\"caption\":\"go to button\",\"type\":\"quickreply\",\"parameters\":[],\"nextDialogstateId\":\"e38fl4df-kkb1-46c0-836f-b8ffff4c42b1\",\"originalTitle\":\"go to button\"}",
                        "content_type": "text"
                    }
                ]
            },
            "id": "5dd64448988888811eb21a15",
            "actor": "bot",
            "createdAt": "2019-11-21T16:48:20.466Z"
        },
        {
            "isIntro": false,
            "message": {
                "attachment": {
                    "type": "template",
                    "payload": {
                        "template_type": "generic",
                        "elements": [
                            {
                                "title": "title",
                                "image_url": "https://www.chatlayer.ai/image.jpg",
                                "subtitle": "subtitle",
                                "buttons": [
                                    {
                                        "title": "url button test",
                                        "url": "https://www.chatlayer.ai",
                                        "type": "web_url"
                                    }
                                ],
                                "default_action": {
                                    "url": "https://www.chatlayer.ai",
                                    "type": "web_url"
                                }
                            }
                        ]
                    }
                }
            },
            "id": "5dd6kkkkbac7b4444b213kj",
            "actor": "bot",
            "createdAt": "2019-11-21T16:48:20.467Z"
        },
        {
            "isIntro": false,
            "message": {
                "attachment": {
                    "type": "image",
                    "payload": {
                        "is_reusable": false,
                        "url": "https://images.pexels.com/photos/67636/rose-blue-flower-rose-blooms-67636.jpeg?auto=compress&cs=tinysrgb&dpr=1&w=500"
                    }
                }
            },
            "id": "5dd6b2229bac74444eb21a17",
            "actor": "bot",
            "createdAt": "2019-11-21T16:48:20.468Z"
        },
        {
            "isIntro": false,
            "message": {
                "text": "ok test123"
            },
            "id": "5dd6bfd89b23456111b21a18",
            "actor": "bot",
            "createdAt": "2019-11-21T16:48:20.469Z"
        }
    ],
    "count": 5
}"""  # noqa: E501 (as printed)


def test_the_bot_messages_of_get_messages_by_sender_id(backend: Backend, flow_from) -> None:
    """'Get Messages by senderId': the five bot messages of the 200 example, as `messages` of a response:
    a button template (postback with `parameters`, URL, and a Call button with a spaced number), quick
    replies, a generic template with a default action, an image and a text."""
    rows = js_value(f"const history = {HISTORY}", "history")["rows"]
    events = answer_with(backend, flow_from, {"messages": [row["message"] for row in rows]})
    buttons, quick, carousel, image, text = of(ev.BotMessage, events)[:5]
    assert buttons.text == "button text"
    assert buttons.buttons == (
        ev.ChoiceOut(
            title="go to button title", goto="eedeb3df-ffff-46c0-836f-b8534ge4c42b1", params={"location": "meulebeke"}
        ),
        ev.ChoiceOut(title="URL button", url="https://www.google.com"),
        ev.ChoiceOut(title="tel", url="tel:+32477990022"),
    )
    assert quick.quick_replies == (ev.ChoiceOut(title="go to button", goto="e38fl4df-kkb1-46c0-836f-b8ffff4c42b1"),)
    assert carousel.cards[0].url == "https://www.chatlayer.ai" and carousel.cards[0].subtitle == "subtitle"
    assert image.media is not None and image.media["type"] == "image"
    assert text.text == "ok test123"
    assert not of(ev.EngineWarning, events)


# The page breaks each payload string over two lines, which neither JSON nor JavaScript allows inside a string;
# `joined` puts each back on one line. Everything else is as printed (the trailing commas too).
BUTTON_TEMPLATE = r"""{
  "senderId": "a7355930-fa92-11e7-8308-2f056e75d1ee",
  "message":  {
    "attachment": {
      "type": "template",
      "payload": {
        "template_type": "button",
        "text": "Hello, in which language can I help you?",
        "buttons": [
          {
            "type": "postback",
            "title": "Nederlands",
            "payload": "{\"params\": [{\"key\": \"userLangSelected\", \"value\": 
                       \"nl-nl\"}], \"nextDialogstateId\": 3050, \"type\": \"button\", 
                       \"caption\": \"Nederlands\"}"
          },
          {
            "type": "postback",
            "title": "English",
            "payload": "{\"params\": [{\"key\": \"userLangSelected\", \"value\": 
                       \"en-us\"}], \"nextDialogstateId\": 3050, \"type\": \"button\", 
                       \"caption\": \"English\"}"
          },
        ]
      }
    }
  },
  "messageCounter": 1,
  "verifyToken": "8wMsLZkdDPT64nqh"
}"""  # noqa: W291 (as printed)


def joined(example: str) -> str:
    """The example with the line breaks inside its payload strings removed (each follows a trailing space)."""
    return re.sub(r" \n\s+", " ", example)


def test_a_button_template_with_json_payloads(backend: Backend, flow_from) -> None:
    """'Message objects', 'Button Template': each postback payload is a JSON string with `params` and a
    numeric `nextDialogstateId`; pressing English stores the language and goes to state "3050"."""
    message = js_value(f"const request = {joined(BUTTON_TEMPLATE)}", "request")["message"]
    events = answer_with(backend, flow_from, {"messages": [message]}, press("English"))
    (buttons,) = [m for m in of(ev.BotMessage, events) if m.type == "buttons"]
    assert buttons.text == "Hello, in which language can I help you?"
    assert [(b.title, b.goto, b.params) for b in buttons.buttons] == [
        ("Nederlands", "3050", {"userLangSelected": "nl-nl"}),
        ("English", "3050", {"userLangSelected": "en-us"}),
    ]
    assert said(events)[-1] == "Language: en-us"
