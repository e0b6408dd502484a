"""How much output one action may produce, applied where its result is read (code results, API responses):
at most `MAX_MESSAGES` bot messages and `MAX_CONSOLE_BYTES` of console text; what is cut is said in a warning."""

from __future__ import annotations

from typing import TypeVar

from workbench.engine import events as ev
from workbench.engine.http_port import size_text
from workbench.engine.sandbox_prelude import MAX_CONSOLE_BYTES

MAX_MESSAGES = 100
"""Bot messages one action (or one API response) may send."""

T = TypeVar("T")


def cap_messages(messages: list[T], source: str, state: str) -> tuple[list[T], list[ev.Event]]:
    """The first `MAX_MESSAGES` of `messages`, and a warning when there were more; `source` says where they
    came from ("the code of state 'x'")."""
    if len(messages) <= MAX_MESSAGES:
        return messages, []
    warning = ev.EngineWarning(
        message=(
            f"{len(messages)} bot messages from {source}: only the first {MAX_MESSAGES} are shown "
            f"(at most {MAX_MESSAGES} per action)"
        ),
        state=state,
    )
    return messages[:MAX_MESSAGES], [warning]


def cap_console(logs: list[tuple[str, str]], state: str) -> tuple[list[tuple[str, str]], list[ev.Event]]:
    """The console lines `(level, text)` up to `MAX_CONSOLE_BYTES` in all (the last one cut), and a warning
    when something was cut."""
    kept: list[tuple[str, str]] = []
    room = MAX_CONSOLE_BYTES
    for level, text in logs:
        size = len(text.encode("utf-8", "surrogatepass"))
        if size <= room:
            kept.append((level, text))
            room -= size
            continue
        if room > 0:
            kept.append((level, text.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore")))
        warning = ev.EngineWarning(message=f"console output cut after {size_text(MAX_CONSOLE_BYTES)}", state=state)
        return kept, [warning]
    return kept, []
