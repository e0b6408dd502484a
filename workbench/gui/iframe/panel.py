"""`IframePanel`: the iframe action's page in a real browser engine, connected to the conversation.

The panel opens the page of every `IframeOpened` event (and whatever the chat's iframe card asks for), hands every
message the page posts to the engine through the bridge, and shows the engine's verdict on the last one. It never
judges a message itself: `Conversation.post_message` does.

Messages are queued and handed over one at a time, each after the engine is done with the previous one: the order
is kept, and a page that posts thousands of messages at once costs one small step of the event loop per message,
so the window stays responsive. Past `MAX_PENDING` waiting messages, or `MAX_PENDING_CHARS` characters of them,
further ones are dropped and counted: a page that floods the panel with large messages costs bounded memory.
"""

from __future__ import annotations

import asyncio
from collections import deque

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.iframe.host import DEFAULT_HEIGHT, PageHost

MAX_PENDING = 10_000
MAX_PENDING_CHARS = 8 * 1024 * 1024
"""The most characters waiting messages hold in all: 128 messages at the engine's 64 KB limit, 32 MB at most."""
FRAME_CHROME = 80
"""The height the host page's chat frame takes around the iframe (margins, header, bubble), in pixels."""
MAX_RESERVED = 720
"""The most height the panel claims for a page; a taller page scrolls rather than push the window off the screen."""


class IframePanel(QWidget):
    """Shows the conversation's iframe page in a `PageHost` and forwards what it posts to the engine."""

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._conversation = bridge.conversation
        """The conversation the page belongs to."""
        self._queue: deque[tuple[str, str]] = deque()
        self._queued_chars = 0
        self._posting: asyncio.Task[object] | None = None
        """The message handed to the engine, while the engine is at it."""
        self._drain: asyncio.Task[None] | None = None
        self._accepted = self._rejected = self._dropped = 0
        self._verdict = ""
        self._notice = ""
        """What the page did besides posting (called alert, say), for the status line."""

        self.address = QLabel("No iframe opened yet.")
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.host = PageHost(self)
        self.status = QLabel()
        self.status.setWordWrap(True)
        # What a page posts or says reaches these labels: never read it as rich text.
        for label in (self.address, self.status):
            label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.address)
        layout.addWidget(self.host, 1)
        layout.addWidget(self.status)

        self.host.message_posted.connect(self._enqueue)
        self.host.notice.connect(self._on_notice)
        self.host.messages_dropped.connect(self._on_dropped)
        bridge.event.connect(self._on_event)
        bridge.conversation_changed.connect(self._on_conversation_changed)

    @property
    def pending(self) -> int:
        """Messages the page posted that the engine has not finished with yet."""
        return len(self._queue) + (self._posting is not None)

    @Slot(str, object)
    def open(self, url: str, height: int | None = None) -> None:
        """Show `url` (absolute; a `file:` page is served from the flow's folder) `height` pixels high."""
        flow = self._bridge.flow
        try:
            self.host.load(url, height, flow.folder if flow is not None else None)
        except ValueError as exc:
            self.address.setText(str(exc))
            return
        self.address.setText(url)
        # Claim the page's height at once: in a dock, a web view without a minimum gets squeezed to nothing.
        self.host.setMinimumHeight(min(height or DEFAULT_HEIGHT, MAX_RESERVED) + FRAME_CHROME)
        self._accepted = self._rejected = self._dropped = 0
        self._verdict = self._notice = ""
        self._show_status()

    def _on_notice(self, notice: str) -> None:
        self._notice = notice
        self._show_status()

    def _on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.TurnStarted) and event.input == "restart":
            # The conversation starts over: its old page must not write to the new session. The restart holds the
            # conversation, so the message handed over is still waiting for its turn: it never gets one.
            if self._posting is not None:
                self._posting.cancel()
            self._take_page_away()
        elif isinstance(event, ev.IframeOpened):
            self.open(event.url, event.height)
        elif isinstance(event, ev.IframeMessageAccepted):
            self._accepted += 1
            self._verdict = f"accepted: {event.type}"
            self._show_status()
        elif isinstance(event, ev.IframeMessageRejected):
            self._rejected += 1
            self._verdict = f"rejected: {event.reason}"
            self._show_status()

    def _on_conversation_changed(self, conversation: Conversation | None) -> None:
        # A reload, a rewind or a branch switch re-announces the same conversation: its page stays.
        if conversation is self._conversation:
            return
        self._conversation = conversation
        # The page belonged to the previous conversation: what it posted must not reach the new one.
        self._take_page_away()

    def _take_page_away(self) -> None:
        self._queue.clear()
        self._queued_chars = 0
        self.host.clear()
        self.host.setMinimumHeight(0)
        self.address.setText("No iframe opened yet.")
        self._notice = ""
        self.status.clear()

    def _show_status(self) -> None:
        if not self._verdict and not self._dropped:
            text = "No messages yet."
        else:
            counts = f"{self._accepted} accepted, {self._rejected} rejected"
            if self._dropped:
                counts += f", {self._dropped} dropped (posted faster than the engine could take them)"
            text = f"Last message {self._verdict or 'dropped'} ({counts})"
        self.status.setText(f"{text}\n{self._notice}" if self._notice else text)

    def _on_dropped(self, count: int) -> None:
        self._dropped += count
        self._show_status()

    def _enqueue(self, origin: str, data: str) -> None:
        if len(self._queue) >= MAX_PENDING or self._queued_chars + len(data) > MAX_PENDING_CHARS:
            self._dropped += 1
            self._show_status()
            return
        self._queue.append((origin, data))
        self._queued_chars += len(data)
        if self._drain is None or self._drain.done():
            self._drain = asyncio.ensure_future(self._hand_over())

    async def _hand_over(self) -> None:
        while self._queue:
            origin, data = self._queue.popleft()
            self._queued_chars -= len(data)
            try:
                self._posting = self._bridge.post_message(data, origin)
                if self._posting is not None:
                    await asyncio.wait([self._posting])
            finally:
                self._posting = None
