"""`ActiveLanguage`: the language the bridge's conversation speaks, for the panels that show it (the chat's
picker, the graph's badge, the inspector's header). It reads what the engine says — `Conversation.language` when a
conversation is attached, then each `LanguageChanged` — and never works a language out itself."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.languages import language_name
from workbench.gui.engine_bridge import EngineBridge


class ActiveLanguage(QObject):
    """The attached conversation's language and its flow's languages; `changed` after either changes."""

    changed = Signal()

    def __init__(self, bridge: EngineBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.languages: tuple[str, ...] = ()
        """The flow's languages, the primary first (none while no conversation is attached)."""
        self.language: str | None = None
        """The language the conversation speaks now."""
        bridge.conversation_changed.connect(self._on_conversation)
        bridge.event.connect(self._on_event)
        self._on_conversation(bridge.conversation)

    @property
    def multilingual(self) -> bool:
        """Whether the flow speaks more than one language (else there is nothing to pick or show)."""
        return len(self.languages) > 1

    @property
    def label(self) -> str:
        """`Dutch (nl)`, or "" while no conversation is attached."""
        return language_name(self.language) if self.language else ""

    def _on_conversation(self, conversation: Conversation | None) -> None:
        self.languages = conversation.flow.languages.all if conversation is not None else ()
        self.language = conversation.language if conversation is not None else None
        self.changed.emit()

    def _on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.LanguageChanged) and event.language != self.language:
            self.language = event.language
            self.changed.emit()
