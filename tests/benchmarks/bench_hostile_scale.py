"""Hostile scale (issue 12, items 4 and 13): a long conversation, many conversations at once, a realm per conversation.

Run: `python tests/benchmarks/bench_hostile_scale.py [TURNS] [CONVERSATIONS]` (defaults 100,000 and 200). Prints:
- the resident memory of this process over one conversation of TURNS turns (at 0, 10k, 50k and TURNS turns), with
  the events it counted and the events it keeps. Target: flat (the log folds its older turns into a snapshot).
- CONVERSATIONS conversations at once, each a code action fetching a price and an API action booking a ticket on
  the sample backend, sharing one Sandbox: how many booked, the p95 turn time, the worker processes and their
  memory. Target: all of them book, on one worker process.
- the same with conversations given no Sandbox, which share the process's one (`shared_sandbox()`): the default
  of the window and of `Conversation(flow)`.
- a code action's time in a conversation's pristine realm (its first code action) against a later one.
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared echo flow

import httpx
from echo_flow import ECHO

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.sandbox import Sandbox
from workbench.flow.loader import load_flow_text
from workbench.flow.model import Flow
from workbench.sample import start_sample_backend, stop_sample_backend

MB = 2**20

BOOKING = """
name: Booking
start: quote
variables: {base: "BASE", to: Ghent}
states:
  quote:
    code: |
      const r = await fetch(`${args.base}/price?to=${args.to}`);
      ChatlayerResponseBuilder().addSessionVariable('price', (await r.json()).distance_km * 0.2).send();
    args: {base: "{base}", to: "{to}"}
    next: book
  book:
    api: {method: POST, url: "{base}/tickets", body: {to: {var: to}}}
    next: booked
  booked:
    ask: Another one?
    save: again
    next: quote_again
  quote_again:
    clear_session: [again]
    next: quote
"""


def rss(pid: int | None = None) -> int:
    """Resident memory of a process (this one by default) in bytes (Linux)."""
    with open(f"/proc/{pid or 'self'}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def workers() -> list[int]:
    """The sandbox worker processes this process started."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid() and b"sandbox_worker" in cmdline:
                found.append(int(entry.name))
    return found


def load(text: str) -> Flow:
    result = load_flow_text(text, "bench.yaml")
    assert result.flow is not None, result
    return result.flow


async def long_session(turns: int) -> None:
    """One conversation of `turns` turns: memory at the checkpoints."""
    checkpoints = sorted({0, min(10_000, turns), min(50_000, turns), turns})
    async with Conversation(load(ECHO)) as conversation:
        await conversation.start()
        began = time.perf_counter()
        for n in range(turns + 1):
            if n in checkpoints:
                gc.collect()
                log = conversation.events
                kept = len(list(log))
                print(
                    f"{n:>7} turns: RSS {rss() / MB:6.1f} MB, events {len(log):>9,} counted, {kept:>6,} kept, "
                    f"{len(conversation.timeline.points()):>5,} points ({time.perf_counter() - began:5.1f} s)",
                    flush=True,
                )
            if n < turns:
                await conversation.send_text(f"message {n}")
        assert conversation.session.get("last") == f"message {turns - 1}"


async def many_at_once(flow: Flow, count: int, *, given: bool) -> None:
    """`count` conversations started together; each books a ticket (a code action, then an API action)."""
    async with Sandbox() as sandbox, httpx.AsyncClient() as http:
        conversations = [
            Conversation(flow, sandbox=sandbox if given else None, http=http if given else None) for _ in range(count)
        ]
        times: list[float] = []

        async def book(conversation: Conversation) -> None:
            began = time.perf_counter()
            await conversation.start()
            times.append(time.perf_counter() - began)

        began = time.perf_counter()
        await asyncio.gather(*(book(c) for c in conversations))
        took = time.perf_counter() - began
        booked = sum(bool(c.session.get("booking.ticket_id")) for c in conversations)
        errors = [e.message for c in conversations for e in c.events if isinstance(e, ev.EngineError)]
        pids = workers()
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
        what = "one Sandbox given to all" if given else "no Sandbox given (the process's shared one)"
        print(
            f"{count} conversations, {what}: {booked}/{count} booked in {took:.2f} s, turn p95 {p95:.2f} s, "
            f"{len(pids)} worker process(es) with {sum(rss(p) for p in pids) / MB:.0f} MB, engine {rss() / MB:.0f} MB",
            flush=True,
        )
        for line in errors[:3]:
            print(f"  error: {line}")
        await asyncio.gather(*(c.aclose() for c in conversations))


async def pristine_realm_cost(flow: Flow, count: int = 20) -> None:
    """A code action's duration in a conversation's first code action (a pristine realm) and in a later one."""
    first: list[float] = []
    later: list[float] = []

    def code_durations(conversation: Conversation) -> list[float]:
        return [e.duration for e in conversation.events if isinstance(e, ev.ActionFinished) and e.action == "code"]

    async with Sandbox() as sandbox, httpx.AsyncClient() as http:
        for _ in range(count):
            async with Conversation(flow, sandbox=sandbox, http=http) as conversation:
                await conversation.start()
                await conversation.send_text("yes")
                await conversation.send_text("yes")
                durations = code_durations(conversation)
                first.append(durations[0])
                later.extend(durations[1:])
    print(
        f"code action (fetch included), median of {count} conversations: first in a pristine realm "
        f"{statistics.median(first) * 1000:.1f} ms, later ones {statistics.median(later) * 1000:.1f} ms",
        flush=True,
    )


async def main(turns: int, count: int) -> None:
    """Every measurement, one after the other."""
    await long_session(turns)
    server, url = start_sample_backend()
    try:
        flow = load(BOOKING.replace("BASE", url))
        await many_at_once(flow, count, given=True)
        await many_at_once(flow, count, given=False)
        await pristine_realm_cost(flow)
    finally:
        stop_sample_backend(server)


def arguments(argv: list[str]) -> tuple[Any, ...]:
    defaults = (100_000, 200)
    return tuple(int(argv[i]) if len(argv) > i else default for i, default in enumerate(defaults))


if __name__ == "__main__":
    asyncio.run(main(*arguments(sys.argv[1:])))
