"""The explorer's report passes the condition solver's own reason through for a route it found impossible or could
not decide, rather than only naming the condition."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.testing.flow_on_disk import load_written
from workbench.testing.explore.report import CONDITION, report_data
from workbench.testing.explore.search import explore

ROUTES = """\
name: Routes
start: ask_count
states:
  ask_count:
    ask: How many?
    save: count
    expect: number
    next: route
  route:
    next:
      - if: count > 10
        goto: many
      - if: count > 20
        goto: lots
      - if: Math.random() > 2
        goto: lucky
      - goto: few
  many:
    say: Many.
  lots:
    say: Lots.
  lucky:
    say: Lucky.
  few:
    say: Few.
"""


def test_an_impossible_and_an_undecided_route_say_what_the_solver_found(tmp_path: Path) -> None:
    flow = load_written(tmp_path, ROUTES, "routes.yaml")
    data = report_data(asyncio.run(explore(flow)), [])
    why = {state["name"]: state["why"] for state in data["states"] if not state["reached"]}
    assert why == {
        "lots": f"{CONDITION}: count > 20 (impossible: no session values the solver could find make route 2's "
        "condition true and every route before route 2 false)",
        "lucky": f"{CONDITION}: Math.random() > 2 (undecided: route 3 calls a method the solver does not know: "
        "`Math.random()`)",
    }
    reasons = {t["to"]: t["reason"] for t in data["transitions"] if not t["reached"]}
    assert reasons == why
