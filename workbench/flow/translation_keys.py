"""Every text of a flow that a user sees, with its translation key: `<state>.<part>[<index>]…`.

The parts: a `say` message's text `say[i]`, its `buttons[j]` and `quick_replies[j]` titles, a carousel's
`cards[k].title`, `.subtitle` and `.buttons[j]`; an ask's prompt messages `ask[i]`, `retry[i]` and `give_up[i]`
(with their buttons and quick replies the same way); an offload state's `offload` message. HTML messages are not
translated (Chatlayer's translations export leaves rich text out too), nor are media URLs.

One walk over a state both lists its texts (`translatable_texts`) and rebuilds it with other texts
(`translated_state`), so the two can never disagree on a key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from workbench.flow.model import Card, Choice, Flow, Loc, SayItem, State

TextKind = Literal[
    "message",
    "button",
    "quick_reply",
    "card_title",
    "card_subtitle",
    "card_button",
    "prompt",
    "retry",
    "give_up",
    "offload_message",
]

Visit = Callable[[str, TextKind, str, Loc], str]
"""Called with each text's key, kind, text and position; returns the text to put in its place."""


@dataclass(frozen=True, slots=True)
class TranslatableText:
    """One text a user sees: its translation key, what kind of text it is, its state, the text in the flow's
    primary language and where that is written in the flow file."""

    key: str
    kind: TextKind
    state: str
    text: str
    loc: Loc


def translatable_texts(flow: Flow) -> tuple[TranslatableText, ...]:
    """Every translatable text of `flow`, in the flow file's order."""
    found: list[TranslatableText] = []
    for state in flow.states.values():
        found.extend(state_texts(state))
    return tuple(found)


def state_texts(state: State) -> list[TranslatableText]:
    """The translatable texts of one state, in the file's order."""
    found: list[TranslatableText] = []

    def note(key: str, kind: TextKind, text: str, loc: Loc) -> str:
        found.append(TranslatableText(key, kind, state.name, text, loc))
        return text

    _walk_state(state, note)
    return found


def translated_state(state: State, texts: Mapping[str, str]) -> State:
    """`state` with each text that `texts` has a translation for (by key) replaced; the state itself when none."""

    def swap(key: str, _kind: TextKind, text: str, _loc: Loc) -> str:
        return texts.get(key, text)

    return _walk_state(state, swap)


def _walk_state(state: State, visit: Visit) -> State:
    name = state.name
    say = _walk_items(state.say, f"{name}.say", "message", visit)
    ask = state.ask
    if ask is not None:
        prompt = _walk_items(ask.prompt, f"{name}.ask", "prompt", visit)
        retry = _walk_items(ask.retry, f"{name}.retry", "retry", visit)
        give_up = _walk_items(ask.give_up, f"{name}.give_up", "give_up", visit)
        if not _same((prompt, retry, give_up), (ask.prompt, ask.retry, ask.give_up)):
            ask = replace(ask, prompt=prompt, retry=retry, give_up=give_up)
    offload = state.offload
    if offload is not None and offload.message:
        message = visit(f"{name}.offload", "offload_message", offload.message, offload.message_loc)
        if message is not offload.message:
            offload = replace(offload, message=message)
    if say is state.say and ask is state.ask and offload is state.offload:
        return state
    return replace(state, say=say, ask=ask, offload=offload)


def _walk_items(items: tuple[SayItem, ...], prefix: str, kind: TextKind, visit: Visit) -> tuple[SayItem, ...]:
    walked = tuple(_walk_item(item, f"{prefix}[{i}]", kind, visit) for i, item in enumerate(items))
    return items if _same(walked, items) else walked


def _walk_item(item: SayItem, key: str, kind: TextKind, visit: Visit) -> SayItem:
    text = visit(key, kind, item.text, item.text_loc) if item.text and item.html is None else item.text
    buttons = _walk_choices(item.buttons, f"{key}.buttons", "button", visit)
    quick_replies = _walk_choices(item.quick_replies, f"{key}.quick_replies", "quick_reply", visit)
    cards = tuple(_walk_card(card, f"{key}.cards[{k}]", visit) for k, card in enumerate(item.cards))
    if (
        text is item.text
        and buttons is item.buttons
        and quick_replies is item.quick_replies
        and _same(cards, item.cards)
    ):
        return item
    return replace(item, text=text, buttons=buttons, quick_replies=quick_replies, cards=cards)


def _walk_card(card: Card, key: str, visit: Visit) -> Card:
    title = visit(f"{key}.title", "card_title", card.title, card.title_loc) if card.title else card.title
    subtitle = card.subtitle
    if subtitle:
        subtitle = visit(f"{key}.subtitle", "card_subtitle", subtitle, card.subtitle_loc)
    buttons = _walk_choices(card.buttons, f"{key}.buttons", "card_button", visit)
    if title is card.title and subtitle is card.subtitle and buttons is card.buttons:
        return card
    return replace(card, title=title, subtitle=subtitle, buttons=buttons)


def _walk_choices(choices: tuple[Choice, ...], prefix: str, kind: TextKind, visit: Visit) -> tuple[Choice, ...]:
    walked = tuple(
        c if not c.title else _retitled(c, visit(f"{prefix}[{j}]", kind, c.title, c.title_loc))
        for j, c in enumerate(choices)
    )
    return choices if _same(walked, choices) else walked


def _retitled(choice: Choice, title: str) -> Choice:
    return choice if title is choice.title else replace(choice, title=title)


def _same(walked: tuple[object, ...], original: tuple[object, ...]) -> bool:
    """Whether a walk gave back every part as it was (by identity: equal texts in other objects count as new)."""
    return all(a is b for a, b in zip(walked, original, strict=True))
