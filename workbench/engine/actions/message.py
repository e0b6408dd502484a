"""Bot messages: `say` items rendered into `BotMessage` events, and Chatlayer message dicts (from code and API
actions) turned into the same events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from workbench.engine import events as ev
from workbench.engine.actions.base import ActionContext
from workbench.flow.model import Choice, SayItem


def render_choice(ctx: ActionContext, choice: Choice) -> ev.ChoiceOut:
    """A declared button rendered: title and parameter templates filled in now, as Chatlayer does."""
    params = {name: ctx.render_value(value) for name, value in choice.set.items()}
    return ev.ChoiceOut(
        title=ctx.render(choice.title),
        goto=choice.goto,
        params=params,
        url=ctx.render(choice.url) if choice.url else None,
    )


def render_item(ctx: ActionContext, item: SayItem) -> ev.BotMessage:
    """One `say` item as a `BotMessage`."""
    state = ctx.state.name
    text = ctx.render(item.text) if item.text else ""
    if item.cards:
        cards = tuple(
            ev.CardOut(
                title=ctx.render(c.title),
                subtitle=ctx.render(c.subtitle),
                image=ctx.render(c.image) if c.image else None,
                buttons=tuple(render_choice(ctx, b) for b in c.buttons),
            )
            for c in item.cards
        )
        return ev.BotMessage(state=state, type="carousel", text=text, cards=cards)
    if item.buttons:
        buttons = tuple(render_choice(ctx, b) for b in item.buttons)
        return ev.BotMessage(state=state, type="buttons", text=text, buttons=buttons)
    if item.quick_replies:
        replies = tuple(render_choice(ctx, b) for b in item.quick_replies)
        return ev.BotMessage(state=state, type="quick_replies", text=text, quick_replies=replies)
    if item.media:
        media = {"type": item.media.type, "url": ctx.render(item.media.url)}
        return ev.BotMessage(state=state, type="media", text=text, media=media)
    if item.html is not None:
        return ev.BotMessage(state=state, type="html", text=text, html=ctx.render(item.html))
    return ev.BotMessage(state, "text", text)


def render_items(ctx: ActionContext, items: Iterable[SayItem]) -> list[ev.Event]:
    """Every item rendered, followed by the template warnings rendering raised."""
    # A loop, not a comprehension: on Python 3.11 a comprehension makes a function per call, and a state has one
    # item or two.
    messages: list[ev.Event] = []
    for item in items:
        messages.append(render_item(ctx, item))
    if not ctx.warnings:  # most renders: every variable had a value
        return messages
    warnings, ctx.warnings = ctx.warnings, []
    return warnings + messages


def run(ctx: ActionContext) -> list[ev.Event]:
    """The `say` kind: show the state's messages (a plain call, not a coroutine: nothing in it waits, and it runs
    for most states of a turn)."""
    return render_items(ctx, ctx.state.say)


# --- Chatlayer message dicts (code and API actions) ---------------------------------------------------------------


def _choice_from_dict(data: dict[str, Any]) -> ev.ChoiceOut:
    return ev.ChoiceOut(
        title=str(data.get("title", "")),
        goto=data.get("goto"),
        params=dict(data.get("params") or {}),
        url=data.get("url"),
        icon=data.get("icon"),
    )


def from_dict(state: str, data: dict[str, Any]) -> ev.BotMessage:
    """A normalised message dict (`{"type": "text", "text": ...}`, buttons, quick_replies, carousel, html,
    iframe, media; see `chatlayer_messages` and `sandbox_messages`) as a `BotMessage`."""
    kind = data.get("type", "text")
    text = str(data.get("text") or "")
    if kind == "buttons":
        buttons = tuple(_choice_from_dict(b) for b in data.get("buttons", ()))
        return ev.BotMessage(state=state, type="buttons", text=text, buttons=buttons)
    if kind == "quick_replies":
        replies = tuple(_choice_from_dict(b) for b in data.get("quick_replies", ()))
        return ev.BotMessage(state=state, type="quick_replies", text=text, quick_replies=replies)
    if kind == "carousel":
        cards = tuple(
            ev.CardOut(
                title=str(c.get("title", "")),
                subtitle=str(c.get("subtitle") or ""),
                image=c.get("image"),
                buttons=tuple(_choice_from_dict(b) for b in c.get("buttons", ())),
                url=c.get("url"),
            )
            for c in data.get("cards", ())
        )
        return ev.BotMessage(state=state, type="carousel", text=text, cards=cards)
    if kind == "html":
        return ev.BotMessage(
            state=state,
            type="html",
            html=str(data.get("html", "")),
            with_balloon=bool(data.get("with_balloon", True)),
        )
    if kind == "iframe":
        media = {"type": "iframe", "url": str(data.get("url", "")), "height": str(data.get("height") or "")}
        return ev.BotMessage(state=state, type="iframe", media=media, with_balloon=bool(data.get("with_balloon", True)))
    if kind == "media":
        media = data.get("media") or {}
        return ev.BotMessage(
            state=state,
            type="media",
            media={"type": str(media.get("type", "image")), "url": str(media.get("url", ""))},
        )
    return ev.BotMessage(state=state, type="text", text=text)
