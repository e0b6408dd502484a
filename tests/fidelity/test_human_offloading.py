"""integrations/human-offloading-live-chat/README.md ("Human handover & live chat"), run on the engine.

The console provider is a person in the workbench playing the agent; the page's three offloading dialogs are
shown with a real webhook on 127.0.0.1 (the live chat platform) where the platform decides.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation

from .helpers import converse
from .offload_webhook import VERIFY_TOKEN, WebhookServer, running_webhook

FLOW = """
start: welcome
nlu:
  intents:
    human: [I want to speak to a real agent]
    opening_hours: [when are you open]
states:
  welcome: {say: Hi! How can I help?}
  handover:
    intent: human
    offload: PROVIDER
  hours:
    intent: opening_hours
    say: We are open from 9 to 5.
  offloading_opened: {say: Please wait for a couple of minutes while a live agent connects to this chat session.}
  offloading_closed: {say: "Our live chat is closed at night, at lunch and in the weekend."}
  offloading_disabled: {say: Live chat is unavailable because of an incident.}
  not_understood: {say: "Sorry, I did not get that."}
"""


@pytest.fixture
def webhook() -> Iterator[WebhookServer]:
    """The live chat platform's offloading webhook on 127.0.0.1."""
    with running_webhook() as server:
        yield server


def console_flow(flow_from):
    return flow_from(FLOW.replace("PROVIDER", "{provider: console, message: Connecting you to a colleague…}"))


def webhook_flow(flow_from, webhook: WebhookServer):
    return flow_from(
        FLOW.replace("PROVIDER", f'{{provider: webhook, url: "{webhook.url}", verify_token: {VERIFY_TOKEN}}}')
    )


def of(kind, events):
    return [e for e in events if isinstance(e, kind)]


def bot_texts(events):
    return [e.text for e in of(ev.BotMessage, events)]


def agent_says(text: str):
    async def step(conversation: Conversation) -> None:
        await conversation.agent_reply(text)

    return step


def test_reaching_send_to_offload_provider_makes_the_user_offloaded_and_opens_offloading_opened(flow_from):
    """Page: "When is a user handed over" — "When that plugin is reached, the user status will change to
    'Offloaded'"; "Offloading opened: temporary waiting message that is displayed once the user has reached
    the 'offloaded' state"."""
    events = converse(console_flow(flow_from), "I want to speak to a real agent")
    assert of(ev.Offloaded, events)[0].provider == "console"
    assert bot_texts(events)[-2:] == [
        "Connecting you to a colleague…",
        "Please wait for a couple of minutes while a live agent connects to this chat session.",
    ]
    assert [e.state for e in of(ev.StateEntered, events)][-1] == "offloading_opened"


def test_the_bot_stays_active_until_a_live_agent_takes_over(flow_from):
    """Page: "As long as a live agent has not taken over the chat session, the bot will remain active so the
    user can ask other questions and keep interacting with the bot." Once the agent speaks, the bot is put on
    hold: the user's messages go to the agent only."""
    events = converse(
        console_flow(flow_from),
        "I want to speak to a real agent",
        "when are you open",
        agent_says("Hi, Bob here. How can I help?"),
        "when are you open",
    )
    assert bot_texts(events)[-1] == "We are open from 9 to 5.", "answered before the agent took over"
    assert bot_texts(events).count("We are open from 9 to 5.") == 1, "not after"
    assert [e.text for e in of(ev.UserToAgent, events)] == ["when are you open"]
    assert [e.text for e in of(ev.AgentMessage, events)] == ["Hi, Bob here. How can I help?"]


def test_the_live_agent_gets_the_transcript_of_the_chat_session(flow_from):
    """Page: "The live agent will have a full transcript of the chat session with the user available"
    (best practice: "Make sure the agent can see the last messages sent between bot and customer")."""
    events = converse(console_flow(flow_from), "when are you open", "I want to speak to a real agent")
    transcript = of(ev.Offloaded, events)[0].transcript
    assert [(item["actor"], item["message"]["text"]) for item in transcript] == [
        ("bot", "Hi! How can I help?"),
        ("user", "when are you open"),
        ("bot", "We are open from 9 to 5."),
    ]


def test_handing_back_puts_the_bot_back_where_the_conversation_was(flow_from):
    """Page: "Chatlayer controls the channels" — the agent takes over and "the bot is put on hold"; when the
    agent hands back, the bot answers again. No offloading dialog runs: those are for reaching the
    'offloaded' state (see the three below)."""

    async def hand_back(conversation: Conversation) -> None:
        await conversation.hand_back()

    events = converse(
        console_flow(flow_from),
        "I want to speak to a real agent",
        agent_says("Anything else?"),
        hand_back,
        "when are you open",
    )
    assert "Our live chat is closed at night, at lunch and in the weekend." not in bot_texts(events)
    assert bot_texts(events)[-1] == "We are open from 9 to 5."
    assert not of(ev.UserToAgent, events)


def test_offloading_closed_when_the_live_chat_is_not_open(flow_from, webhook):
    """Page: "Offloading closed: message to be displayed when a user reaches the 'offloaded' state but the
    live chat is not open" — the platform says so by answering the offload with `offloadSuccess: false`."""
    webhook.offload = (200, {"offloadSuccess": False})
    events = converse(webhook_flow(flow_from, webhook), "I want to speak to a real agent", "when are you open")
    assert bot_texts(events)[-2:] == [
        "Our live chat is closed at night, at lunch and in the weekend.",
        "We are open from 9 to 5.",
    ]
    assert not of(ev.Offloaded, events)


def test_offloading_disabled_when_offloading_is_not_available(flow_from, webhook):
    """Page: "Offloading disabled: human offloading can temporarily be disabled, e.g. due to [...] an incident
    within the contact center" — here the platform's webhook fails its health check."""
    webhook.health = (503, {"status": "down"})
    events = converse(webhook_flow(flow_from, webhook), "I want to speak to a real agent")
    assert bot_texts(events)[-1] == "Live chat is unavailable because of an incident."
    assert not of(ev.Offloaded, events)


def test_live_chat_platform_controls_the_channels_the_platform_stops_the_bot(flow_from, webhook):
    """Page: "Live chat platform controls the channels" — "When a conversation is handed over, Chatlayer
    notifies the live chat platform. When an agent takes over the conversation, the live chat platform stops
    sending messages to Chatlayer": the webhook's `pauseBot: true` puts the bot on hold at once."""
    events = converse(webhook_flow(flow_from, webhook), "I want to speak to a real agent", "when are you open")
    assert [body["event"] for body in webhook.posts()].count("offload") == 1
    assert (
        bot_texts(events)[-1] == "Please wait for a couple of minutes while a live agent connects to this chat session."
    )
    assert [e.text for e in of(ev.UserToAgent, events)] == ["when are you open"]
