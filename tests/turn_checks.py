"""What the hostile-input tests and the fuzzers share: flows whose action ends through `next` or `on_error`, and
the checks they make of the turn that ran it.

Importable as `turn_checks` from any test (tests/ is on the path of every test run).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import httpx

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.session import Session
from workbench.flow.model import Flow

DONE_OR_FAILED = """\
    next: done
    on_error: failed
  done:
    say: done
  failed:
    say: failed
"""
"""The end of an action state (indented as its keys) and the two states it goes to: `done`, or `failed` on error."""

API_FLOW = (
    """\
name: api
start: call
states:
  call:
    api: {method: GET, url: "{api_base}/answer"}
"""
    + DONE_OR_FAILED
)
"""A flow whose one API action asks the backend at `api_base` (a session variable) for `/answer`."""

CODE_RESULT_FLOW = (
    """\
name: code result
start: setup
states:
  setup:
    code: |
      ChatlayerResponseBuilder().addSessionVariable('obj', {x: 1}).addSessionVariable('list', [1]).send();
    next: run
  run:
    code: |
      CODE
"""
    + DONE_OR_FAILED
)
"""A flow that sets `obj` to {x: 1} and `list` to [1], then runs CODE (to replace: one line of JavaScript) in state
`run`, which goes to `done` or, on error, `failed`."""


def started_against(flow: Flow, api_base: str) -> Conversation:
    """A conversation on `flow` started (and closed) with `api_base` (a backend on 127.0.0.1) in its session."""

    async def go() -> Conversation:
        async with httpx.AsyncClient() as client:
            conversation = Conversation(flow, http=client, variables={"api_base": api_base})
            await conversation.start()
            await conversation.aclose()
        return conversation

    return asyncio.run(go())


def internal_errors(events: Iterable[ev.Event]) -> list[str]:
    """The messages of the errors that are the workbench's own fault, not the flow's or the backend's."""
    return [e.message for e in events if isinstance(e, ev.EngineError) and e.error == "internal"]


def written_by(events: Iterable[ev.Event], state: str) -> list[ev.Event]:
    """The variables set and the bot messages shown by the action of `state`."""
    return [e for e in events if isinstance(e, ev.VariableChanged | ev.BotMessage) and e.state == state]


def assert_log_replays(conversation: Conversation) -> None:
    """The conversation's event log replays to the session it has."""
    replayed = Session.from_events(conversation.events, defaults=conversation.flow.variables)
    assert replayed.snapshot() == conversation.session.snapshot()
