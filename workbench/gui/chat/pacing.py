"""The flow's typing delay, as a channel shows it: "Bot is typing…" before each bot message.

Only the window waits: the engine has long emitted the messages (a replay or a test never waits). Items are held
in order, so a note or a user message that comes after a bot message still comes after it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer

from workbench.engine import events as ev
from workbench.gui.chat.items import ChatItem


class TypingPacer(QObject):
    """Hands chat items to `show` in order, each bot message only after the bot has been typing for `delay()` ms
    (0: at once); `typing_changed()` is called when `typing` starts or stops."""

    def __init__(
        self,
        show: Callable[[ChatItem], None],
        typing_changed: Callable[[], None],
        delay: Callable[[], int],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._show = show
        self._typing_changed = typing_changed
        self._delay = delay
        self._held: deque[ChatItem] = deque()
        self._typed = False
        """The bot message first in line has been typed for its delay."""
        self._typing = False
        # A coarse timer may time out 5% early; a precise one keeps to the millisecond.
        self._timer = QTimer(self, singleShot=True, timerType=Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._typing_done)

    @property
    def typing(self) -> bool:
        """Whether a bot message is being typed: held until its delay is over."""
        return self._typing

    def add(self, item: ChatItem) -> None:
        """Show `item` after the items before it, after its typing delay if it is a bot message."""
        self._held.append(item)
        self._release()

    def clear(self) -> None:
        """Drop the held items (the chat is cleared or rebuilt from the log)."""
        self._held.clear()
        self._timer.stop()
        self._typed = False
        self._set_typing(False)

    def _release(self) -> None:
        while self._held:
            first = self._held[0]
            if isinstance(first.engine_event, ev.BotMessage) and not self._typed and (delay := self._delay()) > 0:
                self._set_typing(True)  # the typing line shows before its time starts
                if not self._timer.isActive():
                    self._timer.start(delay)
                return
            self._held.popleft()
            self._typed = False
            self._show(first)
        self._set_typing(False)

    def _set_typing(self, typing: bool) -> None:
        if typing != self._typing:
            self._typing = typing
            self._typing_changed()

    def _typing_done(self) -> None:
        self._typed = True
        self._release()  # a bot message waiting behind this one starts typing at once, without a gap
