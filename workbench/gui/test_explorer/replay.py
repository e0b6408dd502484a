"""Open in chat: a conversation test replayed into the window's chat up to a turn, for a person to go on from.

The conversation is the runner's (`runner.prepare` of the test as it runs in its language, `localize.localized`:
the test's variables, the channel's locale, its canned `http:` answers) and so is the replay
(`runner.replay(..., upto=...)`); here it is only attached to the window's bridge first, so that the chat (and its
language picker), the inspector and the graph follow it as it is replayed.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject

from workbench.engine.conversation import Conversation
from workbench.flow.loader import load_flow
from workbench.gui.engine_bridge import EngineBridge
from workbench.testing.convo_format import ConvoTest
from workbench.testing.localize import localized
from workbench.testing.runner import ConvoResult, Failure, Harness, prepare, replay


def failing_turn(test: ConvoTest, result: ConvoResult | None) -> int | None:
    """The index of the turn `result` failed at, or None (it passed, or failed outside any turn)."""
    failure = result.failure if result is not None else None
    if failure is None:
        return None
    return next((i for i, turn in enumerate(test.turns) if turn.loc == failure.loc), None)


class ChatReplay(QObject):
    """Puts conversation tests into the window's chat; keeps the HTTP client of the one shown until it goes."""

    def __init__(self, bridge: EngineBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._shown: Harness | None = None
        self._closing: set[asyncio.Task[None]] = set()
        bridge.conversation_changed.connect(self._on_conversation)

    async def open(self, test: ConvoTest, upto: int | None = None, language: str | None = None) -> Failure | None:
        """Replace the chat's conversation by `test` replayed in `language` (None: its own, else the flow's
        primary) up to turn `upto` (all turns for None); the replay stops earlier at a failing turn, which is
        returned."""
        loaded = await asyncio.get_running_loop().run_in_executor(None, load_flow, test.flow)
        if loaded.flow is None:
            problem = loaded.errors[0]
            return Failure(problem.loc, f"the flow does not load: {problem.message}")
        test = localized(test, loaded.flow, language)
        harness = prepare(test, loaded.flow)
        previous = self.bridge.conversation
        self.bridge.attach(harness.conversation)
        self._shown = harness
        if previous is not None:
            await previous.aclose()
        task = self.bridge.submit(lambda _conversation: replay(test, harness, upto=upto))
        return await task if task is not None else None

    def _on_conversation(self, conversation: Conversation | None) -> None:
        shown = self._shown
        if shown is not None and conversation is not shown.conversation:
            self._shown = None
            closing = asyncio.ensure_future(shown.aclose())
            self._closing.add(closing)
            closing.add_done_callback(self._closing.discard)
