"""The echo flow several tests and benchmarks talk to, and a long talk with it.

`ECHO` asks for a text, says it back, keeps it as `last` and asks again; `NAMED_ECHO` first asks for a name.
Importable as `echo_flow` from any test (tests/ is on the path of every test run; benchmarks add it).
"""

from __future__ import annotations

from typing import Any

from workbench.engine.conversation import Conversation

ECHO_STATES = """\
  ask:
    ask: Say something
    save: said
    next: reply
  reply:
    say: "You said: {said}"
    set: {last: "{said}"}
    next: again
  again:
    clear_session: [said]
    next: ask
"""

ECHO = "name: Echo\nstart: ask\nstates:\n" + ECHO_STATES

NAMED_ECHO = (
    """\
name: Echo
start: ask_name
states:
  ask_name:
    ask: What is your name?
    save: name
    next: ask
"""
    + ECHO_STATES
)


async def talk(
    conversation: Conversation, messages: int, keep_session_at: frozenset[int] = frozenset()
) -> dict[int, Any]:
    """Start `conversation` on `NAMED_ECHO`, answer "Ann", then send "message 1" … "message {messages}"; the session
    as it was after each message numbered in `keep_session_at`."""
    await conversation.start()
    await conversation.send_text("Ann")
    sessions: dict[int, Any] = {}
    for n in range(1, messages + 1):
        await conversation.send_text(f"message {n}")
        if n in keep_session_at:
            sessions[n] = conversation.session.snapshot()
    return sessions
