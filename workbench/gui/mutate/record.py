"""Record a test here: a fresh conversation in the chat that starts at a survivor's state, so that what the
tester does next is recorded from there (Tests › Save conversation as test writes it with `start:` that state).

The window's flow session offers a fresh conversation at the flow's start only, so this makes it the way the
session does: a new `Conversation` on the open flow with the window's starting variables, attached to the bridge
in place of the old one (which is closed), then started at the state.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from workbench.engine.conversation import Conversation

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow


def recording_message(state: str, change: str | None) -> str:
    """What the status bar says once the conversation starts at `state`."""
    goal = f" so that it shows the change ({change})" if change else ""
    return (
        f"Recording from {state}: the conversation in the chat starts there. Talk to the bot{goal}, "
        "then Tests › Save conversation as test (Ctrl+S)."
    )


def record_from(window: MainWindow, state: str) -> asyncio.Task[None] | None:
    """Start a fresh conversation on the open flow at `state` (None when no flow is open or it has no such
    state)."""
    flow = window.flow_session.flow
    if flow is None or state not in flow.states:
        return None
    return asyncio.ensure_future(_restart_at(window, state))


async def _restart_at(window: MainWindow, state: str) -> None:
    flow = window.flow_session.flow
    assert flow is not None
    old = window.bridge.conversation
    window.bridge.attach(Conversation(flow, variables=window.flow_session.variables))
    if old is not None:
        await old.aclose()
    started = window.bridge.start(state)
    if started is not None:
        await started
