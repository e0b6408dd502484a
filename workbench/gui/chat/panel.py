"""The chat pane: the conversation as it happens, the typing box, Restart, and the agent's bar while offloaded.

Everything shown comes from the bridge's events; every input goes through the bridge. Input is never blocked
while the engine works: the conversation handles inputs one after the other.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QStyle, QToolButton, QVBoxLayout, QWidget

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.languages import language_name
from workbench.gui.chat.bubbles import TextBubble
from workbench.gui.chat.factory import build_item
from workbench.gui.chat.input_box import HistoryLineEdit
from workbench.gui.chat.items import ChatContext, ChatItem
from workbench.gui.chat.media import ImageLoader
from workbench.gui.chat.offload_bar import OffloadBar
from workbench.gui.chat.pacing import TypingPacer
from workbench.gui.chat.stream import ChatStream
from workbench.gui.chat.style import Role, embolden, make_label
from workbench.gui.debugger.session import is_held
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.language import ActiveLanguage

TYPING_DELAY_MS = 300
"""Show "Bot is typing…" only for turns that take longer than this, so quick turns do not flicker."""
TYPING = "Bot is typing…"
PAUSED = "Paused in the debugger"
PLACEHOLDER = "Type a message and press Enter (Up/Down: earlier messages)"
PLACEHOLDER_OFFLOADED = "Message to the agent…"
PICKER_TIP = (
    "The language the conversation speaks. Choosing another restarts the conversation in it, as a channel in that "
    "language would (its locale); a button or an answer that sets preferredLanguage switches it without a restart."
)


class ChatPanel(QWidget):
    """The conversation of `bridge` as a chat. `iframe_requested(url, height)` asks the window to open the
    iframe panel (height 0: the panel's default). With `typing_delay`, each new bot message comes after "Bot is
    typing…" has shown for the flow's `typing_delay` (what is already in the log shows at once). For a flow in
    several languages, a picker in the header shows the one spoken; choosing another asks the window to restart
    the conversation in it (`language_chosen`)."""

    iframe_requested = Signal(str, int)
    language_chosen = Signal(str)
    """The user picked another language (its code) for the conversation."""

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None, *, typing_delay: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("chatPanel")
        self._bridge = bridge
        self._typing_delay = typing_delay
        self._pacer = TypingPacer(self._show, self._show_activity, self._flow_typing_delay, self)
        self._context = ChatContext(
            choose=self._choose, open_iframe=self.iframe_requested.emit, images=ImageLoader(self)
        )
        self._unanswered: list[ChatItem] = []
        self._last_user: TextBubble | None = None

        self.restart_button = QToolButton()
        self.restart_button.setObjectName("restartButton")
        self.restart_button.setText("Restart conversation")
        self.restart_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.restart_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.restart_button.setAutoRaise(True)
        self.restart_button.clicked.connect(bridge.restart)
        self.language = ActiveLanguage(bridge, self)
        self.language_box = QComboBox()
        self.language_box.setObjectName("languagePicker")
        self.language_box.setToolTip(PICKER_TIP)
        self.language_box.activated.connect(self._pick_language)
        self.language.changed.connect(self._show_language)
        self._show_language()
        self.stream = ChatStream()
        self.offload_bar = OffloadBar()
        self.offload_bar.agent_reply.connect(bridge.agent_reply)
        self.offload_bar.hand_back.connect(bridge.hand_back)
        self.typing = make_label(TYPING, small=True)
        self.typing.setForegroundRole(Role.PlaceholderText)
        self.typing.hide()
        self._typing_timer = QTimer(self, singleShot=True, interval=TYPING_DELAY_MS)
        self._typing_timer.timeout.connect(self.typing.show)
        self.input_box = HistoryLineEdit()
        self.input_box.setObjectName("chatInput")
        self.input_box.setPlaceholderText(PLACEHOLDER)
        self.input_box.submitted.connect(self._send)
        send = QPushButton("Send")
        send.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        send.clicked.connect(self.input_box.submit)
        self._lay_out(send)

        bridge.event.connect(self._on_event)
        bridge.conversation_changed.connect(self._on_conversation)
        bridge.busy_changed.connect(self._on_busy)
        self._on_conversation(bridge.conversation)

    def _lay_out(self, send: QPushButton) -> None:
        header = QHBoxLayout()
        title = QLabel("Chat")
        embolden(title)
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.language_box)
        header.addWidget(self.restart_button)
        typing_row = QHBoxLayout()
        typing_row.addWidget(self.typing)
        typing_row.addStretch(1)
        input_row = QHBoxLayout()
        input_row.addWidget(self.input_box, 1)
        input_row.addWidget(send)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.stream, 1)
        layout.addLayout(typing_row)
        layout.addWidget(self.offload_bar)
        layout.addLayout(input_row)

    # --- public ---

    def bubbles(self) -> list[ChatItem]:
        """Every item in the chat, oldest first; each one's `engine_event` is the engine event it shows."""
        return self.stream.items()

    def focus_input(self) -> None:
        """Put the keyboard focus in the typing box."""
        self.input_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.input_box.selectAll()

    # --- from the engine ---

    def _on_conversation(self, conversation: Conversation | None) -> None:
        self._clear()
        for widget in (self.input_box, self.restart_button):
            widget.setEnabled(conversation is not None)
        if conversation is not None:
            for event in list(conversation.events):
                if (item := self._item_for(event)) is not None:
                    self._show(item)
        self._show_activity()

    def _on_event(self, event: ev.Event) -> None:
        if (item := self._item_for(event)) is not None:
            self._pacer.add(item)

    def _item_for(self, event: ev.Event) -> ChatItem | None:
        """The chat item that shows `event`; None for an event that only changes what is there."""
        if isinstance(event, ev.Paused | ev.Resumed):
            self._show_activity()
            return None
        if isinstance(event, ev.TurnStarted) and event.input == "restart":
            self._clear()
            return None
        if isinstance(event, ev.UserToAgent):
            if self._last_user is not None:
                self._last_user.add_caption("to agent")
            return None
        return build_item(event, self._context)

    @property
    def typing_delay(self) -> bool:
        """Whether new bot messages wait for the flow's typing delay."""
        return self._typing_delay

    def set_typing_delay(self, on: bool) -> None:
        """Whether new bot messages wait for the flow's typing delay (from the next message on)."""
        self._typing_delay = on

    def _flow_typing_delay(self) -> int:
        flow = self._bridge.flow
        return flow.settings.typing_delay if self._typing_delay and flow is not None else 0

    def _show(self, item: ChatItem) -> None:
        event = item.engine_event
        if isinstance(event, ev.UserMessage):
            self._user_answered(item)
        else:
            self._unanswered.append(item)
        if isinstance(event, ev.Offloaded):
            self._set_offloaded(event.provider)
        elif isinstance(event, ev.HandedBack):
            self._set_offloaded(None)
        self.stream.add(item)

    def _user_answered(self, bubble: ChatItem) -> None:
        for item in self._unanswered:
            item.user_answered()
        self._unanswered.clear()
        assert isinstance(bubble, TextBubble)
        self._last_user = bubble
        self.stream.follow()

    def _set_offloaded(self, provider: str | None) -> None:
        if provider is None:
            self.offload_bar.hide()
        else:
            self.offload_bar.open(provider)
        self.input_box.setPlaceholderText(PLACEHOLDER if provider is None else PLACEHOLDER_OFFLOADED)

    def _clear(self) -> None:
        self._pacer.clear()
        self.stream.clear()
        self._unanswered.clear()
        self._last_user = None
        self._set_offloaded(None)

    def _on_busy(self, _busy: bool) -> None:
        self._show_activity()

    def _show_activity(self) -> None:
        """Say what the bot does: PAUSED at once while the debugger holds the turn, TYPING while a bot message
        waits for its typing delay or once a turn takes longer than TYPING_DELAY_MS, nothing while the bot waits
        for the user."""
        if is_held(self._bridge.conversation):
            self._typing_timer.stop()
            self.typing.setText(PAUSED)
            self.typing.show()
            return
        if self.typing.text() == PAUSED:  # going on after a pause: typing again, after the delay
            self.typing.hide()
            self.typing.setText(TYPING)
        if self._pacer.typing:
            self._typing_timer.stop()
            self.typing.show()
        elif not self._bridge.busy:
            self._typing_timer.stop()
            self.typing.hide()
        elif self.typing.isHidden() and not self._typing_timer.isActive():
            self._typing_timer.start()

    def _show_language(self) -> None:
        """List the flow's languages (the primary marked) with the spoken one chosen; hidden for one language."""
        box, codes = self.language_box, self.language.languages
        box.setVisible(self.language.multilingual)
        if [box.itemData(i) for i in range(box.count())] != list(codes):
            box.clear()
            for code in codes:
                box.addItem(language_name(code) + (" · primary" if code == codes[0] else ""), code)
        box.setCurrentIndex(box.findData(self.language.language))

    # --- to the engine ---

    def _pick_language(self, index: int) -> None:
        code = self.language_box.itemData(index)
        if code != self.language.language:
            self.language_chosen.emit(code)

    def _send(self, text: str) -> None:
        self._bridge.send_text(text)

    def _choose(self, choice: ev.ChoiceOut) -> None:
        if choice.url:
            QDesktopServices.openUrl(QUrl(choice.url))
        if choice.goto or not choice.url:
            self._bridge.press(choice)
