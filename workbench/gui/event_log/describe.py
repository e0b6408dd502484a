"""How an engine event reads in the log: its time, state, a one-line summary and the full details (no Qt)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from typing import Any

from workbench.engine import events as ev

# A set: `dataclass(slots=True)` replaces each class, and the replaced one may still be listed as a subclass.
KINDS: tuple[str, ...] = tuple(sorted({cls.__name__ for cls in ev.Event.__subclasses__()}))
"""Every kind of event the engine emits."""

_SUMMARY_WIDTH = 300
_QUIET = ("at", "state")


def timestamp(event: ev.Event) -> str:
    """When the event happened, local time: `HH:MM:SS.mmm`."""
    return datetime.fromtimestamp(event.at).strftime("%H:%M:%S.%f")[:-3]


def state_of(event: ev.Event) -> str:
    """The dialog state the event belongs to, if it names one."""
    return getattr(event, "state", None) or ""


def summary(event: ev.Event) -> str:
    """One line that says what happened."""
    describe = _SUMMARIES.get(type(event), _fields)
    line = " ".join(describe(event).split())
    return line if len(line) <= _SUMMARY_WIDTH else line[: _SUMMARY_WIDTH - 1] + "…"


def details(event: ev.Event) -> str:
    """Everything about the event: an HTTP exchange as request and response, anything else as indented JSON."""
    if isinstance(event, ev.HttpExchange):
        return http_details(event)
    return json.dumps(event.to_dict(), indent=2, ensure_ascii=False, default=str)


def http_details(exchange: ev.HttpExchange) -> str:
    """The request (method, URL, headers, body) and the response (status, headers, body, or the error)."""
    where = f", state {exchange.state}" if exchange.state else ""
    request = [
        f"REQUEST ({exchange.source}{where})",
        f"{exchange.method} {exchange.url}",
        *_headers(exchange.request_headers),
        *_body(exchange.request_body),
    ]
    response = [f"RESPONSE ({exchange.duration * 1000:.0f} ms)"]
    if exchange.status is not None:
        response.append(f"{exchange.status} {_reason(exchange.status)}".rstrip())
        response += [*_headers(exchange.response_headers), *_body(exchange.response_body)]
    if exchange.error:
        response.append(f"Error: {exchange.error}")
    elif exchange.status is None:
        response.append("No response")
    return "\n".join([*request, "", *response])


def pretty_body(body: str) -> str:
    """A body as it came, or indented when it is JSON."""
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body


def _headers(headers: dict[str, str]) -> list[str]:
    return [f"{name}: {value}" for name, value in headers.items()]


def _body(body: str | None) -> list[str]:
    return ["", pretty_body(body)] if body else []


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _short(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _fields(event: ev.Event) -> str:
    """The event's fields that say something, as `name=value`."""
    parts = []
    for field in dataclasses.fields(event):
        value = getattr(event, field.name)
        if field.name not in _QUIET and value not in (None, "", (), {}, []):
            parts.append(f"{field.name}={_short(value)}")
    return ", ".join(parts)


def _http(e: ev.HttpExchange) -> str:
    outcome = e.error or (f"{e.status} {_reason(e.status)}".rstrip() if e.status is not None else "no response")
    return f"{e.method} {e.url} → {outcome} ({e.duration * 1000:.0f} ms)"


def _variable(e: ev.VariableChanged) -> str:
    change = "removed" if e.removed else f"= {_short(e.value)}"
    return f"{e.name} {change} ({e.origin})"


def _action_finished(e: ev.ActionFinished) -> str:
    outcome = "ok" if e.ok else f"failed: {e.error}"
    jump = f", jump to {e.jump}" if e.jump else ""
    return f"{e.action} {outcome} ({e.duration * 1000:.0f} ms){jump}"


def _bot_message(e: ev.BotMessage) -> str:
    choices = f" [{' | '.join(c.title for c in e.choices)}]" if e.choices else ""
    return f"{e.text or e.type}{choices}"


_SUMMARIES: dict[type, Callable[[Any], str]] = {
    ev.HttpExchange: _http,
    ev.VariableChanged: _variable,
    ev.ActionFinished: _action_finished,
    ev.BotMessage: _bot_message,
    ev.TurnStarted: lambda e: f"{e.input}: {e.text}" if e.text else e.input,
    ev.TurnFinished: lambda e: f"{e.duration * 1000:.0f} ms",
    ev.StateEntered: lambda e: f"{e.previous or '·'} → {e.state} ({e.reason})",
    ev.SessionCleared: lambda e: f"removed {', '.join(e.removed) or 'nothing'}",
    ev.CodeLog: lambda e: f"[{e.level}] {e.message}",
    ev.ActionStarted: lambda e: e.action,
    ev.TemplateWarning: lambda e: f"{e.variable} has no value in {_short(e.template)}",
    ev.UserMessage: lambda e: f"{e.text} ({e.via})",
    ev.FlowReloaded: lambda e: e.summary,
    ev.ContextsChanged: lambda e: (
        (", ".join(f"{name} ({lifespan} left)" for name, lifespan in e.contexts.items()) or "none active")
        + (f"; expired: {', '.join(e.expired)}" if e.expired else "")
    ),
    ev.LanguageChanged: lambda e: f"{e.previous or '·'} → {e.language} ({e.reason})",
    ev.EventTriggered: lambda e: (
        f"{e.name}: "
        + (f"{', '.join(e.variables)} changed" if e.type == "variables_changed" else f"{e.seconds:g} s of silence")
        + f" → {e.state}"
    ),
}
