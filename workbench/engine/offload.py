"""Offloading providers: where a conversation goes when the bot hands it to a human agent.

`console`: a person in the workbench plays the agent (`Conversation.agent_reply`, `Conversation.hand_back`); there
is nothing to call. `webhook`: Chatlayer's offloading webhook (integrations/human-offloading-live-chat/
offloading-webhook.md). Every request carries the verify token as the query parameter `challenge.verifyToken`.
- Health check: `GET <url>` must answer 200 `{"status": "ok"}`. Chatlayer checks when the webhook is saved; the
  workbench checks once per conversation, before its first request to the webhook. A webhook that failed it is
  not used again in that conversation: offloading to it counts as disabled.
- Messages: every message between the user and the bot, from the conversation's start, is POSTed as
  `event: messages` (consecutive messages of one actor together), offloaded or not, "so you can take over the
  conversation if need be". The agent's own messages are not echoed back.
- Offload: `event: offload` with the `transcript` and the configured `payload` (the workbench has no payload
  setting yet: `{}`). The reply `{"offloadSuccess": true, "pauseBot": true}` offloads and pauses the bot;
  `offloadSuccess: false` is a failed offload; anything else is an error of the webhook.

Which messages were already sent is read from the event log (the last webhook POST), so a rewound or replayed
conversation sends each message once.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, Any, Literal, TypeGuard

from workbench.engine import events as ev
from workbench.engine.offload_messages import Bot, Item, items
from workbench.flow import template
from workbench.flow.model import Flow, OffloadAction

if TYPE_CHECKING:  # the HTTP modules load at the first request to a webhook: most conversations make none
    import httpx

    from workbench.engine.http_port import HttpResult

WEBHOOK_TIMEOUT = 10.0
VERIFY_TOKEN_PARAMETER = "challenge.verifyToken"

Outcome = Literal["opened", "declined", "disabled", "error"]


@dataclass(frozen=True, slots=True)
class Webhook:
    """An offloading webhook: its URL (templates filled in) and verify token."""

    url: str
    verify_token: str = ""

    @property
    def params(self) -> dict[str, str]:
        """The query parameters of every request."""
        return {VERIFY_TOKEN_PARAMETER: self.verify_token}

    def is_endpoint_of(self, exchange: ev.HttpExchange) -> bool:
        """Whether `exchange` was a request to this webhook."""
        return exchange.source == "webhook" and exchange.url.split("?")[0] == self.url.split("?")[0]


@dataclass
class OffloadResult:
    """What a provider did: the HTTP exchanges (and errors) as events, how the offload ended, and why."""

    events: list[ev.Event] = field(default_factory=list)
    outcome: Outcome = "opened"
    problem: str | None = None
    pause_bot: bool = False


def webhook_of(spec: OffloadAction, render: Callable[[str], str]) -> Webhook | None:
    """The webhook an offload state names (its URL filled in by `render`), or None for the console provider."""
    if spec.provider != "webhook" or not spec.url:
        return None
    return Webhook(render(spec.url), spec.verify_token or "")


def webhooks(flow: Flow, lookup: Callable[[str], Any]) -> list[Webhook]:
    """Every distinct webhook the flow's offload states name (Chatlayer has one per bot)."""
    render = functools.partial(template.render, lookup=lookup)
    found = (webhook_of(s.offload, render) for s in flow.states.values() if s.offload is not None)
    return list(dict.fromkeys(hook for hook in found if hook is not None))


def transcript(bot: Bot, history: Sequence[ev.Event]) -> tuple[Item, ...]:
    """The `offload` event's transcript: the conversation before the current turn. As in the page's example,
    the message that led to the offload is not in it yet (the `messages` event just before carries it)."""
    turn = max((i for i, e in enumerate(history) if isinstance(e, ev.TurnStarted)), default=len(history))
    return tuple(item for _, item in items(bot, history[:turn], transcript=True))


def bot_paused(history: Sequence[ev.Event]) -> bool:
    """Whether an offloaded conversation's bot is paused: an agent took over (said something), or the
    webhook's offload reply asked for it with `pauseBot: true`. Until then the bot stays active."""
    for event in reversed(history):
        if isinstance(event, ev.AgentMessage):
            return True
        if isinstance(event, ev.HandedBack):
            return False
        if _offloaded_by(event):
            return bool(event.result.get("pauseBot"))
    return False


def _offloaded_by(event: ev.Event) -> TypeGuard[ev.ActionFinished]:
    """Whether `event` ends an offload action that offloaded the conversation."""
    return (
        isinstance(event, ev.ActionFinished)
        and event.action == "offload"
        and isinstance(event.result, dict)
        and bool(event.result.get("offloaded"))
    )


async def health(
    http: httpx.AsyncClient, hook: Webhook, history: Sequence[ev.Event], state: str | None
) -> tuple[list[ev.Event], str | None]:
    """The health check's exchange when it was not made yet in this conversation, and the problem, if any
    (also when an earlier check failed)."""
    earlier = next((x for x in reversed(history) if _is_health_check(x, hook)), None)
    if isinstance(earlier, ev.HttpExchange):
        return [], _health_problem(hook, earlier)
    from workbench.engine.http_port import perform

    check = await perform(
        http, method="GET", url=hook.url, params=hook.params, timeout=WEBHOOK_TIMEOUT, state=state, source="webhook"
    )
    return [check.exchange], _health_problem(hook, check.exchange)


