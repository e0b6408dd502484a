"""Turn what a code action handed to `ChatlayerResponseBuilder` into the engine's message dicts.

Buttons and quick replies accept Chatlayer's shapes and become `{title, goto, params, url}`:
`{type: 'postback', title, value: JSON.stringify({nextDialogstateId, params: [{key, value}]})}`,
`{title, payload: {nextDialogstateId, params}}`, `{type: 'web_url', title, url}` or a plain string.
`params` becomes a dict (`[{key, value}]` pairs or an object).
"""

from __future__ import annotations

import json
from typing import Any

Message = dict[str, Any]


def normalise_messages(raw: list[Any]) -> list[Message]:
    """Normalise the builder's recorded calls (`[kind, *args]`) in order; unknown kinds are dropped."""
    out: list[Message] = []
    for entry in raw:
        if not isinstance(entry, list) or not entry:
            continue
        maker = _MAKERS.get(entry[0])
        if maker is not None:
            out.append(maker(*entry[1:]))
    return out


def normalise_button(item: Any) -> dict[str, Any]:
    """One Chatlayer button or quick reply as `{title, goto, params, url}`."""
    if not isinstance(item, dict):
        return {"title": _text(item), "goto": None, "params": {}, "url": None}
    title = _text(item.get("title", item.get("text", item.get("label"))))
    url = item.get("url")
    payload = item.get("payload", item.get("value"))
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            payload = None
    goto: Any = None
    params: dict[str, Any] = {}
    if isinstance(payload, dict):
        goto = payload.get("nextDialogstateId", payload.get("nextDialogStateId"))
        params = _params(payload.get("params"))
    goto = goto or item.get("nextDialogstateId") or item.get("goto")
    params = params or _params(item.get("params"))
    return {
        "title": title,
        "goto": None if goto is None else str(goto),
        "params": params,
        "url": None if url is None else str(url),
    }


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _params(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return {str(p["key"]): p.get("value") for p in value if isinstance(p, dict) and "key" in p}
    return {}


def _items(value: Any, *keys: str) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in keys:
            if isinstance(value.get(key), list):
                return value[key]
    return []


def _title(options: Any) -> str:
    return _text(options.get("title", options.get("text"))) if isinstance(options, dict) else ""


def _text_message(text: Any = "") -> Message:
    return {"type": "text", "text": _text(text)}


def _buttons(options: Any = None) -> Message:
    buttons = [normalise_button(b) for b in _items(options, "buttons")]
    return {"type": "buttons", "text": _title(options), "buttons": buttons}


def _quick_replies(options: Any = None) -> Message:
    replies = [normalise_button(b) for b in _items(options, "quickReplies", "quick_replies", "replies")]
    return {"type": "quick_replies", "text": _title(options), "quick_replies": replies}


def _card(card: Any) -> dict[str, Any]:
    if not isinstance(card, dict):
        return {"title": _text(card), "subtitle": "", "image": None, "buttons": []}
    image = card.get("imageUrl", card.get("image_url", card.get("image")))
    return {
        "title": _text(card.get("title")),
        "subtitle": _text(card.get("subtitle", card.get("description"))),
        "image": None if image is None else str(image),
        "buttons": [normalise_button(b) for b in _items(card.get("buttons"), "buttons")],
    }


def _carousel(cards: Any = None) -> Message:
    return {"type": "carousel", "cards": [_card(c) for c in _items(cards, "cards", "items", "elements")]}


def _options(options: Any) -> dict[str, Any]:
    return options if isinstance(options, dict) else {}


def _html(html: Any = "", options: Any = None) -> Message:
    return {"type": "html", "html": _text(html), "with_balloon": bool(_options(options).get("withBalloon"))}


def _height(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value.strip().removesuffix("px").isdigit():
        return int(value.strip().removesuffix("px"))
    return None


def _iframe(url: Any = "", options: Any = None) -> Message:
    opts = _options(options)
    return {
        "type": "iframe",
        "url": _text(url),
        "height": _height(opts.get("height")),
        "with_balloon": bool(opts.get("withBalloon")),
    }


def _media(media: Any = None) -> Message:
    opts = _options(media)
    return {"type": "media", "media": {"type": _text(opts.get("type")), "url": _text(opts.get("url"))}}


_MAKERS = {
    "text": _text_message,
    "buttons": _buttons,
    "quick_replies": _quick_replies,
    "carousel": _carousel,
    "html": _html,
    "iframe": _iframe,
    "media": _media,
}
