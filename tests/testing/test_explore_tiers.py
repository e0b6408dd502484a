"""The search's two tiers: places first, other variable values after, and an end when values stop paying off;
the caller's `stop`; the offload answered and handed back; and the reasons for what only an outcome reaches."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.testing.flow_on_disk import load_written
from workbench.flow.model import Flow
from workbench.testing.explore.report import (
    CONSOLE_TAKES_IT,
    NO_CODE_FAILURE,
    NO_INPUT,
    STOPPED,
    report_data,
    report_text,
)
from workbench.testing.explore.search import STOPPED_BY_USER, Budget, Exploration, explore, patience


def explored(flow: Flow, **options: object) -> Exploration:
    return asyncio.run(explore(flow, **options))  # type: ignore[arg-type]


# Each answer is kept for ever (an ask whose variable is set is skipped), so the sessions at `menu` multiply: eight
# answers to each of four asks. `big` needs a large answer to `a` before `check`, which the first way to `check`
# did not give; `never` is reached by nothing.
ANSWERS = """\
name: Answers
start: menu
states:
  menu:
    say:
      - text: Pick one
        buttons:
          - {title: A, goto: ask_a}
          - {title: B, goto: ask_b}
          - {title: C, goto: ask_c}
          - {title: D, goto: ask_d}
          - {title: Check, goto: check}
  ask_a: {ask: A?, save: a, expect: number, next: menu}
  ask_b: {ask: B?, save: b, expect: number, next: menu}
  ask_c: {ask: C?, save: c, expect: number, next: menu}
  ask_d: {ask: D?, save: d, expect: number, next: menu}
  check:
    next:
      - if: a > 100
        goto: big
      - if: c === 7 || d === 7
        goto: seven
      - goto: menu
  big:
    say: A is big.
  seven:
    say: Seven.
  never:
    say: Nobody comes here.
"""


def test_variable_values_are_tried_after_places_and_the_search_ends_when_they_stop_reaching_anything(
    tmp_path: Path,
) -> None:
    flow = load_written(tmp_path, ANSWERS)
    exploration = explored(flow, budget=Budget(conversations=100_000, seconds=600))
    assert exploration.ended == "values"
    assert exploration.stopped == (
        f"no new state or transition in the last {patience(flow)} conversations that differ only by variable values"
    )
    missed = exploration.coverage.missed()
    assert missed["states"] == ["never"]
    why = {s["name"]: s["why"] for s in report_data(exploration, [])["states"] if s["why"]}
    assert why == {"never": NO_INPUT}  # not "budget ran out": the budget did not stop it


def test_the_search_is_the_same_every_time(tmp_path: Path) -> None:
    flow = load_written(tmp_path, ANSWERS)
    runs = [explored(flow, budget=Budget(conversations=300)) for _ in range(2)]
    first, second = ([(k.played.path, k.reached) for k in run.kept] for run in runs)
    assert first == second


def test_stop_ends_the_search_between_replays_and_the_report_says_so(tmp_path: Path) -> None:
    flow = load_written(tmp_path, ANSWERS)
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 5

    exploration = explored(flow, stop=stop)
    assert exploration.replays == 5
    assert exploration.ended == "user" and exploration.stopped == STOPPED_BY_USER
    assert {s["why"] for s in report_data(exploration, [])["states"] if not s["reached"]} == {STOPPED}


# `total` is computed from the answer, so the condition solver cannot steer it: only a large answer takes `big`.
TOTALS = """\
name: Totals
start: ask_n
states:
  ask_n:
    ask: How many?
    save: n
    expect: number
    next: compute
  compute:
    code: |
      ChatlayerResponseBuilder().addSessionVariable('total', Number(args.n) * 2).send();
    args: {n: '{n}'}
    next: route
    on_error: broken
  route:
    next:
      - if: total > 300
        goto: big
      - goto: small
  big:
    say: Big.
  small:
    say: Small.
  broken:
    say: The code failed.
"""


def test_a_route_over_a_value_computed_from_an_answer_is_taken_and_a_code_action_that_cannot_fail_says_so(
    tmp_path: Path,
) -> None:
    exploration = explored(load_written(tmp_path, TOTALS))
    assert exploration.ended == "exhausted" and exploration.stopped == ""
    assert exploration.coverage.states["big"] and exploration.coverage.states["small"]
    data = report_data(exploration, [])
    assert {t["to"]: t["reason"] for t in data["transitions"] if not t["reached"]} == {"broken": NO_CODE_FAILURE}
    assert {s["name"]: s["why"] for s in data["states"] if not s["reached"]} == {"broken": NO_CODE_FAILURE}


OFFLOAD = """\
name: Offload
start: hello
nlu:
  intents:
    talk_to_human: [talk to a person]
states:
  hello:
    say: Hello! Ask for a person whenever you like.
  handover:
    intent: talk_to_human
    offload: {provider: console, message: One moment.}
  offloading_closed:
    say: Back with the bot.
    next: hello
"""


def test_an_offload_is_answered_and_handed_back_to_offloading_closed(tmp_path: Path) -> None:
    exploration = explored(load_written(tmp_path, OFFLOAD))
    coverage = exploration.coverage
    assert coverage.states["offloading_closed"]
    assert coverage.edges[("offloading_closed", "hello", "next", None)].hits
    moves = {move.label for kept in exploration.kept for move in kept.played.path.moves}
    assert "hand back to offloading_closed" in moves
    reasons = {(t["from"], t["to"]): t["reason"] for t in report_data(exploration, [])["transitions"] if t["reason"]}
    assert reasons == {("handover", "offloading_closed"): CONSOLE_TAKES_IT}
    assert f"✗ handover → offloading_closed (offload) — {CONSOLE_TAKES_IT}" in report_text(exploration, [], "out")
