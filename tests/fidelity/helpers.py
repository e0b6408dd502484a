"""Shared parts of the fidelity tests: Chatlayer's documented examples run as printed against the engine.

- `Backend` (the `backend` fixture of conftest.py): a real HTTP server on 127.0.0.1 that answers each path
  with what a test gives it (a JSON value, or a function of the request body) and keeps what it received.
- `js_value`: a JavaScript object literal from the docs (they print JavaScript, with trailing commas and
  single quotes, not JSON) evaluated in real V8 and returned as Python data.
- `converse`: a conversation on a flow, driven by typed texts and button presses, with its events.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from py_mini_racer import MiniRacer

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.model import Flow

Answer = Any | Callable[[Any], tuple[int, Any]]


@dataclass
class Backend:
    """A backend on 127.0.0.1: `answer(path, value)` sets what `path` returns (a JSON value with status 200,
    or a function of the request's JSON body returning `(status, value)`); `received` keeps the bodies."""

    url: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    received: list[tuple[str, str, Any]] = field(default_factory=list)

    def answer(self, path: str, value: Answer) -> None:
        """What `path` answers from now on."""
        self.answers[path] = value


class Handler(BaseHTTPRequestHandler):
    """Answers every request from its `backend`."""

    backend: Backend

    def _reply(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        path = self.path.split("?")[0]
        self.backend.received.append((self.command, path, body))
        answer = self.backend.answers.get(path)
        status, value = answer(body) if callable(answer) else (200 if path in self.backend.answers else 404, answer)
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _reply

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


def js_value(source: str, name: str) -> Any:
    """The value of `name` after running `source` (the docs' JavaScript, as printed) in a fresh V8 context."""
    return json.loads(MiniRacer().eval(f"{source}\n;JSON.stringify({name})"))


Step = str | Callable[[Conversation], Awaitable[None]]


def press(title: str) -> Callable[[Conversation], Awaitable[None]]:
    """A step that presses the button or quick reply called `title`."""

    async def step(conversation: Conversation) -> None:
        await conversation.press(title)

    return step


def converse(flow: Flow, *steps: Step, variables: dict[str, Any] | None = None) -> list[ev.Event]:
    """Start a conversation on `flow`, run each step (a string is typed text) and return its events."""

    async def main() -> list[ev.Event]:
        async with Conversation(flow, variables=variables) as conversation:
            await conversation.start()
            for step in steps:
                await (conversation.send_text(step) if isinstance(step, str) else step(conversation))
            return list(conversation.events)

    return asyncio.run(main())


def of(kind: type[Any], events: list[ev.Event]) -> list[Any]:
    """The events of one kind."""
    return [e for e in events if isinstance(e, kind)]


def said(events: list[ev.Event]) -> list[str]:
    """The texts of the bot's messages, in order."""
    return [e.text for e in of(ev.BotMessage, events)]


def entered(events: list[ev.Event]) -> list[str]:
    """The states entered, in order."""
    return [e.state for e in of(ev.StateEntered, events)]


def code_flow(source: str, args: dict[str, Any] | None = None, states: str = "") -> str:
    """The YAML of a flow that starts with a code action running `source` (with `args`), then says "after";
    `states` is YAML for more states (indented by two spaces)."""
    body = "\n".join("      " + line for line in source.strip("\n").splitlines())
    lines = ["start: act", "states:", "  act:", "    code: |", body]
    if args is not None:
        lines.append(f"    args: {json.dumps(args)}")
    lines += ["    next: after", "  after: {say: after}", states]
    return "\n".join(lines) + "\n"
