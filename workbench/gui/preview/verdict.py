"""The engine's verdict on one posted message, and what an accepted message would do, in words.

The verdict is `workbench.engine.iframe_messages.parse`, the very check `Conversation.post_message` makes. It needs
the dialog states a `GO_TO_DIALOGSTATE` may name: a flow's (with the engine's built-in states), or, when the preview
runs without a flow, `ANY_STATE`, which takes every non-empty name, so that a page can be tried before its flow
exists; the log says the name was not checked.
"""

from __future__ import annotations

import json
from collections.abc import Container
from dataclasses import dataclass
from typing import Any

from workbench.engine import iframe_messages
from workbench.engine.conversation import BUILTIN_STATES
from workbench.flow.model import Flow


class _AnyStateName(Container[str]):
    """Every non-empty state name: without a flow there is nothing to check a name against."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(name)


ANY_STATE: Container[str] = _AnyStateName()


def flow_states(flow: Flow | None) -> Container[str]:
    """The states a page may jump to in `flow` (the engine's own list), or `ANY_STATE` without a flow."""
    if flow is None:
        return ANY_STATE
    return frozenset(flow.states) | frozenset(BUILTIN_STATES)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Accepted or not; the message's `type` when it names one; `detail`: what it would do, or why it was refused."""

    accepted: bool
    type: str
    detail: str


def judge(data: str, states: Container[str]) -> Verdict:
    """The engine's verdict on `data` (what the page posted, as text) against `states`."""
    result = iframe_messages.parse(data, states)
    if isinstance(result, iframe_messages.Rejection):
        return Verdict(False, _posted_type(data), result.reason)
    return Verdict(True, result.type, _effect(result, states))


def _effect(command: iframe_messages.IframeCommand, states: Container[str]) -> str:
    if command.type == "SEND_MESSAGE":
        return f"the user says {_json(command.payload)}"
    if command.type == "UPDATE_SESSION":
        return "sets " + ", ".join(f"{name} = {_json(value)}" for name, value in command.payload.items())
    unchecked = " (not checked: no flow)" if states is ANY_STATE else ""
    return f"goes to {command.payload}{unchecked}"


def _posted_type(data: str) -> str:
    # Only for the log's Type column: a refused message may still say what it meant to be.
    try:
        kind = json.loads(data).get("type")
    except (ValueError, AttributeError):
        return ""
    return kind if isinstance(kind, str) else ""


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
