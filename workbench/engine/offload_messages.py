"""The conversation as Chatlayer's offloading webhook shows it: `{actor, message, timestamp}` items.

integrations/human-offloading-live-chat/offloading-webhook.md: the `messages` event and the `offload` event's
`transcript` carry the same items. A bot message is a Webhook Channel API message object
(integrations/chat-message-structure-for-apis.md): `{text}`, `{text, quick_replies}`, `{attachment: {type:
template, payload: {template_type: button | generic}}}` or `{attachment: {type: image, payload: {url}}}`. A user
message is `{channelType, sender, timestamp, messageType, id}` plus `text` for `text`, or `title`,
`parameters` and `nextDialogstateId` for a `postback` (a button or quick reply pressed); a conversation's
start is an `intro`. A button's or quick reply's `payload` is the JSON string Chatlayer writes.

The workbench plays Chatlayer's emulator in the web widget: `channelType` and `botType` are `web`, the
sender `isEmulator`, the bot is the flow (its name is the `botId`), the session id is the conversation's id;
the user has no profile (`firstname`, `preferredLanguage`). A human agent's message is an outgoing
message the user saw, so the transcript lists it as `actor: bot`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from workbench.engine import events as ev

CHANNEL = "web"
VERSION = "DRAFT"

Item = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Bot:
    """Who the webhook hears from: the bot (the flow) and the user's session."""

    bot_id: str
    session_id: str

    def envelope(self, event: str, at: float) -> dict[str, Any]:
        """The fields every webhook POST body starts with."""
        return {
            "botId": self.bot_id,
            "version": VERSION,
            "sessionId": self.session_id,
            "channel": CHANNEL,
            "event": event,
            "timestamp": timestamp(at),
        }


def timestamp(at: float) -> str:
    """A wall-clock time as Chatlayer writes it: `2021-11-15T07:38:31.387Z`."""
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def items(bot: Bot, history: Iterable[ev.Event], *, transcript: bool) -> Iterator[tuple[int, Item]]:
    """Every message of `history` as an item, with its index in the log. The `messages` events
    (`transcript` false) begin with the `intro` and leave out the agent's messages (the live chat platform
    sent those itself); the page's offload example has a transcript without the intro."""
    for index, event in enumerate(history):
        item = _item(bot, index, event, transcript=transcript)
        if item is not None:
            yield index, item


def _item(bot: Bot, index: int, event: ev.Event, *, transcript: bool) -> Item | None:
    message: dict[str, Any] | None = None
    actor = "bot"
    if isinstance(event, ev.BotMessage):
        message = bot_message(event)
    elif isinstance(event, ev.AgentMessage) and transcript:
        message = {"text": event.text}
    elif isinstance(event, ev.UserMessage):
        actor, message = "user", user_message(bot, index, event)
    elif isinstance(event, ev.TurnStarted) and event.input == "start" and not transcript:
        actor, message = "user", _user(bot, index, event.at, "intro")
    if message is None:
        return None
    return {"actor": actor, "message": message, "timestamp": timestamp(event.at)}


def bot_message(event: ev.BotMessage) -> dict[str, Any] | None:
    """A bot message as a Webhook Channel API message object; None for what has none (an iframe)."""
    if event.type == "buttons":
        buttons = [_button(b) for b in event.buttons]
        return _template({"template_type": "button", "text": event.text, "buttons": buttons})
    if event.type == "quick_replies":
        return {"text": event.text, "quick_replies": [_quick_reply(q) for q in event.quick_replies]}
    if event.type == "carousel":
        return _template({"template_type": "generic", "elements": [_element(c) for c in event.cards]})
    if event.type == "media" and event.media:
        return {"attachment": {"type": event.media.get("type", "image"), "payload": {"url": event.media.get("url")}}}
    if event.type == "html":
        return {"text": event.html or event.text}
    if event.type == "iframe" or not event.text:
        return None
    return {"text": event.text}


def user_message(bot: Bot, index: int, event: ev.UserMessage) -> dict[str, Any]:
    """What the user sent: typed text (or sent by an iframe page) or a pressed button's postback."""
    if event.via == "button" and event.payload is not None:
        message = _user(bot, index, event.at, "postback")
        message.update(
            title=event.text,
            text=event.text,
            parameters=event.payload.get("params") or [],
            nextDialogstateId=event.payload.get("nextDialogstateId"),
        )
        return message
    message = _user(bot, index, event.at, "text")
    message["text"] = event.text
    return message


def _user(bot: Bot, index: int, at: float, kind: str) -> dict[str, Any]:
    return {
        "channelType": CHANNEL,
        "sender": {"id": bot.session_id, "botId": bot.bot_id, "botType": CHANNEL, "isEmulator": "true"},
        "timestamp": timestamp(at),
        "messageType": kind,
        "id": hashlib.sha1(f"{bot.session_id}:{index}".encode()).hexdigest()[:24],
    }


def _template(payload: dict[str, Any]) -> dict[str, Any]:
    return {"attachment": {"type": "template", "payload": payload}}


def _postback(choice: ev.ChoiceOut, kind: str) -> str:
    """The postback payload string of a button (`button`) or quick reply (`quickreply`)."""
    data = {
        "title": choice.title,
        "caption": choice.title,
        "type": kind,
        "parameters": choice.payload["params"],
        "nextDialogstateId": choice.goto,
        "originalTitle": choice.title,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _button(choice: ev.ChoiceOut) -> dict[str, Any]:
    if choice.url and choice.url.startswith("tel:"):
        return {"title": choice.title, "type": "phone_number", "payload": choice.url.removeprefix("tel:")}
    if choice.url:
        return {"title": choice.title, "url": choice.url, "type": "web_url"}
    return {"title": choice.title, "type": "postback", "payload": _postback(choice, "button")}


def _quick_reply(choice: ev.ChoiceOut) -> dict[str, Any]:
    reply = {"title": choice.title, "payload": _postback(choice, "quickreply"), "content_type": "text"}
    if choice.icon:
        reply["image_url"] = choice.icon
    return reply


def _element(card: ev.CardOut) -> dict[str, Any]:
    element: dict[str, Any] = {"title": card.title}
    if card.image:
        element["image_url"] = card.image
    if card.subtitle:
        element["subtitle"] = card.subtitle
    element["buttons"] = [_button(b) for b in card.buttons]
    if card.url:
        element["default_action"] = {"url": card.url, "type": "web_url"}
    return element
