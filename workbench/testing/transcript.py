"""A conversation's event log as the lines a failure report shows: who said what, where the flow went."""

from __future__ import annotations

from collections.abc import Iterable

from workbench.engine import events as ev
from workbench.testing.assertions import show


def _bot(e: ev.BotMessage) -> str:
    parts = [e.text] if e.text else []
    if e.media:
        parts.append(f"[{e.media.get('type', 'media')}] {e.media.get('url', '')}")
    if e.html is not None:
        parts.append(f"[html] {e.html}")
    titles = [c.title for c in e.buttons + e.quick_replies]
    titles += [f"{card.title} › {b.title}" for card in e.cards for b in card.buttons]
    return f"bot:   {' '.join(parts)}" + "".join(f" [{t}]" for t in titles)


def line(event: ev.Event) -> str | None:
    """The transcript line of one event, or None for events a reader does not need."""
    match event:
        case ev.BotMessage():
            return _bot(event)
        case ev.UserMessage(via="button"):
            return f"click: {event.text}"
        case ev.UserMessage():
            return f"user:  {event.text}"
        case ev.StateEntered():
            route = f" {event.route + 1}" if event.route is not None else ""
            return f"  → {event.state} ({event.reason}{route})"
        case ev.EngineError():
            return f"error: [{event.error}] {event.message}"
        case ev.HttpExchange():
            return f"http:  {event.method} {event.url} → {event.error or event.status}"
        case ev.JsonMessage():
            return f"json:  {show(event.payload)}"
        case ev.IframeOpened():
            return f"iframe opened: {event.url}"
        case ev.IframeMessageAccepted():
            return f"iframe: {event.type} {show(event.payload)}"
        case ev.IframeMessageRejected():
            return f"iframe refused: {event.reason}"
        case ev.Offloaded():
            return f"(offloaded to {event.provider})"
        case ev.UserToAgent():
            return f"user → agent: {event.text}"
        case ev.AgentMessage():
            return f"agent: {event.text}"
        case ev.HandedBack():
            return "(handed back to the bot)"
    return None


def transcript(events: Iterable[ev.Event]) -> list[str]:
    """One line per message, state change, HTTP exchange and error, in order."""
    return [text for text in map(line, events) if text is not None]
