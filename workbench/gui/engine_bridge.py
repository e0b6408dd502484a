"""The one place where engine events become Qt signals, and where the window's inputs reach the engine.

Every panel gets the bridge in its constructor, listens to `event` (every engine event, in order) and
`conversation_changed` (a new conversation, or the attached one rewound, switched to another branch or given the
reloaded flow), and drives the engine only through the bridge's input methods, which schedule the conversation's
coroutines on the running (qasync) loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.internal_error import internal_error
from workbench.flow.model import Flow


class EngineBridge(QObject):
    """Adapts one running `Conversation` to Qt signals and forwards inputs to it."""

    event = Signal(object)
    """Every engine event of the attached conversation, in order."""
    conversation_changed = Signal(object)
    """A new conversation was attached (or None when detached), or the attached one's log was replaced by a rewind
    or a branch switch, or its flow by a reload (emitted right after its `Rewound`/`BranchSwitched`/`FlowReloaded`);
    panels rebuild from its log."""
    busy_changed = Signal(bool)
    """True while the engine works on an input (a turn with an HTTP call or a code action can take a while)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._conversation: Conversation | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    # --- the conversation ---

    @property
    def conversation(self) -> Conversation | None:
        """The attached conversation, if any."""
        return self._conversation

    @property
    def flow(self) -> Flow | None:
        """The attached conversation's flow."""
        return self._conversation.flow if self._conversation else None

    def attach(self, conversation: Conversation) -> None:
        """Observe `conversation` from now on (the previous one is let go, not closed)."""
        self._let_go()
        self._conversation = conversation
        self._unsubscribe = conversation.subscribe(self._on_engine_event)
        self.conversation_changed.emit(conversation)

    def detach(self) -> None:
        """Stop observing the conversation."""
        self._let_go()
        self.conversation_changed.emit(None)

    def _on_engine_event(self, event: ev.Event) -> None:
        self.event.emit(event)
        if isinstance(event, ev.Rewound | ev.BranchSwitched | ev.FlowReloaded):
            self.conversation_changed.emit(self._conversation)

    def _let_go(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe = None
        self._conversation = None

    # --- inputs ---

    @property
    def busy(self) -> bool:
        """Whether an input is being handled."""
        return bool(self._tasks)

    def submit(self, work: Callable[[Conversation], Awaitable[Any]]) -> asyncio.Task[Any] | None:
        """Run `work(conversation)` on the event loop; None when no conversation is attached."""
        conversation = self._conversation
        if conversation is None:
            return None
        task: asyncio.Task[Any] = asyncio.ensure_future(work(conversation))
        was_busy = self.busy
        self._tasks.add(task)
        task.add_done_callback(self._done)
        if not was_busy:
            self.busy_changed.emit(True)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None and self._conversation is not None:
            exc = task.exception()
            message = internal_error("doing what the window asked", exc)
            self.event.emit(ev.EngineError(error="internal", message=message))
        if not self._tasks:
            self.busy_changed.emit(False)

    def cancel(self) -> None:
        """Cancel whatever the engine is doing (a slow API call, a long code action)."""
        for task in list(self._tasks):
            task.cancel()

    async def wait_idle(self) -> None:
        """Wait until every submitted input has been handled (for tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def start(self, state: str | None = None) -> asyncio.Task[Any] | None:
        """Start the conversation (at `state`, or the flow's start)."""
        return self.submit(lambda c: c.start(state))

    def send_text(self, text: str) -> asyncio.Task[Any] | None:
        """The user typed `text`."""
        return self.submit(lambda c: c.send_text(text))

    def press(self, choice: int | str | ev.ChoiceOut) -> asyncio.Task[Any] | None:
        """The user pressed a button or quick reply."""
        return self.submit(lambda c: c.press(choice))

    def post_message(self, data: Any, origin: str = "") -> asyncio.Task[Any] | None:
        """A page in the iframe posted `data`; the engine decides whether to accept it."""
        return self.submit(lambda c: c.post_message(data, origin))

    def set_variable(self, path: str, value: Any) -> asyncio.Task[Any] | None:
        """A tester sets a session variable."""
        return self.submit(lambda c: c.set_variable(path, value))

    def restart(self) -> asyncio.Task[Any] | None:
        """Start the conversation again with a fresh session."""
        return self.submit(lambda c: c.restart())

    def silence(self, seconds: float) -> asyncio.Task[Any] | None:
        """The user said nothing for `seconds` (simulated: nobody waits); the flow's silence event may answer."""
        return self.submit(lambda c: c.silence(seconds))

    def agent_reply(self, text: str) -> asyncio.Task[Any] | None:
        """Answer as the human agent while offloaded."""
        return self.submit(lambda c: c.agent_reply(text))

    def hand_back(self, state: str | None = None) -> asyncio.Task[Any] | None:
        """Hand the conversation back to the bot."""
        return self.submit(lambda c: c.hand_back(state))
