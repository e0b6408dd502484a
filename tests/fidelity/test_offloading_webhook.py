# The page's payload strings are long one-line JSON, kept as printed:
# ruff: noqa: E501
"""integrations/human-offloading-live-chat/offloading-webhook.md, its examples run against a real webhook.

Each documented payload is printed here as the page prints it (only its ids and times differ from a real run:
the test compares those by shape). `documented ⊆ sent` means every field the page shows is sent, with the value
the page shows; the workbench adds the documented parameters the examples leave out (`channel`, `payload`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation

from .helpers import converse, of, press, said
from .offload_webhook import VERIFY_TOKEN, WebhookServer, running_webhook

ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
VARYING = {"botId", "sessionId", "timestamp", "id", "nextDialogstateId", "channelType"}
"""Fields whose value belongs to one bot, channel and run; they are compared by shape."""
PROFILE = {"preferredLanguage", "firstname"}
"""What a channel knows of the user; the workbench's user has no profile."""

# The bot of the page's examples: quick replies, then a button template whose `offload` button offloads.
EXAMPLE_FLOW = """
name: ko3123ze
start: welcome
states:
  welcome:
    say:
      - Hi Welcome
      - text: Choose what you want to do?
        quick_replies:
          - {title: Do API FROM CODE, goto: api_from_code}
          - {title: Api Plugin, goto: api_plugin}
          - {title: carousel, goto: carousel}
          - {title: first options, goto: first_options}
  first_options:
    say:
      - text: What do you want to do?
        buttons:
          - {title: Set Variables, goto: set_variables}
          - {title: offload, goto: handover}
  set_variables: {say: Variables set}
  api_from_code: {say: API from code}
  api_plugin: {say: API plugin}
  carousel:
    say:
      - carousel:
          - title: Item 1
            image: https://st.depositphotos.com/1708346/1858/i/600/depositphotos_18582903-stock-photo-carousel-at-night.jpg
            buttons: [{title: Docs, url: "https://docs.chatlayer.ai"}]
          - title: Item 2
            subtitle: Item 2 Subtitle
            image: https://st.depositphotos.com/1708346/1858/i/600/depositphotos_18582903-stock-photo-carousel-at-night.jpg
            buttons: [{title: Docs, url: "https://docs.chatlayer.ai"}]
  handover:
    offload: {provider: webhook, url: "WEBHOOK", verify_token: TOKEN, message: Connecting you…}
  offloading_opened: {say: Please wait for a couple of minutes while a live agent connects to this chat session.}
  offloading_closed: {say: Our live chat is closed right now.}
  offloading_disabled: {say: Live chat is not available.}
  not_understood: {say: Sorry?}
"""


# The welcome state's second message, as both the quick reply example and the offload transcript print it.
CHOOSE_MESSAGE = {
    "text": "Choose what you want to do?",
    "quick_replies": [
        {
            "title": "Do API FROM CODE",
            "payload": '{"title":"Do API FROM CODE","caption":"Do API FROM CODE","type":"quickreply","parameters":[],"nextDialogstateId":"19f87132-e23c-4335-877d-6a36f511c2cc","originalTitle":"Do API FROM CODE"}',
            "content_type": "text",
        },
        {
            "title": "Api Plugin",
            "payload": '{"title":"Api Plugin","caption":"Api Plugin","type":"quickreply","parameters":[],"nextDialogstateId":"e0b327e0-bfa0-42a7-9685-c68491625b6e","originalTitle":"Api Plugin"}',
            "content_type": "text",
        },
        {
            "title": "carousel",
            "payload": '{"title":"carousel","caption":"carousel","type":"quickreply","parameters":[],"nextDialogstateId":"0844670c-ee9f-43eb-9102-f50321cb4921","originalTitle":"carousel"}',
            "content_type": "text",
        },
        {
            "title": "first options",
            "payload": '{"title":"first options","caption":"first options","type":"quickreply","parameters":[],"nextDialogstateId":"13fc7f3e-80e5-45b8-862b-d2ff436eae0e","originalTitle":"first options"}',
            "content_type": "text",
        },
    ],
}


