"""Turn what a code action handed to `ChatlayerResponseBuilder` into the engine's message dicts.

Buttons, quick replies and carousel items are read by `chatlayer_messages` (the same reader as API
responses), so they accept Chatlayer's shapes: `{type: 'postback', title, payload: {nextDialogstateId,
params: [{key, value}]}}` (or the payload as a JSON string, or under `value`), `{type: 'web_url', title,
url}`, `{type: 'phone_number', title, payload: '1207'}` (a `tel:` link) or a plain string; carousel items
`{title, subTitle, imageUrl, webUrl, buttons}` (`subtitle` also works). What cannot be used is left out,
with a problem text for the code's console.
"""

from __future__ import annotations

from typing import Any

from workbench.engine.chatlayer_messages import cards, choices, plain
from workbench.flow.whole_numbers import whole_number

Message = dict[str, Any]


def normalise_messages(raw: list[Any]) -> tuple[list[Message], list[str]]:
    """The builder's recorded calls (`[kind, *args]`) normalised in order, and a problem text for each part
    that was left out."""
    out: list[Message] = []
    problems: list[str] = []
    for entry in raw:
        if not isinstance(entry, list) or not entry:
            continue
        maker = _MAKERS.get(entry[0])
        if maker is not None:
            out.append(maker(problems, *entry[1:]))
    return out, problems


def _items(value: Any, *keys: str) -> Any:
    if isinstance(value, dict):
        for key in keys:
            if key in value:
                return value[key]
        return None
    return value


def _title(options: Any) -> str:
    return plain(options.get("title", options.get("text"))) if isinstance(options, dict) else ""


def _text_message(problems: list[str], text: Any = "") -> Message:
    return {"type": "text", "text": plain(text)}


def _buttons(problems: list[str], options: Any = None) -> Message:
    buttons = choices(_items(options, "buttons"), "addButtonGroup buttons", problems)
    return {"type": "buttons", "text": _title(options), "buttons": buttons}


def _quick_replies(problems: list[str], options: Any = None) -> Message:
    items = _items(options, "quickReplies", "quick_replies", "replies")
    replies = choices(items, "addQuickReplies quickReplies", problems)
    return {"type": "quick_replies", "text": _title(options), "quick_replies": replies}


def _carousel(problems: list[str], items: Any = None) -> Message:
    items = _items(items, "elements", "cards", "items")
    if not isinstance(items, list):
        problems.append(f"addCarousel: its items are {'missing' if items is None else 'not an array'}")
        return {"type": "carousel", "cards": []}
    return {"type": "carousel", "cards": cards(items, "addCarousel items", problems)}


def _options(options: Any) -> dict[str, Any]:
    return options if isinstance(options, dict) else {}


def _html(problems: list[str], html: Any = "", options: Any = None) -> Message:
    return {"type": "html", "html": plain(html), "with_balloon": bool(_options(options).get("withBalloon"))}


def _height(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        return whole_number(value.strip().removesuffix("px"))
    return None


def _iframe(problems: list[str], url: Any = "", options: Any = None) -> Message:
    opts = _options(options)
    return {
        "type": "iframe",
        "url": plain(url),
        "height": _height(opts.get("height")),
        "with_balloon": bool(opts.get("withBalloon")),
    }


def _media(problems: list[str], media: Any = None) -> Message:
    opts = _options(media)
    return {"type": "media", "media": {"type": plain(opts.get("type")), "url": plain(opts.get("url"))}}


_MAKERS = {
    "text": _text_message,
    "buttons": _buttons,
    "quick_replies": _quick_replies,
    "carousel": _carousel,
    "html": _html,
    "iframe": _iframe,
    "media": _media,
}
