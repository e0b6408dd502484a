"""Replay 1,000 conversations of 10 turns and print conversations per second, for 1 and 2 worker processes.

Run it with `python tests/benchmarks/bench_replay.py [--conversations N] [--workers 1 2 4]`. The flow has no
network I/O (no API or code action; its routes evaluate JavaScript conditions in the shared sandbox). The
target is the whole 1,000-conversation suite in under 5 s on one core.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from workbench.testing import suite
from workbench.testing.convo_format import find_convo_files

FLOW = """
name: Benchmark
start: welcome
nlu:
  fallback: not_understood
  intents:
    order: [I want to order, order something, place an order]
    help: [help me, I need help]
states:
  welcome:
    say:
      - text: Hello {first_name}! What can I do?
        buttons:
          - {title: Order, goto: ask_item}
          - {title: Help, goto: help}
  help:
    intent: help
    say: Ask me to order something.
  ask_item:
    intent: order
    ask: What would you like?
    save: item
    next: ask_count
  ask_count:
    ask: How many {item}?
    save: count
    expect: number
    retry: Please give a number.
    next: route
  route:
    next:
      - if: count > 10
        goto: bulk
      - goto: confirm
  bulk:
    say: That is a bulk order.
    next: confirm
  confirm:
    say:
      - text: "{count} x {item}, shall I order?"
        quick_replies:
          - {title: "Yes", goto: done}
          - {title: "No", goto: welcome}
  done:
    say: Ordered!
  not_understood:
    say: Sorry?
"""

CONVERSATION = """
  - name: order {n}
    variables: {{first_name: User{n}}}
    turns:
      - bot: {{text: Hello User{n}! What can I do?, buttons: [Order, Help]}}
      - click: Order
      - bot: What would you like?
      - user: item{n}
      - bot: /How many item{n}/
      - user: "{count}"
      - state: confirm
      - vars: {{item: item{n}}}
      - click: "Yes"
      - bot: Ordered!
"""


def write_suite(folder: Path, conversations: int, per_file: int = 50) -> None:
    """The benchmark flow and `conversations` tests of 10 turns, `per_file` to a convo file."""
    (folder / "bench.yaml").write_text(FLOW, encoding="utf-8")
    for start in range(0, conversations, per_file):
        body = "".join(
            CONVERSATION.format(n=n, count=5 + n % 10) for n in range(start, min(start + per_file, conversations))
        )
        (folder / f"bench_{start:05d}.convo.yaml").write_text(f"flow: bench.yaml\nconversations:{body}")


def main() -> None:
    """Write the suite to a temporary folder, replay it with each worker count, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_suite(folder, args.conversations)
        files = find_convo_files([folder])
        for workers in args.workers:
            began = time.perf_counter()
            result = suite.run(suite.stream(files), workers=workers)  # as `workbench test` does
            elapsed = time.perf_counter() - began
            assert result.count("passed") == args.conversations, [
                r.failure.report() for r in result.results if r.failure
            ][:1]
            print(
                f"{workers} worker(s): {args.conversations} conversations of 10 turns in {elapsed:.2f} s "
                f"= {args.conversations / elapsed:.0f} conversations/s"
            )


if __name__ == "__main__":
    main()
