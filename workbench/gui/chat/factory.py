"""Which chat item shows which engine event. Events that the chat does not show build nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbench.engine import events as ev
from workbench.gui.chat import notes
from workbench.gui.chat.bubbles import BotBubble, agent_bubble, user_bubble
from workbench.gui.chat.cards import CarouselItem, JsonCard, iframe_message_card, iframe_opened_card
from workbench.gui.chat.items import ChatContext, ChatItem


def _bot(event: ev.BotMessage, context: ChatContext) -> ChatItem:
    if event.type == "carousel":
        return CarouselItem(event, context)
    if event.type == "iframe":
        return iframe_message_card(event, context)
    return BotBubble(event, context)


_BUILDERS: dict[type[ev.Event], Callable[[Any, ChatContext], ChatItem | None]] = {
    ev.UserMessage: lambda e, _: user_bubble(e),
    ev.AgentMessage: lambda e, _: agent_bubble(e),
    ev.BotMessage: _bot,
    ev.JsonMessage: lambda e, _: JsonCard(e),
    ev.IframeOpened: iframe_opened_card,
    ev.EngineError: lambda e, _: notes.error_note(e),
    ev.EngineWarning: lambda e, _: notes.warning_note(e),
    ev.TemplateWarning: lambda e, _: notes.template_note(e),
    ev.Offloaded: lambda e, _: notes.offloaded_note(e),
    ev.HandedBack: lambda e, _: notes.handed_back_note(e),
    ev.FlowReloaded: lambda e, _: notes.reload_note(e),
    ev.LanguageChanged: lambda e, _: notes.language_note(e),
    ev.EventTriggered: lambda e, _: notes.bot_event_note(e),
}


def build_item(event: ev.Event, context: ChatContext) -> ChatItem | None:
    """The chat item for `event`, or None when the chat does not show that kind of event."""
    builder = _BUILDERS.get(type(event))
    return builder(event, context) if builder is not None else None
