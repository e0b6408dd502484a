"""Benchmark: load and validate a generated 1,000-state flow. Run `python tests/benchmarks/bench_flow_load.py`.

Named bench_*.py so that the default test run does not collect it.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from workbench.flow.loader import load_flow
from workbench.flow.validate import js_syntax_error

STATES = 1000
BUDGET_SECONDS = 0.5


def state_yaml(i: int) -> str:
    """One state of a realistic mix: messages with buttons, asks, code, routers, API calls and JSON."""
    nxt = f"s{(i + 1) % STATES}"
    kind = i % 6
    if kind == 0:
        return (
            f"  s{i}:\n    say:\n      - Hello {{first_name|capitalize}}, this is step {i}.\n"
            f"      - text: Pick one\n        buttons:\n"
            f"          - {{title: Go on, set: {{choice: a}}, goto: {nxt}}}\n"
            f"          - {{title: Help, url: 'https://example.org/help'}}\n"
            f"        quick_replies: [yes, no]\n    next: {nxt}\n"
        )
    if kind == 1:
        return (
            f"  s{i}:\n    ask: What is your e-mail, {{first_name}}?\n    save: email_{i}\n"
            f"    expect: email\n    retry: That is not an e-mail address.\n    next: {nxt}\n"
        )
    if kind == 2:
        return (
            f"  s{i}:\n    code: |\n      const total = Number(args.amount) * {i};\n"
            f"      if (total > 10) {{\n        console.log('big', total);\n      }}\n"
            f"      ChatlayerResponseBuilder().addSessionVariable('total_{i}', total).send();\n"
            f"    args: {{amount: '{{amount}}'}}\n    next: {nxt}\n"
        )
    if kind == 3:
        return (
            f"  s{i}:\n    next:\n      - if: total_{i - 1} > 100 && choice === 'a'\n        goto: {nxt}\n"
            f"      - goto: s{(i + 2) % STATES}\n"
        )
    if kind == 4:
        return (
            f"  s{i}:\n    api:\n      method: POST\n      url: '{{api_base}}/items/{i}'\n"
            f"      body: {{id: {i}, who: {{var: first_name}}}}\n      save: {{item_{i}: data.id}}\n"
            f"    next: {nxt}\n    on_error: s0\n"
        )
    return f"  s{i}:\n    json: {{event: step, step: {i}, item: '{{item_{i - 1}}}'}}\n    next: {nxt}\n"


def flow_text() -> str:
    """A 1,000-state flow file."""
    head = (
        "name: Benchmark\nstart: s0\nvariables: {first_name: Ann, amount: 3, api_base: 'http://localhost'}\n"
        "nlu:\n  intents:\n    restart: [start over, restart]\n  fallback: s0\nstates:\n"
    )
    return head + "".join(state_yaml(i) for i in range(STATES))


def main() -> int:
    """Write the flow to a temporary folder, load it a few times (each a first load) and print the times."""
    text = flow_text()
    times: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.yaml"
        path.write_text(text, encoding="utf-8")
        for _ in range(5):
            js_syntax_error.cache_clear()
            started = time.perf_counter()
            result = load_flow(path)
            times.append(time.perf_counter() - started)
    if result.flow is None:
        print("\n".join(str(p) for p in result.errors))
        return 1
    print(
        f"{len(result.flow.states)} states ({len(text) // 1024} KiB): load+validate "
        f"best {min(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms, budget {BUDGET_SECONDS * 1000:.0f} ms"
    )
    return 0 if max(times) < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
