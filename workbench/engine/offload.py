"""Offloading providers: where a conversation goes when the bot hands it to a human agent.

`console`: a person in the workbench plays the agent (`Conversation.agent_reply`, `Conversation.hand_back`); there
is nothing to call. `webhook`: Chatlayer's offloading webhook. A GET health check with `challenge` and
`verifyToken` must answer `{"status": "ok"}`; then an `event: offload` POST carries the transcript, and while
offloaded every user message is POSTed as an `event: messages`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

from workbench.engine import events as ev
from workbench.engine.http_port import HttpResult, perform
from workbench.flow.model import OffloadAction

PROVIDERS = ("console", "webhook")
WEBHOOK_TIMEOUT = 10.0


@dataclass
class OffloadResult:
    """The HTTP exchanges a provider made, and an error when it could not take the conversation."""

    events: list[ev.Event] = field(default_factory=list)
    error: str | None = None


def transcript(history: Iterable[ev.Event]) -> tuple[dict[str, Any], ...]:
    """The conversation so far as `{from, text, at}` entries: user, bot and agent messages."""
    lines: list[dict[str, Any]] = []
    for event in history:
        if isinstance(event, ev.UserMessage):
            lines.append({"from": "user", "text": event.text, "at": event.at})
        elif isinstance(event, ev.BotMessage) and (event.text or event.html):
            lines.append({"from": "bot", "text": event.text or event.html, "at": event.at})
        elif isinstance(event, ev.AgentMessage):
            lines.append({"from": "agent", "text": event.text, "at": event.at})
    return tuple(lines)


async def open_offload(
    http: httpx.AsyncClient,
    spec: OffloadAction,
    conversation_id: str,
    lines: tuple[dict[str, Any], ...],
    state: str,
) -> OffloadResult:
    """Hand the conversation to the provider; a webhook is health-checked first."""
    if spec.provider == "console":
        return OffloadResult()
    if not spec.url:
        return OffloadResult(error="the webhook provider needs a url")
    result = OffloadResult()
    challenge = secrets.token_hex(8)
    check = await perform(
        http,
        method="GET",
        url=spec.url,
        params={"challenge": challenge, "verifyToken": spec.verify_token or ""},
        timeout=WEBHOOK_TIMEOUT,
        state=state,
        source="webhook",
    )
    result.events.append(check.exchange)
    if not check.ok or _status_of(check) != "ok":
        result.error = f"offloading webhook {spec.url} failed its health check: {check.error or _described(check)}"
        return result
    sent = await _post(
        http, spec.url, {"event": "offload", "conversationId": conversation_id, "transcript": list(lines)}, state
    )
    result.events.append(sent.exchange)
    if not sent.ok:
        result.error = f"offloading webhook {spec.url} refused the conversation: {sent.error or _described(sent)}"
    return result


async def forward(
    http: httpx.AsyncClient, spec: OffloadAction, conversation_id: str, text: str, state: str | None
) -> OffloadResult:
    """Pass a user message to the agent while offloaded."""
    if spec.provider == "console" or not spec.url:
        return OffloadResult()
    body = {"event": "messages", "conversationId": conversation_id, "messages": [{"from": "user", "text": text}]}
    sent = await _post(http, spec.url, body, state)
    error = (
        None if sent.ok else f"offloading webhook {spec.url} did not take the message: {sent.error or _described(sent)}"
    )
    return OffloadResult(events=[sent.exchange], error=error)


async def _post(http: httpx.AsyncClient, url: str, body: dict[str, Any], state: str | None) -> HttpResult:
    return await perform(
        http, method="POST", url=url, json_body=body, timeout=WEBHOOK_TIMEOUT, state=state, source="webhook"
    )


def _status_of(result: Any) -> str | None:
    try:
        data = json.loads(result.text())
    except (ValueError, TypeError):
        return None
    return data.get("status") if isinstance(data, dict) else None


def _described(result: Any) -> str:
    return f"status {result.status}" if result.status is not None else "no answer"