@pytest.fixture
def webhook() -> Iterator[WebhookServer]:
    """The live chat platform's webhook on 127.0.0.1."""
    with running_webhook() as server:
        yield server


@pytest.fixture
def example_flow(flow_from, webhook):
    """The page's example bot, offloading to `webhook`."""
    return flow_from(EXAMPLE_FLOW.replace("WEBHOOK", webhook.url).replace("TOKEN", VERIFY_TOKEN))


def assert_documented(documented: Any, sent: Any, where: str = "body") -> None:
    """Every field of `documented` is in `sent` with the documented value (ids and times: the same shape)."""
    if isinstance(documented, dict):
        assert isinstance(sent, dict), f"{where}: {sent!r} is not an object"
        for key, value in documented.items():
            if key in PROFILE:
                continue
            assert key in sent, f"{where}.{key} is missing from {sorted(sent)}"
            if key in VARYING and isinstance(value, str):
                assert isinstance(sent[key], str) and sent[key], f"{where}.{key}: {sent[key]!r}"
                if key == "timestamp":
                    assert ISO_TIME.match(sent[key]), f"{where}.timestamp {sent[key]!r} is not like {value!r}"
            elif key == "payload" and isinstance(value, str):
                assert_documented(json.loads(value), json.loads(sent[key]), f"{where}.payload")
            else:
                assert_documented(value, sent[key], f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(sent, list) and len(sent) == len(documented), f"{where}: {sent!r}"
        for i, (d, s) in enumerate(zip(documented, sent, strict=True)):
            assert_documented(d, s, f"{where}[{i}]")
    else:
        assert sent == documented, f"{where}: {sent!r} instead of {documented!r}"


def test_the_health_check_is_a_get_with_the_verify_token_answered_status_ok(example_flow, webhook):
    """Page: "API Health Check" — GET <your_api_url> with the query parameter challenge.verifyToken; the
    response `{ "status": "ok" }`. It comes before any POST, once per conversation."""
    converse(example_flow, press("first options"))
    requests = webhook.requests()
    assert requests[0].method == "GET"
    assert requests[0].query == {"challenge.verifyToken": [VERIFY_TOKEN]}
    assert [r.method for r in requests].count("GET") == 1
    assert all(r.query == {"challenge.verifyToken": [VERIFY_TOKEN]} for r in requests), "every request has it"


def test_text_bot_message_example(flow_from, webhook):
    """Page: "Messages", the "Text Bot Message example"."""
    documented = {
        "botId": "ko3123ze",
        "version": "DRAFT",
        "sessionId": "emulator-18878e66-03fb-4ee7-b2c4-eb9db1848291",
        "event": "messages",
        "messages": [{"actor": "bot", "message": {"text": "Hi Welcome"}, "timestamp": "2021-11-15T07:38:31.387Z"}],
        "timestamp": "2021-11-15T07:38:31.387Z",
    }
    flow = flow_from(
        f"""
        name: ko3123ze
        start: welcome
        states:
          welcome: {{say: Hi Welcome}}
          handover: {{offload: {{provider: webhook, url: "{webhook.url}", verify_token: {VERIFY_TOKEN}}}}}
        """
    )
    converse(flow)
    sent = webhook.posts("messages")
    assert [m["actor"] for m in sent[0]["messages"]] == ["user"], "the intro comes first"
    assert_documented(documented, sent[1])
    assert sent[1]["channel"] == "web"


def test_quick_reply_bot_message_example(example_flow, webhook):
    """Page: "Messages", the "Quick reply Bot Message example": the bot's messages of one turn in one event,
    each quick reply's payload the JSON string Chatlayer writes (its nextDialogstateId is the state's name)."""
    documented = {
        "botId": "ko3123ze",
        "version": "DRAFT",
        "sessionId": "emulator-d3dac415-5263-482c-a30b-d1588c52d918",
        "event": "messages",
        "messages": [
            {"actor": "bot", "message": {"text": "Hi Welcome"}, "timestamp": "2021-11-15T07:47:08.383Z"},
            {
                "actor": "bot",
                "message": CHOOSE_MESSAGE,
                "timestamp": "2021-11-15T07:47:08.384Z",
            },
        ],
        "timestamp": "2021-11-15T07:47:08.383Z",
    }
    converse(example_flow)
    bot_messages = webhook.posts("messages")[1]
    assert_documented(documented, bot_messages)
    payload = json.loads(bot_messages["messages"][1]["message"]["quick_replies"][3]["payload"])
    assert payload["nextDialogstateId"] == "first_options"


def test_carousel_generic_template_message_example(example_flow, webhook):
    """Page: "Messages", the "carousel / Generic template message" (without `default_action`: a flow's
    carousel card has no link of its own)."""
    image = "https://st.depositphotos.com/1708346/1858/i/600/depositphotos_18582903-stock-photo-carousel-at-night.jpg"
    documented = {
        "botId": "ko3123ze",
        "version": "DRAFT",
        "sessionId": "emulator-39ac2f23-07ce-4878-bd7d-729e6b39efdf",
        "event": "messages",
        "messages": [
            {
                "actor": "bot",
                "message": {
                    "attachment": {
                        "type": "template",
                        "payload": {
                            "template_type": "generic",
                            "elements": [
                                {
                                    "title": "Item 1",
                                    "image_url": image,
                                    "buttons": [
                                        {"title": "Docs", "url": "https://docs.chatlayer.ai", "type": "web_url"}
                                    ],
                                },
                                {
                                    "title": "Item 2",
                                    "image_url": image,
                                    "subtitle": "Item 2 Subtitle",
                                    "buttons": [
                                        {"title": "Docs", "url": "https://docs.chatlayer.ai", "type": "web_url"}
                                    ],
                                },
                            ],
                        },
                    }
                },
                "timestamp": "2021-11-15T08:24:32.871Z",
            }
        ],
        "timestamp": "2021-11-15T08:24:32.871Z",
    }
    converse(example_flow, press("carousel"))
    assert_documented(documented, webhook.posts("messages")[-1])


def test_user_message_intro_example(example_flow, webhook):
    """Page: "UserMessage examples", "Intro": the conversation's first message, when the widget opens."""
    documented = {
        "botId": "ko3123ze",
        "version": "DRAFT",
        "sessionId": "emulator-942c05c5-b9b7-4319-81e7-6d687afaa23f",
        "event": "messages",
        "messages": [
            {
                "actor": "user",
                "message": {
                    "channelType": "web",
                    "sender": {
                        "id": "emulator-942c05c5-b9b7-4319-81e7-6d687afaa23f",
                        "botId": "ko3123ze",
                        "botType": "web",
                        "preferredLanguage": "en",
                        "firstname": "Guest",
                        "isEmulator": "true",
                    },
                    "timestamp": "2021-11-15T08:28:05.872Z",
                    "messageType": "intro",
                    "id": "61921a15cdee7f37a16ee5fc",
                },
                "timestamp": "2021-11-15T08:28:05.872Z",
            }
        ],
        "timestamp": "2021-11-15T08:28:05.908Z",
    }
    converse(example_flow)
    intro = webhook.posts("messages")[0]
    assert_documented(documented, intro)
    assert intro["messages"][0]["message"]["sender"]["id"] == intro["sessionId"]


def test_user_message_text_example(example_flow, webhook):
    """Page: "UserMessage examples", "Text": typed text, in an event of its own."""
    documented = {
        "botId": "ko3123ze",
        "version": "DRAFT",
        "sessionId": "emulator-8f5873aa-8fee-471a-9467-81e30dec693d",
        "event": "messages",
        "messages": [
            {
                "actor": "user",
                "message": {
                    "channelType": "web",
                    "sender": {
                        "id": "emulator-8f5873aa-8fee-471a-9467-81e30dec693d",
                        "botId": "ko3123ze",
                        "botType": "web",
                        "isEmulator": "true",
                    },
                    "timestamp": "2021-11-15T08:26:13.154Z",
                    "messageType": "text",
                    "text": "hi there",
                    "id": "619219a5cdee7f9f1b6ee5f7",
                },
                "timestamp": "2021-11-15T08:26:13.154Z",
            }
        ],
        "timestamp": "2021-11-15T08:26:13.193Z",
    }
    converse(example_flow, "hi there")
    posts = webhook.posts("messages")
    assert_documented(documented, posts[2])
    assert [m["message"]["text"] for m in posts[3]["messages"]] == ["Sorry?"], "then the bot's answer"


def test_user_message_postback_example(example_flow, webhook):
    """Page: "UserMessage examples", "Postback": a button pressed."""
    documented = {
        "botId": "ko3123ze",
        "version": "DRAFT",
        "sessionId": "emulator-6d09d652-a971-47ab-8484-223a86ff316e",
        "event": "messages",
        "messages": [
            {
                "actor": "user",
                "message": {
                    "channelType": "web",
                    "sender": {
                        "id": "emulator-6d09d652-a971-47ab-8484-223a86ff316e",
                        "botId": "ko3123ze",
                        "botType": "web",
                        "isEmulator": "true",
                    },
                    "timestamp": "2021-11-15T08:33:39.276Z",
                    "messageType": "postback",
                    "title": "Set Variables",
                    "parameters": [],
                    "nextDialogstateId": "071abbc7-1d6e-4689-adef-1ea825178a72",
                    "id": "61921b63cdee7f21ab6ee621",
                },
                "timestamp": "2021-11-15T08:33:39.276Z",
            }
        ],
        "timestamp": "2021-11-15T08:33:39.309Z",
    }
    converse(example_flow, press("first options"), press("Set Variables"))
    postback = webhook.posts("messages")[-2]
    assert_documented(documented, postback)
    assert postback["messages"][0]["message"]["nextDialogstateId"] == "set_variables"


def test_offload_example_carries_the_transcript(example_flow, webhook):
    """Page: "Offload", the example offload request: the transcript holds the conversation up to the bot's
    last answer (the press that led to the offload arrives just before it, as a `messages` event)."""
    documented = {
        "botId": "ko3123ze",
        "version": "DRAFT",
        "sessionId": "emulator-714a7b79-d674-4a62-a9a9-49581d7451e5",
        "timestamp": "2021-11-15T08:36:21.527Z",
        "event": "offload",
        "transcript": [
            {"actor": "bot", "message": {"text": "Hi Welcome"}, "timestamp": "2021-11-15T08:36:11.991Z"},
            {
                "actor": "bot",
                "message": CHOOSE_MESSAGE,
                "timestamp": "2021-11-15T08:36:11.992Z",
            },
            {
                "actor": "user",
                "message": {
                    "parameters": [],
                    "text": "first options",
                    "messageType": "postback",
                    "title": "first options",
                    "nextDialogstateId": "13fc7f3e-80e5-45b8-862b-d2ff436eae0e",
                    "channelType": "emulator",
                    "sender": {"id": "emulator-714a7b79-d674-4a62-a9a9-49581d7451e5", "botId": "ko3123ze"},
                },
                "timestamp": "2021-11-15T08:36:15.009Z",
            },
            {
                "actor": "bot",
                "message": {
                    "attachment": {
                        "type": "template",
                        "payload": {
                            "template_type": "button",
                            "text": "What do you want to do?",
                            "buttons": [
                                {
                                    "title": "Set Variables",
                                    "type": "postback",
                                    "payload": '{"title":"Set Variables","caption":"Set Variables","type":"button","originalTitle":"Set Variables","nextDialogstateId":"071abbc7-1d6e-4689-adef-1ea825178a72","parameters":[]}',
                                },
                                {
                                    "title": "offload",
                                    "type": "postback",
                                    "payload": '{"title":"offload","caption":"offload","type":"button","originalTitle":"offload","nextDialogstateId":"408c102e-7215-48f8-a76c-5a45d70dcd9d","parameters":[]}',
                                },
                            ],
                        },
                    }
                },
                "timestamp": "2021-11-15T08:36:15.010Z",
            },
        ],
    }
    converse(example_flow, press("first options"), press("offload"))
    posts = webhook.posts()
    offload = next(i for i, body in enumerate(posts) if body["event"] == "offload")
    assert_documented(documented, posts[offload])
    assert posts[offload]["payload"] == {}, "no payload is configured"
    just_before = posts[offload - 1]["messages"]
    assert [(m["actor"], m["message"]["title"]) for m in just_before] == [("user", "offload")]


def test_offload_success_with_pause_bot_pauses_the_bot(example_flow, webhook):
    """Page: "Offload", the response `{"offloadSuccess": true, "pauseBot": true}`: offloaded, the bot paused;
    the user's messages still reach the webhook as `messages` events, and the bot does not answer them."""
    events = converse(example_flow, press("first options"), press("offload"), "are you there?")
    assert said(events)[-2:] == [
        "Connecting you…",
        "Please wait for a couple of minutes while a live agent connects to this chat session.",
    ]
    assert [e.text for e in of(ev.UserToAgent, events)] == ["are you there?"]
    last = webhook.posts("messages")[-1]["messages"]
    assert [(m["actor"], m["message"]["text"]) for m in last] == [("user", "are you there?")]


def test_offload_success_without_pause_bot_keeps_the_bot_active_until_an_agent_speaks(example_flow, webhook):
    """Page: "Offload" response with `pauseBot: false`, and the FAQ: messages keep coming "so you can takeover
    the conversation if need be"; "Sending messages as an agent" (the conversation actions API, here
    `agent_reply`) takes it over. The agent's own message is not sent back to the webhook."""
    webhook.offload = (200, {"offloadSuccess": True, "pauseBot": False})

    async def agent(conversation: Conversation) -> None:
        await conversation.agent_reply("Hi, I am Bob from support")

    events = converse(example_flow, press("first options"), press("offload"), "hello?", agent, "thanks Bob")
    assert said(events)[-1] == "Sorry?", "the bot answered 'hello?'"
    assert [e.text for e in of(ev.UserToAgent, events)] == ["thanks Bob"]
    sent = [m["message"].get("text") for body in webhook.posts("messages") for m in body["messages"]]
    assert sent[-3:] == ["hello?", "Sorry?", "thanks Bob"]
    assert "Hi, I am Bob from support" not in sent


def test_offload_success_false_is_a_failed_offload(example_flow, webhook):
    """Page: "Offload" — only `offloadSuccess: true` is a successful offload; `false` leaves the user with the
    bot, in the flow's offloading_closed dialog (README page: the live chat is not open)."""
    webhook.offload = (200, {"offloadSuccess": False})
    events = converse(example_flow, press("first options"), press("offload"), "hello?")
    texts = said(events)
    assert texts[-2:] == ["Our live chat is closed right now.", "Sorry?"]
    assert not of(ev.Offloaded, events)
    assert "offloadSuccess: false" in of(ev.EngineWarning, events)[0].message


def test_a_reply_other_than_the_documented_one_is_an_error(example_flow, webhook):
    """Page: "Offload" — "For successful offloading, we expect following response"; a reply without
    `offloadSuccess` is the webhook's error, reported in JSON's terms, and the error route runs."""
    webhook.offload = (200, {"status": "ok"})
    events = converse(example_flow, press("first options"), press("offload"))
    error = of(ev.EngineError, events)[0]
    assert error.message.endswith(
        'answered {"status": "ok"} to the offload; expected {"offloadSuccess": true, "pauseBot": true} '
        'or {"offloadSuccess": false}'
    )
    assert said(events)[-1] == "Sorry, something went wrong."


def test_a_webhook_that_fails_its_health_check_is_not_used(example_flow, webhook):
    """Page: "Configuration" — the health check validates "whether your webservice is alive and ready"; a
    webhook that fails it is not used (no POSTs), and offloading runs offloading_disabled."""
    webhook.health = (403, {"error": "wrong token"})
    events = converse(example_flow, "hello", press("first options"), press("offload"))
    assert webhook.posts() == []
    assert [r.method for r in webhook.requests()] == ["GET"]
    assert said(events)[-1] == "Live chat is not available."
    assert of(ev.EngineError, events)[0].message.endswith("failed its health check: status 403")