def _is_webhook_post(event: ev.Event) -> bool:
    return isinstance(event, ev.HttpExchange) and event.source == "webhook" and event.method == "POST"


def _is_health_check(event: ev.Event, hook: Webhook) -> bool:
    return isinstance(event, ev.HttpExchange) and event.method == "GET" and hook.is_endpoint_of(event)


def _health_problem(hook: Webhook, exchange: ev.HttpExchange) -> str | None:
    prefix = f"offloading webhook {hook.url} failed its health check"
    if exchange.error is not None or exchange.status != 200:
        return f"{prefix}: {exchange.error or _status(exchange.status)}"
    if _json_field(exchange.response_body, "status") != "ok":
        return f'{prefix}: it answered {_shown(exchange.response_body)} instead of {{"status": "ok"}}'
    return None


async def mirror(
    http: httpx.AsyncClient, hooks: Sequence[Webhook], bot: Bot, history: Sequence[ev.Event], state: str | None
) -> list[ev.Event]:
    """POST the messages not sent yet to every healthy webhook as `messages` events; returns the exchanges
    and an `EngineError` for each request that failed (and for a health check that fails now)."""
    last_post = max((i for i, e in enumerate(history) if _is_webhook_post(e)), default=-1)
    pending = [item for index, item in items(bot, history, transcript=False) if index > last_post]
    out: list[ev.Event] = []
    if not pending:
        return out
    for hook in hooks:
        checked, problem = await health(http, hook, [*history, *out], state)
        out.extend(checked)
        if problem is not None:
            if checked:
                out.append(ev.EngineError(error="offload", message=problem, state=state))
            continue
        for _, run in groupby(pending, key=lambda item: item["actor"]):
            body = {**bot.envelope("messages", time.time()), "messages": list(run)}
            sent = await _post(http, hook, body, state)
            out.append(sent.exchange)
            if not sent.ok:
                message = f"offloading webhook {hook.url} did not take the messages: {_problem(sent)}"
                out.append(ev.EngineError(error="offload", message=message, state=state))
    return out


async def open_offload(
    http: httpx.AsyncClient,
    hook: Webhook,
    bot: Bot,
    history: Sequence[ev.Event],
    lines: tuple[Item, ...],
    state: str,
) -> OffloadResult:
    """Hand the conversation to a webhook: it is health-checked, gets the messages not sent yet, then the
    `offload` event, and its reply decides. (The console provider always takes the conversation: nothing to call.)"""
    checked, problem = await health(http, hook, history, state)
    result = OffloadResult(events=checked)
    if problem is not None:
        result.outcome, result.problem = "disabled", problem
        return result
    result.events.extend(await mirror(http, [hook], bot, [*history, *result.events], state))
    body = {**bot.envelope("offload", time.time()), "payload": {}, "transcript": list(lines)}
    sent = await _post(http, hook, body, state)
    result.events.append(sent.exchange)
    result.outcome, result.problem, result.pause_bot = _reply(hook, sent)
    return result


def _reply(hook: Webhook, sent: HttpResult) -> tuple[Outcome, str | None, bool]:
    """How the offload ended, read from the webhook's reply."""
    prefix = f"offloading webhook {hook.url}"
    if not sent.ok:
        return "error", f"{prefix} refused the conversation: {_problem(sent)}", False
    try:
        reply = json.loads(sent.text())
    except ValueError:
        reply = None
    success = reply.get("offloadSuccess") if isinstance(reply, dict) else None
    if success is True:
        return "opened", None, reply.get("pauseBot") is True
    if success is False:
        return "declined", f"{prefix} answered offloadSuccess: false: the live chat did not take it", False
    expected = '{"offloadSuccess": true, "pauseBot": true} or {"offloadSuccess": false}'
    return "error", f"{prefix} answered {_shown(sent.text())} to the offload; expected {expected}", False


async def _post(http: httpx.AsyncClient, hook: Webhook, body: dict[str, Any], state: str | None) -> HttpResult:
    from workbench.engine.http_port import perform

    return await perform(
        http,
        method="POST",
        url=hook.url,
        params=hook.params,
        json_body=body,
        timeout=WEBHOOK_TIMEOUT,
        state=state,
        source="webhook",
    )


def _json_field(text: str | None, name: str) -> Any:
    try:
        data = json.loads(text or "")
    except ValueError:
        return None
    return data.get(name) if isinstance(data, dict) else None


def _shown(text: str | None) -> str:
    if not text:
        return "nothing"
    return text if len(text) <= 80 else text[:79] + "…"


def _status(status: int | None) -> str:
    return f"status {status}" if status is not None else "no answer"


def _problem(result: HttpResult) -> str:
    return result.error or _status(result.status)
