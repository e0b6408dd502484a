"""Chatlayer message objects (from API responses and code actions) turned into the normalised dicts that
`actions.message.from_dict` takes.

- `{type: text, config: {textMessages: [a, b]}}` → `{type: text, text: a}` (the first text, see below)
- `{type: button, config: {title, buttons}}` → `{type: buttons, text: title, buttons}`
- `{type: quickReply, config: {title, quickReplies}}` → `{type: quick_replies, text: title, quick_replies}`
- `{type: carousel, config: {cards: [{title, subtitle, imageUrl, buttons}]}}`
  → `{type: carousel, cards: [{title, subtitle, image, buttons}]}`
- `{type: media, config: {type: image, url}}` → `{type: media, media: {type, url}}`

A button (or quick reply) `{type: postback, title, payload: {nextDialogstateId, params: [{key, value}]}}` is
normalised to `{title, goto, params: {key: value}}`; `{type: web_url, title, url}` to `{title, url}`. A
payload may also arrive as a JSON string.

Chatlayer shows a random one of `textMessages`; the workbench takes the first, so that conversations replay
the same way every time. Texts are used as they are: the backend has already filled them in.
"""

from __future__ import annotations

import json
from typing import Any

_TEXT = {"text"}
_BUTTONS = {"button", "buttons"}
_QUICK = {"quickReply", "quickReplies", "quick_reply", "quick_replies"}
_CAROUSEL = {"carousel"}
_MEDIA = {"media", "image", "video", "audio", "file"}


class MessageFormatError(ValueError):
    """A Chatlayer message that cannot be understood (not an object, or an unknown type)."""


def _config(message: dict[str, Any]) -> dict[str, Any]:
    config = message.get("config")
    return config if isinstance(config, dict) else {}


def _payload(data: Any) -> dict[str, Any]:
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return {}
    return data if isinstance(data, dict) else {}


def _params(params: Any) -> dict[str, Any]:
    if isinstance(params, dict):
        return dict(params)
    if isinstance(params, list):
        return {str(p["key"]): p.get("value") for p in params if isinstance(p, dict) and "key" in p}
    return {}


def choice(data: Any) -> dict[str, Any]:
    """A Chatlayer button or quick reply as `{title, goto, params, url}` (absent parts left out)."""
    if not isinstance(data, dict):
        return {"title": "" if data is None else str(data)}
    out: dict[str, Any] = {"title": str(data.get("title", ""))}
    if data.get("url"):
        out["url"] = str(data["url"])
    payload = _payload(data.get("payload"))
    goto = payload.get("nextDialogstateId") or data.get("nextDialogstateId")
    if goto:
        out["goto"] = str(goto)
    params = _params(payload.get("params"))
    if params:
        out["params"] = params
    return out


def _choices(items: Any) -> list[dict[str, Any]]:
    return [choice(item) for item in items] if isinstance(items, list) else []


def _text(config: dict[str, Any]) -> str:
    texts = config.get("textMessages")
    if isinstance(texts, list) and texts:
        return "" if texts[0] is None else str(texts[0])
    if isinstance(texts, str):
        return texts
    return str(config.get("text") or "")


def to_normalised(message: Any) -> dict[str, Any]:
    """One Chatlayer message object as a normalised message dict; raises `MessageFormatError` otherwise."""
    if not isinstance(message, dict):
        raise MessageFormatError(f"a message must be an object, not {json.dumps(message)[:80]}")
    kind = message.get("type", "text")
    config = _config(message)
    if kind in _TEXT:
        return {"type": "text", "text": _text(config)}
    if kind in _BUTTONS:
        return {
            "type": "buttons",
            "text": str(config.get("title") or ""),
            "buttons": _choices(config.get("buttons")),
        }
    if kind in _QUICK:
        replies = config.get("quickReplies", config.get("quick_replies"))
        return {
            "type": "quick_replies",
            "text": str(config.get("title") or ""),
            "quick_replies": _choices(replies),
        }
    if kind in _CAROUSEL:
        cards = [
            {
                "title": str(card.get("title") or ""),
                "subtitle": str(card.get("subtitle") or ""),
                "image": card.get("imageUrl") or card.get("image"),
                "buttons": _choices(card.get("buttons")),
            }
            for card in config.get("cards") or ()
            if isinstance(card, dict)
        ]
        return {"type": "carousel", "cards": cards}
    if kind in _MEDIA:
        media_type = config.get("type") or (kind if kind != "media" else "image")
        return {"type": "media", "media": {"type": str(media_type), "url": str(config.get("url") or "")}}
    raise MessageFormatError(f"unknown message type {kind!r}")


def normalise_all(messages: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Every message of a Chatlayer `messages` list normalised, and a problem text for each one skipped."""
    if not isinstance(messages, list):
        return [], [f"'messages' must be a list, not {type(messages).__name__}"]
    out: list[dict[str, Any]] = []
    problems: list[str] = []
    for index, message in enumerate(messages):
        try:
            out.append(to_normalised(message))
        except MessageFormatError as exc:
            problems.append(f"message {index} skipped: {exc}")
    return out, problems
