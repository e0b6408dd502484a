"""Record a test here: a fresh conversation in the chat that starts at a survivor's state
(`FlowSession.restart_at`), so that what the tester does next is recorded from there (Tests › Save conversation as
test writes it with `start:` that state); what the status bar says of it."""

from __future__ import annotations


def recording_message(state: str, change: str | None) -> str:
    """What the status bar says once the conversation starts at `state`."""
    goal = f" so that it shows the change ({change})" if change else ""
    return (
        f"Recording from {state}: the conversation in the chat starts there. Talk to the bot{goal}, "
        "then Tests › Save conversation as test (Ctrl+S)."
    )
