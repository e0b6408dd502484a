"""Hostile concurrency contained (issue 12, item 4): a code action that floods `fetch()` is bounded (8 requests
in flight, 100 in all) and ends in time, and many conversations sharing one Sandbox each get their fetch's whole
time however long they waited for V8. Real V8, real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from local_server import LocalServer

from workbench.engine import events as ev
from workbench.engine.actions.code import MAX_FETCHES, MAX_FETCHES_IN_FLIGHT
from workbench.engine.conversation import Conversation
from workbench.engine.sandbox import Sandbox
from workbench.flow.model import Flow
from workbench.sample import start_sample_backend, stop_sample_backend

FLOOD = r"""
start: flood
variables: {{base: "{base}"}}
states:
  flood:
    code: |
      const one = () => fetch(`${{args.base}}{path}`, {{method: 'POST', body: '{{"to": "Ghent"}}'}});
      const results = await Promise.allSettled(Array.from({{length: 1000}}, one));
      const refused = results.filter(r => r.status === 'rejected' && /too many fetch\(\) calls/.test(r.reason));
      ChatlayerResponseBuilder()
        .addSessionVariable('answered', results.filter(r => r.status === 'fulfilled').length)
        .addSessionVariable('refused', refused.length)
        .send();
    args: {{base: "{{base}}"}}
    timeout: 5
"""

BOOKING = """
start: quote
variables: {{base: "{base}", to: Ghent}}
states:
  quote:
    code: |
      const r = await fetch(`${{args.base}}/price?to=${{args.to}}`);
      ChatlayerResponseBuilder().addSessionVariable('price', (await r.json()).distance_km * 0.2).send();
    args: {{base: "{{base}}", to: "{{to}}"}}
    timeout: 1
    next: book
  book:
    api: {{method: POST, url: "{{base}}/tickets", body: {{to: {{var: to}}}}}}
    next: booked
  booked:
    say: Ticket {{booking.ticket_id}} for {{price}} EUR
"""


class CountingServer(LocalServer):
    """A server on 127.0.0.1 that answers every POST `200 {}` after 20 ms and counts the requests it had in hand
    at the same time (`most_at_once`) and in all (`received`)."""

    protocol_version = "HTTP/1.1"
    name = "counting server"

    def __init__(self) -> None:
        self.received = 0
        self.most_at_once = 0
        self._in_hand = 0
        self._lock = threading.Lock()
        super().__init__()

    def before_answer(self) -> None:
        """Counted, in hand for 20 ms."""
        with self._lock:
            self.received += 1
            self._in_hand += 1
            self.most_at_once = max(self.most_at_once, self._in_hand)
        time.sleep(0.02)
        with self._lock:
            self._in_hand -= 1


@pytest.fixture
def counting_server() -> Iterator[CountingServer]:
    server = CountingServer()
    yield server
    server.close()


@pytest.fixture
def backend() -> Iterator[tuple[Any, str]]:
    """The sample backend of this test alone (its ticket counter starts at 0) and its URL."""
    server, url = start_sample_backend()
    yield server, url
    stop_sample_backend(server)


def engine_errors(events: list[ev.Event]) -> list[str]:
    return [e.message for e in events if isinstance(e, ev.EngineError)]


async def run_alone(flow: Flow) -> tuple[Conversation, float]:
    """Start a conversation of `flow`; how long its first turn took."""
    async with Conversation(flow) as conversation:
        began = time.perf_counter()
        await conversation.start()
        return conversation, time.perf_counter() - began


def test_a_thousand_fetches_in_one_action_end_in_time_and_reach_the_server_up_to_the_cap(
    flow_from: Callable[[str], Flow], backend: tuple[Any, str]
) -> None:
    server, url = backend
    flow = flow_from(FLOOD.format(base=url, path="/tickets"))

    conversation, took = asyncio.run(run_alone(flow))

    assert engine_errors(conversation.events) == []
    assert took < 5  # the action's time limit
    assert conversation.session.get("answered") == MAX_FETCHES
    assert conversation.session.get("refused") == 1000 - MAX_FETCHES
    assert server.tickets == MAX_FETCHES
    assert sum(isinstance(e, ev.HttpExchange) for e in conversation.events) == MAX_FETCHES


def test_a_code_action_has_at_most_eight_requests_in_flight(
    flow_from: Callable[[str], Flow], counting_server: CountingServer
) -> None:
    flow = flow_from(FLOOD.format(base=counting_server.url, path="/"))

    conversation, _ = asyncio.run(run_alone(flow))

    assert engine_errors(conversation.events) == []
    assert counting_server.received == MAX_FETCHES
    assert 1 < counting_server.most_at_once <= MAX_FETCHES_IN_FLIGHT


def test_fifty_concurrent_conversations_sharing_a_sandbox_each_book_a_ticket_on_one_worker(
    flow_from: Callable[[str], Flow], backend: tuple[Any, str]
) -> None:
    # Code actions of one Sandbox run one at a time, so the last conversation's code waits well over its 1 s
    # limit for V8: its fetch must still get its whole time from when it is sent.
    server, url = backend
    flow = flow_from(BOOKING.format(base=url))

    async def scenario() -> tuple[list[Conversation], set[int | None]]:
        async with Sandbox() as sandbox, httpx.AsyncClient() as http:
            conversations = [Conversation(flow, sandbox=sandbox, http=http) for _ in range(50)]
            workers: set[int | None] = set()

            async def book(conversation: Conversation) -> None:
                await conversation.start()
                workers.add(sandbox.worker_pid)
                await conversation.aclose()

            await asyncio.gather(*(book(c) for c in conversations))
            return conversations, workers

    conversations, workers = asyncio.run(scenario())

    assert [engine_errors(c.events) for c in conversations] == [[]] * 50
    assert all(c.session.current_state == "booked" for c in conversations)
    assert sorted(c.session.get("booking.ticket_id") for c in conversations) == sorted(f"T-{n}" for n in range(1, 51))
    assert server.tickets == 50
    assert len(workers) == 1 and None not in workers  # one worker process served them all


def test_conversations_given_no_sandbox_share_one_worker_each_in_its_own_realm(flow_from) -> None:
    flow = flow_from(
        """
        name: Counter
        start: count
        states:
          count:
            code: |
              globalThis.seen = (globalThis.seen || 0) + 1;
              ChatlayerResponseBuilder().addSessionVariable('seen', globalThis.seen).send();
        """
    )

    async def scenario() -> tuple[list[Any], set[int | None]]:
        conversations = [Conversation(flow) for _ in range(5)]
        await asyncio.gather(*(c.start() for c in conversations))
        workers = {c.ports.sandbox.worker_pid for c in conversations}
        seen = [c.session.get("seen") for c in conversations]
        await asyncio.gather(*(c.aclose() for c in conversations))
        return seen, workers

    seen, workers = asyncio.run(scenario())
    assert seen == [1, 1, 1, 1, 1]  # a pristine realm each
    assert len(workers) == 1 and None not in workers
