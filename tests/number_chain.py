"""A long flow for tests of searches and runs that take a while, and one conversation through all of it.

`long_flow(asks)` is a chain of `asks` number questions, each routed on its answer; `every_number(asks)` answers
each question once. Importable as `number_chain` from any test (tests/ is on the path of every test run).
"""

from __future__ import annotations


def long_flow(asks: int) -> str:
    """A chain of `asks` number questions, each routed on its answer (`> 5` says "Big"), as a flow file's text."""
    lines = ["name: Long", "start: q0", "states:"]
    for i in range(asks):
        after = f"q{i + 1}" if i + 1 < asks else "end"
        lines += [
            f"  q{i}:",
            f"    ask: Number {i}?",
            f"    save: n{i}",
            "    expect: number",
            f"    next: r{i}",
            f"  r{i}:",
            "    next:",
            f"      - if: n{i} > 5",
            f"        goto: big{i}",
            f"      - goto: {after}",
            f"  big{i}:",
            f"    say: Big {i}.",
            f"    next: {after}",
        ]
    lines += ["  end:", "    say: Done."]
    return "\n".join(lines) + "\n"


def every_number(asks: int) -> str:
    """One conversation through the whole of `long_flow(asks)` (saved as long.yaml), as a .convo.yaml file's text."""
    turns = []
    for i in range(asks):
        turns += [f"      - bot: Number {i}?", f'      - user: "{i % 10}"']
        turns += [f"      - bot: Big {i}."] if i % 10 > 5 else []
    convo = ["flow: long.yaml", "conversations:", "  - name: every number", "    turns:", *turns, "      - bot: Done."]
    return "\n".join(convo) + "\n"
