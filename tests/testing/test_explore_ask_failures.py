"""The search's nodes count an ask's failed attempts only up to where every further failure is handled alike, so
an ask with no `give_up` does not make a new node for each wrong answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.testing.flow_on_disk import load_written
from workbench.testing.explore.search import Budget, explore

# `never` is reachable by no input: the search cannot end by reaching everything, only by running out of nodes.
NO_GIVE_UP = """\
name: No give up
start: ask_age
states:
  ask_age:
    ask: How old are you?
    save: age
    expect: number
    next: done
  done:
    say: Thanks.
  never:
    say: Unreachable.
"""


def test_wrong_answers_to_an_ask_without_give_up_end_in_one_node(tmp_path: Path) -> None:
    flow = load_written(tmp_path, NO_GIVE_UP, "no_give_up.yaml")
    turns = 30
    exploration = asyncio.run(explore(flow, budget=Budget(turns=turns)))
    assert exploration.stopped == ""
    # Without the cap each wrong answer is a new node, down to the budget's last turn.
    assert exploration.nodes < turns
