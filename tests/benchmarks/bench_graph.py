"""Benchmark: load a generated 1,000-state flow and show it in the graph. Run `python tests/benchmarks/bench_graph.py`.

The flow looks like a real one: a main menu, category menus, topics of ~20 states (say, ask, code, routers, API
calls with error handling, JSON, iframes) with mostly local edges, routes that skip ahead, "change" buttons that go
back a few states, endings that go back to the menus, one intent per topic and the system states. Prints the time
of each step and exits 1 when the total is over budget. Named bench_*.py so that the default test run does not
collect it.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from workbench.flow.loader import load_flow_text
from workbench.gui.graph.flow_graph import FlowGraph
from workbench.gui.graph.layout import layered_layout
from workbench.gui.graph.view import GraphView

STATES = 1000
CATEGORIES = 8
TOPIC_LENGTH = 20
BUDGET_SECONDS = 2.0
FIXED_STATES = ("welcome", "ask_name", "main_menu", "api_failed", "handover", "offloading_closed", "start_over")


def topic_state(t: int, j: int, length: int, category: int) -> str:
    """State j of topic t: a mix of kinds with local edges, some routes, buttons and back edges."""
    name = f"t{t}_{j}"
    nxt = f"t{t}_{j + 1}"
    if j == length - 1:
        return (
            f"  {name}:\n    say:\n      - text: Done with topic {t}. Anything else?\n        buttons:\n"
            f"          - {{title: Main menu, goto: main_menu}}\n"
            f"          - {{title: More like this, goto: cat{category}}}\n"
        )
    if j == 0:
        return f"  {name}:\n    intent: topic_{t}\n    say: Let's talk about topic {t}.\n    next: {nxt}\n"
    if t % 3 == 0 and j == length - 2:
        return f"  {name}:\n    iframe: {{url: 'https://example.org/t{t}.html', height: 200}}\n"
    kind = j % 7
    if kind == 1:
        return f"  {name}:\n    ask: How many for step {j}?\n    save: n_{t}_{j}\n    expect: number\n    next: {nxt}\n"
    if kind == 2:
        return (
            f"  {name}:\n    code: |\n      const total = Number(args.n) * {j};\n"
            f"      ChatlayerResponseBuilder().addSessionVariable('total', total).send();\n"
            f"    args: {{n: '{{n_{t}_{j - 1}}}'}}\n    next: {nxt}\n    on_error: error_occurred\n"
        )
    if kind == 3:
        skip = f"t{t}_{min(j + 3, length - 1)}"
        away = f"cat{category}" if t % 4 == 0 else f"t{t}_{min(j + 2, length - 1)}"
        return (
            f"  {name}:\n    next:\n      - if: total > {j * 10}\n        goto: {skip}\n"
            f"      - if: n_{t}_{j - 2} === 0\n        goto: {away}\n      - goto: {nxt}\n"
        )
    if kind == 4:
        return (
            f"  {name}:\n    api:\n      method: POST\n      url: '{{api_base}}/topics/{t}/{j}'\n"
            f"      body: {{step: {j}}}\n    next: {nxt}\n    on_error: api_failed\n"
        )
    if kind == 5:
        return (
            f"  {name}:\n    say:\n      - text: Is that right?\n        buttons:\n"
            f"          - {{title: 'Yes', goto: {nxt}}}\n          - {{title: Change it, goto: t{t}_{j - 4}}}\n"
        )
    if kind == 6:
        return f"  {name}:\n    json: {{event: step, topic: {t}, step: {j}}}\n    next: {nxt}\n"
    return f"  {name}:\n    say: Step {j} of topic {t}.\n    next: {nxt}\n"


def flow_text(states: int = STATES) -> str:
    """A flow file with `states` states (at least a few hundred)."""
    topic_states = states - len(FIXED_STATES) - CATEGORIES - 1
    topics, extra = divmod(topic_states, TOPIC_LENGTH)
    lengths = [TOPIC_LENGTH + (1 if t < extra else 0) for t in range(topics)]
    per_category = -(-topics // CATEGORIES)
    intents = "".join(f"    topic_{t}: [topic {t} please, about topic {t}]\n" for t in range(topics))
    head = (
        "name: Graph benchmark\nstart: welcome\nvariables: {api_base: 'http://localhost', total: 0}\n"
        "nlu:\n  fallback: not_understood\n  intents:\n"
        "    start_over: [start over]\n    talk_to_human: [talk to a person]\n" + intents + "states:\n"
    )
    cats = "".join(f"          - {{title: Category {c}, goto: cat{c}}}\n" for c in range(CATEGORIES))
    fixed = (
        "  welcome:\n    say: Welcome!\n    next: ask_name\n"
        "  ask_name:\n    ask: What is your name?\n    save: first_name\n    next: main_menu\n"
        f"  main_menu:\n    say:\n      - text: What would you like?\n        quick_replies:\n{cats}"
        "  api_failed:\n    say: Sorry, that did not work.\n    next: handover\n"
        "  handover:\n    intent: talk_to_human\n    offload: {provider: console, message: One moment.}\n"
        "  offloading_closed:\n    say: Back with the bot.\n    next: main_menu\n"
        "  start_over:\n    intent: start_over\n    clear_session: all\n    next: welcome\n"
        "  not_understood:\n    say: Sorry, I did not get that.\n"
    )
    parts = [head, fixed]
    for c in range(CATEGORIES):
        mine = range(c * per_category, min((c + 1) * per_category, topics))
        buttons = "".join(f"          - {{title: Topic {t}, goto: t{t}_0}}\n" for t in mine)
        parts.append(
            f"  cat{c}:\n    say:\n      - text: Category {c}\n        buttons:\n{buttons}"
            f"          - {{title: Back, goto: main_menu}}\n"
        )
    for t, length in enumerate(lengths):
        parts.extend(topic_state(t, j, length, t // per_category) for j in range(length))
    return "".join(parts)


def main() -> int:
    """Generate, load, lay out and build the scene; print each step's time."""
    app = QApplication.instance() or QApplication(sys.argv)
    text = flow_text()
    started = time.perf_counter()
    result = load_flow_text(text, "bench_graph.yaml")
    loaded = time.perf_counter()
    if result.flow is None:
        print("\n".join(str(p) for p in result.errors))
        return 1
    flow = result.flow
    view = GraphView()
    graph = FlowGraph.from_flow(flow)
    sizes = view.node_sizes(graph)
    before_layout = time.perf_counter()
    layout = layered_layout(
        [n.name for n in graph.nodes], [(e.source, e.target) for e in graph.edges], sizes, start=graph.start
    )
    laid_out = time.perf_counter()
    view.set_graph(graph, layout)
    built = time.perf_counter()
    view.resize(1200, 900)
    view.show()
    view.fit()
    app.processEvents()
    shown = time.perf_counter()
    total = shown - started
    print(
        f"{len(graph.nodes)} nodes, {len(graph.edges)} edges, {len(graph.stubs)} stubs, "
        f"{max(layout.layers.values()) + 1} layers, {layout.crossings} crossings, "
        f"{layout.width:.0f}x{layout.height:.0f} px\n"
        f"load+validate {1000 * (loaded - started):.0f} ms, graph+sizes {1000 * (before_layout - loaded):.0f} ms, "
        f"layout {1000 * (laid_out - before_layout):.0f} ms, scene {1000 * (built - laid_out):.0f} ms, "
        f"first paint {1000 * (shown - built):.0f} ms; total {1000 * total:.0f} ms "
        f"(budget {BUDGET_SECONDS * 1000:.0f} ms)"
    )
    return 0 if total < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
