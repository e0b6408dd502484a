"""The iframe postMessage protocol: what a page may post with `window.parent.postMessage`, checked.

A message is `{target: 'CL_API', type, payload}`, as a JSON string (as in Chatlayer's example) or an object:
`SEND_MESSAGE {text}`, `UPDATE_SESSION {...}` and `GO_TO_DIALOGSTATE {dialogstate}` (also `dialogStateId` or
`nextDialogstate`). A message is read strictly and bounded (`incoming`: at most 64 KB, 64 levels deep, no
`NaN` or `Infinity`), and UPDATE_SESSION names variables a page may write: paths without spaces around their
names, never `internal` however it is written. `plan_update` then tries the writes on the session, so that an
update applies whole or not at all. Everything else is refused with a reason; nothing here changes anything.
"""

from __future__ import annotations

import json
from collections.abc import Container
from dataclasses import dataclass
from typing import Any, Literal

from workbench.engine import incoming
from workbench.engine.session import Session
from workbench.flow.build import kind_name, value_kind

MAX_BYTES = 64 * 1024
TARGET = "CL_API"
TYPES = ("SEND_MESSAGE", "UPDATE_SESSION", "GO_TO_DIALOGSTATE")
STATE_KEYS = ("dialogstate", "dialogStateId", "nextDialogstate")


@dataclass(frozen=True, slots=True)
class IframeCommand:
    """An accepted message: its type and its checked payload (text, variables, or a state name)."""

    type: Literal["SEND_MESSAGE", "UPDATE_SESSION", "GO_TO_DIALOGSTATE"]
    payload: Any
    data: str = ""
    """The message as text (cut short), for the log should the session refuse it (`plan_update`)."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a message was refused, and the message as text (cut short) for the log."""

    reason: str
    data: str


def _shown(text: str) -> str:
    return text if len(text) <= 500 else text[:500] + "…"


def _named(value: Any) -> str:
    """A posted value in a reason: text in quotes, anything else by its JSON kind."""
    return f"'{value}'" if isinstance(value, str) else kind_name(value)


def parse(data: Any, states: Container[str]) -> IframeCommand | Rejection:
    """Check a posted message; `states` are the dialog states GO_TO_DIALOGSTATE may name."""
    if not isinstance(data, str):
        found = incoming.problem(data)
        if found is not None:
            return Rejection(f"message {found}", f"({value_kind(data)} that cannot be shown as JSON)")
    # An object is read back from its JSON as text is: a copy the caller cannot change later, its lone surrogates
    # (which no UTF-8 writer can write) made U+FFFD, in the value and in the text shown.
    raw = incoming.valid_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False))
    if len(raw.encode("utf-8")) > MAX_BYTES:
        return Rejection(f"message is larger than {MAX_BYTES // 1024} KB", _shown(raw))
    try:
        data = incoming.loads(raw)
    except json.JSONDecodeError as exc:
        return Rejection(f"not JSON ({exc.msg} at character {exc.pos})", _shown(raw))
    except incoming.IncomingError as exc:
        return Rejection(f"message {exc}", _shown(raw))
    if not isinstance(data, dict):
        return Rejection(f"expected an object, got {kind_name(data)}", _shown(raw))
    if data.get("target") != TARGET:
        target = _named(data["target"]) if "target" in data else "missing"
        return Rejection(f"target is {target}, not '{TARGET}'", _shown(raw))
    kind = data.get("type")
    payload = data.get("payload")
    if kind not in TYPES:
        found = f"unknown type {_named(kind)}" if "type" in data else "type is missing"
        return Rejection(f"{found} (expected one of {', '.join(TYPES)})", _shown(raw))
    reason = _check_payload(kind, payload, states)
    if reason:
        return Rejection(f"{kind}: {reason}", _shown(raw))
    if kind == "GO_TO_DIALOGSTATE":
        payload = next(payload[k] for k in STATE_KEYS if k in payload)
    elif kind == "SEND_MESSAGE":
        payload = payload["text"].strip()
    return IframeCommand(kind, payload, _shown(raw))


def plan_update(command: IframeCommand, session: Session) -> list[tuple[str, Any]] | Rejection:
    """The variable writes of an accepted UPDATE_SESSION in order, each object merged into the object it meets,
    or why `session` cannot hold one of them (`Session.write_refusal`): then none of them applies."""
    try:
        planned = incoming.plan_writes(session, command.payload.items(), merge=True)
    except incoming.IncomingError as exc:
        return Rejection(f"UPDATE_SESSION: {exc}", command.data)
    return [(name, value) for name, value, _ in planned]


def _check_payload(kind: str, payload: Any, states: Container[str]) -> str | None:
    if not isinstance(payload, dict):
        return f"payload must be an object, got {kind_name(payload)}"
    if kind == "SEND_MESSAGE":
        text = payload.get("text")
        if not isinstance(text, str) or not text.strip():
            return "payload.text must be a non-empty string"
        return None
    if kind == "UPDATE_SESSION":
        if not payload:
            return "payload has no variables"
        for name in payload:
            refused = incoming.name_problem(name)
            if refused is not None:
                return refused
            if incoming.is_internal(name):
                return f"cannot set {name}: internal.* variables are read-only"
        return None
    key = next((k for k in STATE_KEYS if k in payload), None)
    if key is None:
        return f"payload needs one of {', '.join(STATE_KEYS)}"
    target = payload[key]
    if not isinstance(target, str) or target not in states:
        return f"there is no dialog state {_named(target)}"
    return None
