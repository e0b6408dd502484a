"""integrations/chat-message-structure-for-apis.md (Message types): each example's `message`, sent in the
`messages` of an API response by a backend on 127.0.0.1.

The page says a message has `type` and `config`, then prints every example in the Messenger shape of the
webhook channel (`{senderId, message: {...}}`). The workbench understands both shapes in `messages`; the
tests take each example's `message`. Postback payloads here are opaque identifiers: the workbench cannot know
where such a button leads, so pressing it sends its title as if typed.
"""

from __future__ import annotations

from typing import Any

from workbench.engine import events as ev

from .helpers import Backend, converse, js_value, of, press

FLOW = """
start: call
nlu: {{intents: {{english: [English]}}}}
states:
  call:
    api: {{method: POST, url: "{url}/answer"}}
  english: {{intent: english, say: Typed English}}
"""


def shown(backend: Backend, flow_from, example: str, *steps) -> tuple[list[ev.BotMessage], list[ev.Event]]:
    """The bot messages an API response carrying the example's `message` gives, and all events."""
    message = js_value(f"const request = {example}", "request")["message"]
    backend.answer("/answer", {"messages": [message]})
    events: list[Any] = converse(flow_from(FLOW.format(url=backend.url)), *steps)
    return of(ev.BotMessage, events), events


TEXT = """{
  "senderId": "a7355930-fa92-11e7-8308-2f056e75d1ee",
  "message":  {
    "text": "Hi, I'm a chatbot"
  },
  "messageCounter": 1,
  "verifyToken": "8wMsLZkdDPT64nqh"
}"""


def test_text(backend: Backend, flow_from) -> None:
    """'Text'."""
    (message,), _ = shown(backend, flow_from, TEXT)
    assert (message.type, message.text) == ("text", "Hi, I'm a chatbot")


BUTTON_TEMPLATE = """{
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
            "payload": "437a034cde170b50de1b6a87d1cba104e39b1f6e"
          },
          {
            "type": "postback",
            "title": "English",
            "payload": "a6a318dd6afe997f282b3c7472e038a2e0f4046a"
          },
        ]
      }
    }
  },
  "messageCounter": 1,
  "verifyToken": "8wMsLZkdDPT64nqh"
}"""


def test_button_template_with_opaque_payloads(backend: Backend, flow_from) -> None:
    """'Button Template': two postback buttons whose payloads are opaque identifiers; pressing English sends
    its title, which the flow's NLU matches."""
    messages, _ = shown(backend, flow_from, BUTTON_TEMPLATE, press("English"))
    assert messages[0].text == "Hello, in which language can I help you?"
    assert messages[0].buttons == (ev.ChoiceOut(title="Nederlands"), ev.ChoiceOut(title="English"))
    assert messages[-1].text == "Typed English"


QUICK_REPLIES = """{
  "senderId": "a7355930-fa92-11e7-8308-2f056e75d1ee",
  "message":  {
    "text": "Hello, in which language can I help you?",
    "quick_replies": [
      {
        "content_type": "text",
        "title": "Nederlands",
        "payload": "c3e30be2f30687fea0ae419acaeb9d77261631a9",
        "image_url": "https://domain/logo.png"
      },
      {
        "content_type": "text",
        "title": "English",
        "payload": "2e29412e82c8eea8c8b0c170661070d28929a900",
        "image_url": "https://domain/logo.png"
      },
    ]
  },
  "messageCounter": 1,
  "verifyToken": "8wMsLZkdDPT64nqh"
}"""


def test_quick_replies_with_icons(backend: Backend, flow_from) -> None:
    """'Quick replies': text quick replies, each with an icon (`image_url`)."""
    (message,), _ = shown(backend, flow_from, QUICK_REPLIES)
    assert (message.type, message.text) == ("quick_replies", "Hello, in which language can I help you?")
    assert message.quick_replies == (
        ev.ChoiceOut(title="Nederlands", icon="https://domain/logo.png"),
        ev.ChoiceOut(title="English", icon="https://domain/logo.png"),
    )


GENERIC = """{
  "senderId": "a7355930-fa92-11e7-8308-2f056e75d1ee",
  "message":  {
    "attachment": {
      "type": "template",
      "payload": {
        "template_type": "generic",
        "elements": [
          {
             "title": "Language",
             "subtitle": "Please set your language",
             "image_url": "https://domain/lang.png",
             "item_url": "https://domain/lang",
             "buttons": [
               {
                 "type": "postback",
                 "title": "Nederlands",
                 "payload": "f0512bd2fcddc53963056dc0d63b52b8caa902ff"
               },
               {
                 "type": "postback",
                 "title": "English",
                 "payload": "4562ae76c34a13647fab90425c68a486b8acf356"
               },
            ]
          }
        ]
      }
    }
  },
  "messageCounter": 1,
  "verifyToken": "8wMsLZkdDPT64nqh"
}"""


def test_generic_template_is_a_carousel(backend: Backend, flow_from) -> None:
    """'Generic template': one card with subtitle, image, `item_url` and two buttons."""
    (message,), _ = shown(backend, flow_from, GENERIC)
    assert message.cards == (
        ev.CardOut(
            title="Language",
            subtitle="Please set your language",
            image="https://domain/lang.png",
            url="https://domain/lang",
            buttons=(ev.ChoiceOut(title="Nederlands"), ev.ChoiceOut(title="English")),
        ),
    )


# As printed, a comma is missing after `default_action`'s closing brace, which does not parse; the test adds it.
LIST = """{
  "senderId": "a7355930-fa92-11e7-8308-2f056e75d1ee",
  "message":  {
    "attachment": {
      "type": "template",
      "payload": {
        "template_type": "list",
        "elements": [
          {
             "title": "Language",
             "subtitle": "Select your language",
             "image_url": "https://domain/lang.png",
             "default_action": {
                "type": "web_url",
                "url": "default_url"
              }
             "buttons": [
               {
                 "type": "postback",
                 "title": "Nederlands",
                 "payload": "76601d56d0619ef87552bbfbbfcd714c4fda513b"
               }
            ]
          }
        ],
        "buttons": []
      }
    }
  },
  "messageCounter": 1,
  "verifyToken": "8wMsLZkdDPT64nqh"
}""".replace('"default_url"\n              }\n', '"default_url"\n              },\n')


def test_list_template_is_shown_as_a_carousel(backend: Backend, flow_from) -> None:
    """'List template': the workbench has no vertical list, so its items are carousel cards; the
    `default_action` URL opens from the card."""
    (message,), events = shown(backend, flow_from, LIST)
    assert message.type == "carousel"
    assert message.cards == (
        ev.CardOut(
            title="Language",
            subtitle="Select your language",
            image="https://domain/lang.png",
            url="default_url",
            buttons=(ev.ChoiceOut(title="Nederlands"),),
        ),
    )
    assert not of(ev.EngineWarning, events)


# As printed, a comma is missing after `"type": "image"`, which does not parse; the test adds it.
ATTACHMENT = """{
  "senderId": "a7355930-fa92-11e7-8308-2f056e75d1ee",
  "message":  {
    "attachment": {
      "type": "image"
      "payload": {
        "url": "image_url",
      }
    }
  },
  "messageCounter": 1,
  "verifyToken": "8wMsLZkdDPT64nqh"
}""".replace('"type": "image"\n', '"type": "image",\n')


def test_attachment_is_a_media_message(backend: Backend, flow_from) -> None:
    """'Attachment': an image by URL."""
    (message,), _ = shown(backend, flow_from, ATTACHMENT)
    assert (message.type, message.media) == ("media", {"type": "image", "url": "image_url"})
