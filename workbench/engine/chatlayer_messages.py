"""Chatlayer message objects (from API responses) and their buttons, cards and quick replies (also from code
actions) turned into the normalised dicts that `actions.message.from_dict` takes.

Chatlayer's own shape, `{type, config}` (integrations/custom-back-end-integrations, the Webhook API's
asynchronous actions):
- `{type: text, config: {textMessages: [{text}, …]}}` → `{type: text, text}`; strings in `textMessages` are
  accepted too (older examples use them)
- `{type: button, config: {title, buttons}}` → `{type: buttons, text: title, buttons}`
- `{type: quickReply, config: {title, quickReplies}}` → `{type: quick_replies, text: title, quick_replies}`
- `{type: carousel, config: {elements: [{title, subTitle, imageUrl, webUrl, buttons}]}}` (also `cards`,
  `subtitle`) → `{type: carousel, cards: [{title, subtitle, image, url, buttons}]}`
- `{type: media, config: {type: image, url}}` → `{type: media, media: {type, url}}`

The Messenger shape that integrations/chat-message-structure-for-apis.md prints for the same message types
(`{text}`, `{text, quick_replies}`, `{attachment: {type: template, payload: {template_type: button | generic |
list}}}`, `{attachment: {type: image, payload: {url}}}`) is understood as well: that page says its messages can
be sent in an API response. A list template is shown as a carousel (the workbench has no vertical list).

Buttons: `{type: postback, title, payload}` where `payload` is `{nextDialogstateId, params: [{key, value}]}`,
that object as a JSON string, or an opaque identifier (then the workbench cannot know where it leads, and
pressing it sends its title as if typed); `{type: web_url, title, url}`; `{type: phone_number, title, payload:
number}`, Chatlayer's Call button, becomes a `tel:` link. A bare string is a button that sends its title.
Quick replies are `{content_type: text, title, payload, image_url}` (the image is the icon).

Chatlayer shows a random one of `textMessages`; the workbench takes the first, so that conversations replay
the same way every time. Texts are used as they are: the backend has already filled them in.

What cannot be understood is never shown: a message is skipped, a button or card left out, and each gets a
problem text naming where it was (`messages[2].config.buttons[0]`) and why, in JSON's terms.
"""

from __future__ import annotations

import json
import re
from typing import Any

from workbench.engine.incoming import loads
from workbench.flow.build import value_kind

Message = dict[str, Any]

_TEXT = {"text"}
_BUTTONS = {"button", "buttons"}
_QUICK = {"quickReply", "quickReplies", "quick_reply", "quick_replies"}
_CAROUSEL = {"carousel"}
_MEDIA_TYPES = ("image", "video", "audio", "file")
_MEDIA = {"media", *_MEDIA_TYPES}
_TYPES = "text, button, quickReply, carousel or media"
_POSTBACK = {"postback", "button", "quickreply", "quick_reply", "text"}


class MessageFormatError(ValueError):
    """A Chatlayer message that cannot be understood; the text says why, in JSON's terms."""


def json_text(value: Any, limit: int = 80) -> str:
    """A value as compact JSON, shortened to about `limit` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    except ValueError:  # a circular structure cannot come from JSON, but stay safe
        text = value_kind(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(value: Any) -> str:
    """A value as the text a chat shows: a string as it is, nothing as "", anything else as JSON."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json_text(value, limit=10_000)


