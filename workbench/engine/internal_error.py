"""How a bug of the workbench itself is told to its user: what it was doing, in words, and a request to report it.

The message carries the exception's own text but never its Python class: the user thinks in flows, JSON and
JavaScript, and a class name tells them nothing they can act on.
"""

from __future__ import annotations

from workbench.engine import events as ev

_DOING: dict[str, str] = {
    "start": "starting the conversation",
    "restart": "starting the conversation again",
    "text": "answering the user's message",
    "button": "answering the button the user pressed",
    "iframe": "handling the iframe's message",
    "agent": "passing on the agent's reply",
    "hand_back": "handing the conversation back to the bot",
    "edit": "changing a variable",
    "reload": "reloading the flow",
}


def internal_error(doing: str, exc: BaseException) -> str:
    """The message of an internal error that happened while `doing` (`"reading the flow"`), with `exc`'s text."""
    detail = str(exc).strip()
    return f"the workbench hit an internal error while {doing}; please report it" + (f": {detail}" if detail else "")


def doing_in_turn(started: ev.TurnStarted | None) -> str:
    """What a turn that began with `started` was doing, for `internal_error`; None is a turn of going back."""
    if started is None:
        return "going back in the conversation"
    return _DOING.get(started.input, "running the conversation")
