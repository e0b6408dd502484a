"""Small notes in the chat at the point something happened: errors, warnings, offloading, handing back,
reloading the flow, a change of language and a bot-wide event."""

from __future__ import annotations

from workbench.engine import events as ev
from workbench.flow.languages import language_name
from workbench.gui.chat.bubbles import stamp
from workbench.gui.chat.items import ChatItem, Side
from workbench.gui.chat.style import ERROR, NOTICE, WARNING, Balloon, Tone, embolden


class NoteItem(ChatItem):
    """A small tinted note: a bold title, a message, and where it happened when known."""

    def __init__(self, event: ev.Event, tone: Tone, title: str, message: str = "", where: str = "") -> None:
        super().__init__(event, Side.LEFT)
        self.title = title
        self.message = message
        self.where = where
        box = Balloon(tone)
        box.setToolTip(stamp(event))
        embolden(box.add_label(title, small=True))
        if message:
            box.add_label(message, small=True)
        if where:
            box.add_label(where, small=True).setObjectName("noteWhere")
        self.set_content(box)


def _place(where: str | None, state: str | None) -> str:
    parts = [f"at {where}" if where else "", f"in state {state}" if state else ""]
    return ", ".join(p for p in parts if p)


def error_note(event: ev.EngineError) -> NoteItem:
    """An engine or flow error, red."""
    note = NoteItem(event, ERROR, f"Error ({event.error})", event.message, _place(event.where, event.state))
    note.setObjectName("errorNote")
    return note


def warning_note(event: ev.EngineWarning) -> NoteItem:
    """Something worth knowing that did not stop the turn, yellow."""
    note = NoteItem(event, WARNING, "Warning", event.message, _place(event.where, event.state))
    note.setObjectName("warningNote")
    return note


def template_note(event: ev.TemplateWarning) -> NoteItem:
    """A template used a variable without a value, yellow."""
    message = f"{event.variable} has no value in “{event.template}”: it was left empty"
    note = NoteItem(event, WARNING, "Template warning", message, _place(None, event.state))
    note.setObjectName("warningNote")
    return note


def offloaded_note(event: ev.Offloaded) -> NoteItem:
    """The conversation went to a human agent."""
    note = NoteItem(event, NOTICE, f"Offloaded to {event.provider} — you are the agent")
    note.setObjectName("notice")
    return note


def handed_back_note(event: ev.HandedBack) -> NoteItem:
    """The agent handed the conversation back to the bot."""
    note = NoteItem(event, NOTICE, "Handed back to the bot" + (f" at {event.state}" if event.state else ""))
    note.setObjectName("notice")
    return note


def reload_note(event: ev.FlowReloaded) -> NoteItem:
    """The flow file was saved and the conversation goes on with the new version."""
    note = NoteItem(event, NOTICE, event.summary)
    note.setObjectName("reloadNote")
    return note


_REASONS = {
    "preferredLanguage": "the user's choice (preferredLanguage)",
    "locale": "the channel's language (locale)",
    "primary": "the flow's primary language",
}


def language_note(event: ev.LanguageChanged) -> NoteItem | None:
    """The conversation speaks another language from now on (nothing for the language it starts in)."""
    if event.previous is None:
        return None
    note = NoteItem(event, NOTICE, f"Now speaking {language_name(event.language)}", _REASONS[event.reason])
    note.setObjectName("languageNote")
    return note


def bot_event_note(event: ev.EventTriggered) -> NoteItem:
    """A bot-wide event of the flow was set off: what set it off, and the state it runs."""
    if event.type == "silence":
        title = f"Silence detected ({event.seconds:g} s)"
    else:
        title = "Variables changed: " + ", ".join(event.variables)
    named = "" if event.name == event.type else f"event {event.name}: "
    note = NoteItem(event, NOTICE, title, f"{named}goes to {event.state}")
    note.setObjectName("eventNote")
    return note
