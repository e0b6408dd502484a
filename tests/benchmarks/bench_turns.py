"""Turns per second for a scripted 10-turn conversation through say, ask and router states with conditions, and
the engine's time per user message in the echo flow that `bench_replay_scale.py` replays (no test runner around
it: a conversation started and told five things, each saved by an `ask` and said back).

Target: at least 3,000 turns/s on one core. Run: `python tests/benchmarks/bench_turns.py [--conversations N]`.
Its route conditions are bounded (`workbench/engine/condition_safety.py`), so they are decided in the engine's
own V8 context without a round trip to the sandbox worker, and the conversations never start a worker realm.
The echo figure is CPU time of this process (`time.process_time`), which a busy machine disturbs less than the clock.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from bench_replay_scale import conversation, echo_flow

from workbench.engine.conversation import Conversation
from workbench.engine.sandbox import Sandbox
from workbench.flow.loader import load_flow_text

FLOW = """
name: Bench
start: hello
nlu:
  intents:
    book: [book a ticket, I want a ticket]
    help: [help me, I need help]
  entities:
    city: {values: [Brussels, Ghent, Antwerp], synonyms: {Brussels: [Bruxelles]}}
states:
  hello:
    say:
      - Hello {name|capitalize}!
      - text: What now?
        quick_replies: [{title: Book, goto: ask_city}, {title: Help, goto: help}]
  help: {intent: help, say: I can book tickets., next: hello}
  ask_city:
    intent: book
    ask: Where to?
    save: city
    expect: city
    next: ask_count
  ask_count:
    ask: How many?
    save: count
    expect: number
    next: route
  route:
    next:
      - if: count > 4 && city == 'Brussels'
        goto: group
      - if: count > 1
        goto: several
      - goto: single
  group: {say: "A group to {city}", next: confirm}
  several: {say: "{count} tickets to {city|toUpperCase}", next: confirm}
  single: {say: "One ticket to {city}", next: confirm}
  confirm:
    ask: Confirm?
    save: ok
    expect: yes_no
    next: [{if: "ok == 'yes'", goto: done}, {goto: hello}]
  done: {say: Booked!}
"""

SCRIPT = ["Book", "Bruxelles", "5", "yes", "help me", "I want a ticket", "2", "no", "Book", "Ghent"]


async def converse(flow, sandbox: Sandbox) -> int:
    conversation = Conversation(flow, variables={"name": "ann"}, sandbox=sandbox)
    await conversation.start()
    for text in SCRIPT:
        if text in ("Book",):
            await conversation.press(text)
        else:
            await conversation.send_text(text)
        if text in ("yes", "no"):
            await conversation.set_variable("city", None)
            await conversation.set_variable("count", None)
            await conversation.set_variable("ok", None)
    return len(SCRIPT)


async def echo(flow, n: int) -> int:
    """Conversation `n` of the echo suite, as the engine alone has it; the number of user messages."""
    async with Conversation(flow) as chat:
        await chat.start()
        for said in conversation(n):
            await chat.send_text(said)
    return len(conversation(n))


async def main(conversations: int) -> None:
    flow = load_flow_text(FLOW, "bench.yaml").flow
    assert flow is not None
    async with Sandbox() as sandbox:
        await converse(flow, sandbox)  # warm up: V8 context, compiled conditions, NLU
        began = time.perf_counter()
        turns = 0
        for _ in range(conversations):
            turns += await converse(flow, sandbox)
        elapsed = time.perf_counter() - began
    print(f"{conversations} conversations, {turns} turns in {elapsed:.2f} s")
    print(f"turns per second: {turns / elapsed:,.0f} (target >= 3,000)")

    echoing = load_flow_text(echo_flow(), "echo.yaml").flow
    assert echoing is not None
    await echo(echoing, 0)
    began = time.process_time()
    messages = 0
    for n in range(10 * conversations):
        messages += await echo(echoing, n)
    elapsed = time.process_time() - began
    print(f"echo flow: {1e6 * elapsed / messages:.0f} µs of engine time per user message ({messages} messages)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=300)
    asyncio.run(main(parser.parse_args().conversations))