def _object(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MessageFormatError(f"{where} is {value_kind(value)}, not an object")
    return value


def _array(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MessageFormatError(f"{where} is {value_kind(value)}, not an array")
    return value


def _payload(data: Any) -> dict[str, Any]:
    """A postback payload as an object; a payload that is not one (an opaque identifier) as `{}`."""
    if isinstance(data, str):
        try:
            data = loads(data)  # as strictly as any JSON from outside: bounded, lone surrogates replaced
        except ValueError:
            return {}
    return data if isinstance(data, dict) else {}


def params(value: Any) -> dict[str, Any]:
    """Button parameters, given as `[{key, value}]` pairs or as an object, as a dict."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return {plain(p["key"]): p.get("value") for p in value if isinstance(p, dict) and "key" in p}
    return {}


def _tel(number: str) -> str:
    # RFC 3966 allows the visual separators - . ( ) in a tel: URI, not spaces
    return "tel:" + re.sub(r"\s+", "", number)


def choice(data: Any, where: str, problems: list[str]) -> dict[str, Any] | None:
    """A button or quick reply as `{title, goto, params, url, icon}` (absent parts left out), or None when it
    is left out (with a problem text appended to `problems`)."""
    if isinstance(data, str):
        return {"title": data}
    if not isinstance(data, dict):
        problems.append(f"{where} left out: it is {value_kind(data)}, not an object")
        return None
    kind = data.get("type", data.get("content_type"))
    if kind is not None and not isinstance(kind, str):
        problems.append(f'{where} left out: its "type" is {value_kind(kind)}, not a string')
        return None
    out: dict[str, Any] = {"title": plain(data.get("title", data.get("text", data.get("label"))))}
    payload = data.get("payload", data.get("value"))
    if kind == "phone_number":
        if not isinstance(payload, str) or not payload.strip():
            problems.append(f'{where} left out: a "phone_number" button needs the number as a string "payload"')
            return None
        out["url"] = _tel(payload)
        return out
    if kind == "element_share":
        problems.append(f'{where} left out: "element_share" is Facebook Messenger\'s share button')
        return None
    if kind == "location":
        problems.append(f"{where} left out: a location quick reply needs a device's location")
        return None
    if kind is not None and kind != "web_url" and kind not in _POSTBACK:
        problems.append(f"{where} left out: unknown type {json_text(kind)} (use postback, web_url or phone_number)")
        return None
    if data.get("url"):
        out["url"] = plain(data["url"])
    found = _payload(payload)
    goto = found.get("nextDialogstateId", found.get("nextDialogStateId"))
    goto = goto if goto not in (None, "") else data.get("nextDialogstateId", data.get("goto"))
    if goto not in (None, ""):
        out["goto"] = plain(goto)
    values = params(found.get("params", found.get("parameters"))) or params(data.get("params"))
    if values:
        out["params"] = values
    if data.get("image_url"):
        out["icon"] = plain(data["image_url"])
    return out


def choices(items: Any, where: str, problems: list[str]) -> list[dict[str, Any]]:
    """Every usable button of `items` (an array); the others are left out with a problem text."""
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(f"{where} ignored: it is {value_kind(items)}, not an array")
        return []
    found = (choice(item, f"{where}[{i}]", problems) for i, item in enumerate(items))
    return [c for c in found if c is not None]


def card(data: Any, where: str, problems: list[str]) -> dict[str, Any] | None:
    """A carousel element as `{title, subtitle, image, url, buttons}`, or None when it is left out.

    Both spellings of the docs are read: Chatlayer's `subTitle`, `imageUrl`, `webUrl` and Messenger's
    `subtitle`, `image_url`, `item_url` (or `default_action.url`)."""
    if not isinstance(data, dict):
        problems.append(f"{where} left out: it is {value_kind(data)}, not an object")
        return None
    image = data.get("imageUrl", data.get("image_url", data.get("image")))
    default_action = data.get("default_action")
    url = data.get("webUrl", data.get("item_url"))
    if url is None and isinstance(default_action, dict):
        url = default_action.get("url")
    return {
        "title": plain(data.get("title")),
        "subtitle": plain(data.get("subTitle", data.get("subtitle", data.get("description")))),
        "image": None if image is None else plain(image),
        "url": None if url is None else plain(url),
        "buttons": choices(data.get("buttons"), f"{where}.buttons", problems),
    }


def cards(items: Any, where: str, problems: list[str]) -> list[dict[str, Any]]:
    """Every usable carousel element of `items`; the others are left out with a problem text."""
    found = (card(item, f"{where}[{i}]", problems) for i, item in enumerate(_array(items, where)))
    return [c for c in found if c is not None]


def _text(config: dict[str, Any], where: str, problems: list[str]) -> Message:
    texts = config.get("textMessages")
    if isinstance(texts, str):
        return {"type": "text", "text": texts}
    found: list[str] = []
    for i, item in enumerate(_array(texts, f"{where}.textMessages")):
        if isinstance(item, dict) and isinstance(item.get("text"), str):
            found.append(item["text"])
        elif isinstance(item, str):
            found.append(item)
        else:
            shape = f'an object without a "text" string ({json_text(item)})' if isinstance(item, dict) else None
            problems.append(
                f'{where}.textMessages[{i}] ignored: it is {shape or value_kind(item)}, not {{"text": "…"}} or a string'
            )
    if found:
        return {"type": "text", "text": found[0]}
    if isinstance(config.get("text"), str):
        return {"type": "text", "text": config["text"]}
    raise MessageFormatError(f"{where}.textMessages has no text to show")


def _media(kind: Any, url: Any, where: str) -> Message:
    if kind not in _MEDIA_TYPES:
        raise MessageFormatError(f"{where}.type {json_text(kind)} is unknown (use {', '.join(_MEDIA_TYPES)})")
    if not isinstance(url, str) or not url:
        raise MessageFormatError(f'{where} has no "url" string')
    return {"type": "media", "media": {"type": kind, "url": url}}


def _chatlayer(message: dict[str, Any], where: str, problems: list[str]) -> Message:
    """A message in Chatlayer's `{type, config}` shape."""
    kind = message["type"]
    if not isinstance(kind, str):
        raise MessageFormatError(f'its "type" is {value_kind(kind)}, not a string (use {_TYPES})')
    config = _object(message.get("config"), f"{where}.config")
    inside = f"{where}.config"
    if kind in _TEXT:
        return _text(config, inside, problems)
    if kind in _BUTTONS:
        buttons = choices(config.get("buttons"), f"{inside}.buttons", problems)
        return {"type": "buttons", "text": plain(config.get("title")), "buttons": buttons}
    if kind in _QUICK:
        key = "quickReplies" if "quickReplies" in config else "quick_replies"
        replies = choices(config.get(key), f"{inside}.{key}", problems)
        return {"type": "quick_replies", "text": plain(config.get("title")), "quick_replies": replies}
    if kind in _CAROUSEL:
        key = "elements" if "elements" in config or "cards" not in config else "cards"
        return {"type": "carousel", "cards": cards(config.get(key), f"{inside}.{key}", problems)}
    if kind in _MEDIA:
        media_type = config.get("type") or (kind if kind != "media" else "image")
        return _media(media_type, config.get("url"), inside)
    raise MessageFormatError(f"unknown type {json_text(kind)} (use {_TYPES})")


def _template(payload: dict[str, Any], where: str, problems: list[str]) -> Message:
    """A Messenger template attachment: button, generic (a carousel) or list (shown as a carousel)."""
    template = payload.get("template_type")
    if template == "button":
        buttons = choices(payload.get("buttons"), f"{where}.buttons", problems)
        return {"type": "buttons", "text": plain(payload.get("text")), "buttons": buttons}
    if template in ("generic", "list"):
        if template == "list" and payload.get("buttons"):
            problems.append(f"{where}.buttons ignored: the global buttons of a list template are not shown")
        return {"type": "carousel", "cards": cards(payload.get("elements"), f"{where}.elements", problems)}
    raise MessageFormatError(f"{where}.template_type {json_text(template)} is unknown (use button, generic or list)")


def _messenger(message: dict[str, Any], where: str, problems: list[str]) -> Message:
    """A message in the Messenger shape of chat-message-structure-for-apis.md."""
    if "attachment" in message:
        attachment = _object(message["attachment"], f"{where}.attachment")
        payload = _object(attachment.get("payload"), f"{where}.attachment.payload")
        kind = attachment.get("type")
        if kind == "template":
            return _template(payload, f"{where}.attachment.payload", problems)
        if isinstance(kind, str) and kind in _MEDIA_TYPES:
            return _media(kind, payload.get("url"), f"{where}.attachment.payload")
        raise MessageFormatError(
            f"{where}.attachment.type {json_text(kind)} is unknown (use template, {', '.join(_MEDIA_TYPES)})"
        )
    text = message.get("text")
    if not isinstance(text, str):
        raise MessageFormatError(f"{where}.text is {value_kind(text)}, not a string")
    if "quick_replies" in message:
        replies = choices(message["quick_replies"], f"{where}.quick_replies", problems)
        return {"type": "quick_replies", "text": text, "quick_replies": replies}
    return {"type": "text", "text": text}


def to_normalised(message: Any, where: str = "message", problems: list[str] | None = None) -> Message:
    """One message object as a normalised message dict; raises `MessageFormatError` when it cannot be shown.
    Parts left out (a bad button, a bad card) are described in `problems`."""
    problems = [] if problems is None else problems
    if not isinstance(message, dict):
        raise MessageFormatError(f"it is {value_kind(message)}, not an object")
    if "type" in message:
        return _chatlayer(message, where, problems)
    if "attachment" in message or "text" in message:
        return _messenger(message, where, problems)
    raise MessageFormatError(f'it has no "type" (use {_TYPES})')


def normalise_all(messages: Any, where: str = "messages") -> tuple[list[Message], list[str]]:
    """Every message of a Chatlayer `messages` array normalised, and a problem text for each one skipped or
    changed (`messages[1] skipped: …`, `messages[0].config.buttons[2] left out: …`)."""
    if not isinstance(messages, list):
        return [], [f"{where} ignored: it is {value_kind(messages)}, not an array"]
    out: list[Message] = []
    problems: list[str] = []
    for index, message in enumerate(messages):
        here = f"{where}[{index}]"
        try:
            out.append(to_normalised(message, here, problems))
        except MessageFormatError as exc:
            problems.append(f"{here} skipped ({json_text(message)}): {exc}")
    return out, problems
