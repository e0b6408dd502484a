"""The iframe postMessage protocol: what a page may post with `window.parent.postMessage`, checked.

A message is `{target: 'CL_API', type, payload}`, as a JSON string (as in Chatlayer's example) or an object:
`SEND_MESSAGE {text}`, `UPDATE_SESSION {...}` and `GO_TO_DIALOGSTATE {dialogstate}` (also `dialogStateId` or
`nextDialogstate`). Everything else is refused with a reason; nothing here changes anything.
"""

from __future__ import annotations

import json
from collections.abc import Container
from dataclasses import dataclass
from typing import Any, Literal

from workbench.flow.build import kind_name

MAX_BYTES = 64 * 1024
TARGET = "CL_API"
TYPES = ("SEND_MESSAGE", "UPDATE_SESSION", "GO_TO_DIALOGSTATE")
STATE_KEYS = ("dialogstate", "dialogStateId", "nextDialogstate")


@dataclass(frozen=True, slots=True)
class IframeCommand:
    """An accepted message: its type and its checked payload (text, variables, or a state name)."""

    type: Literal["SEND_MESSAGE", "UPDATE_SESSION", "GO_TO_DIALOGSTATE"]
    payload: Any


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a message was refused, and the message as text (cut short) for the log."""

    reason: str
    data: str


def _shown(data: Any) -> str:
    text = data if isinstance(data, str) else _dumps(data)
    return text if len(text) <= 500 else text[:500] + "…"


def _dumps(data: Any) -> str:
    try:
        return json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(data)


def _named(value: Any) -> str:
    """A posted value in a reason: text in quotes, anything else by its JSON kind."""
    return f"'{value}'" if isinstance(value, str) else kind_name(value)


def parse(data: Any, states: Container[str]) -> IframeCommand | Rejection:
    """Check a posted message; `states` are the dialog states GO_TO_DIALOGSTATE may name."""
    raw = data if isinstance(data, str) else _dumps(data)
    if len(raw.encode("utf-8", "replace")) > MAX_BYTES:
        return Rejection(f"message is larger than {MAX_BYTES // 1024} KB", _shown(raw))
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            return Rejection(f"not JSON ({exc.msg} at character {exc.pos})", _shown(raw))
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
    return IframeCommand(kind, payload)


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
        if "internal" in payload or any(str(k).startswith("internal.") for k in payload):
            return "internal.* variables are read-only"
        return None
    key = next((k for k in STATE_KEYS if k in payload), None)
    if key is None:
        return f"payload needs one of {', '.join(STATE_KEYS)}"
    target = payload[key]
    if not isinstance(target, str) or target not in states:
        return f"there is no dialog state {_named(target)}"
    return None
