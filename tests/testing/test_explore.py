"""`workbench explore`: the search reaches every reachable state, writes a suite that replays, the same bytes
every time, within its budget, and says why what it did not reach was not reached."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.testing.flow_on_disk import load_written
from workbench.flow.loader import load_flow
from workbench.flow.model import Flow
from workbench.sample import SAMPLE_FLOW
from workbench.testing.explore.output import verify, write_suite
from workbench.testing.explore.report import BUDGET, CONDITION, NO_INPUT, report_data
from workbench.testing.explore.search import Budget, Exploration, explore

SMALL = """\
name: Small
start: hello
nlu:
  intents:
    help: [I need help, help me please]
states:
  hello:
    say:
      - text: Hi! Pick one
        buttons:
          - {title: Count, goto: ask_count}
          - {title: Code, goto: ask_code}
  ask_count:
    ask: How many?
    save: count
    expect: number
    retry: Not a number.
    give_up: Never mind.
    give_up_goto: hello
    next: route
  route:
    next:
      - if: internal.channel == 'facebook'
        goto: social
      - if: count > 10
        goto: many
      - goto: few
  social:
    say: Hello Facebook.
  many:
    say: That is {count}, many!
  few:
    say: Only {count}.
  ask_code:
    ask: Your code?
    save: code
    expect: /^[A-Z]{2}\\d{3}$/
    next: lookup
  lookup:
    api: {method: GET, url: "http://127.0.0.1:9/codes/{code}", save: {owner: owner.name}}
    on_error: failed
    next: found
  found:
    say: Code {code} belongs to {owner}.
  failed:
    say: Lookup failed.
  helper:
    intent: help
    say: Here is some help.
  orphan:
    say: Nobody comes here.
"""


def small_flow(folder: Path) -> Flow:
    return load_written(folder, SMALL, "small.yaml")


def explored(flow: Flow, budget: Budget | None = None) -> Exploration:
    return asyncio.run(explore(flow, budget=budget or Budget()))


def written_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.convo.yaml"))}


def test_the_small_flow_is_explored_and_what_is_not_reached_says_why(tmp_path: Path) -> None:
    exploration = explored(small_flow(tmp_path))
    data = report_data(exploration, [])
    why = {state["name"]: state["why"] for state in data["states"]}
    assert not exploration.cut_short  # it ends on its own: out of nodes, or of values worth trying
    assert why == {
        "hello": "", "ask_count": "", "route": "", "many": "", "few": "", "ask_code": "", "lookup": "",
        "found": "", "failed": "", "helper": "",
        "social": f"{CONDITION}: internal.channel == 'facebook'",
        "orphan": NO_INPUT,
    }  # fmt: skip
    transitions = {(t["from"], t["to"], t["why"]): t["reached"] for t in data["transitions"]}
    assert transitions[("ask_count", "hello", "give_up")]  # three refused answers
    assert transitions[("lookup", "failed", "on_error")]  # the canned failure
    assert transitions[("*", "helper", "intent")]


def test_the_written_suite_replays_and_asserts_states_vars_and_filled_in_texts(tmp_path: Path) -> None:
    exploration = explored(small_flow(tmp_path))
    written = asyncio.run(verify(write_suite(exploration, tmp_path / "explored")))
    assert written and all(not w.failure for w in written), [w.failure for w in written if w.failure]
    names = [w.name for w in written]
    assert "ask_count: '12' → many" in names
    many = next(w.path for w in written if w.name == "ask_count: '12' → many").read_text(encoding="utf-8")
    assert "  - bot: /^That is ?.*, many!$/\n  - state: many\n  - vars: {count: 12}\n" in many


def test_running_twice_on_an_unchanged_flow_writes_the_same_bytes(tmp_path: Path) -> None:
    flow = small_flow(tmp_path)
    write_suite(explored(flow), tmp_path / "first")
    write_suite(explored(flow), tmp_path / "second")
    first, second = written_files(tmp_path / "first"), written_files(tmp_path / "second")
    assert first and first == second


def test_a_second_run_replaces_its_own_files_and_keeps_the_others(tmp_path: Path) -> None:
    flow, folder = small_flow(tmp_path), tmp_path / "explored"
    folder.mkdir()
    (folder / "mine.convo.yaml").write_text("# by hand\n", encoding="utf-8")
    (folder / "999-stale.convo.yaml").write_text(write_suite_mark(), encoding="utf-8")
    write_suite(explored(flow), folder)
    names = set(written_files(folder))
    assert "mine.convo.yaml" in names and "999-stale.convo.yaml" not in names


def write_suite_mark() -> str:
    from workbench.testing.explore.writer import MARK

    return MARK + "\n"


def test_the_budget_stops_the_search_and_the_report_says_so(tmp_path: Path) -> None:
    exploration = explored(small_flow(tmp_path), Budget(conversations=3))
    assert exploration.replays == 3
    assert exploration.stopped == "the budget of 3 conversations ran out"
    reasons = {state["why"] for state in report_data(exploration, [])["states"] if not state["reached"]}
    assert reasons == {BUDGET}


def test_the_budget_of_turns_bounds_each_conversation(tmp_path: Path) -> None:
    exploration = explored(small_flow(tmp_path), Budget(turns=1))
    assert max(len(k.played.path.moves) for k in exploration.kept) == 1
    assert not exploration.coverage.states["many"]  # two inputs away


def test_the_sample_is_fully_explored_and_its_suite_passes(tmp_path: Path) -> None:
    flow = load_flow(SAMPLE_FLOW).flow
    assert flow is not None
    exploration = explored(flow)
    totals = exploration.coverage.totals()
    assert [t["percent"] for t in totals.values()] == [100.0, 100.0, 100.0]
    written = asyncio.run(verify(write_suite(exploration, tmp_path)))
    assert all(not w.failure for w in written), [w.failure for w in written if w.failure]


def test_workbench_explore_writes_a_suite_that_workbench_test_passes(tmp_path: Path) -> None:
    small_flow(tmp_path)
    command = [sys.executable, "-m", "workbench.cli"]
    run = subprocess.run(
        [*command, "explore", "small.yaml", "--json", "report.json"], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "States 10/12 (83.3%)" in run.stdout
    assert f"✗ orphan — {NO_INPUT}" in run.stdout
    assert "explore: " in run.stderr  # progress
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["states"] == {"covered": 10, "total": 12, "percent": 83.3}
    replayed = subprocess.run([*command, "test", "explored"], cwd=tmp_path, capture_output=True, text=True)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert f"{len(report['conversations'])} passed" in replayed.stdout


def test_a_flow_with_errors_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(textwrap.dedent("name: x\nstart: nowhere\nstates: {a: {say: hi}}\n"))
    run = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "explore", "bad.yaml"], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 2 and "nowhere" in run.stderr


def test_an_ask_is_also_answered_with_the_values_the_condition_solver_chose(tmp_path: Path) -> None:
    from workbench.testing.explore.moves import MoveMaker
    from workbench.testing.explore.route_answers import route_answers

    flow = small_flow(tmp_path)
    steering = route_answers(flow)["count"]
    assert steering and all(float(text) > 10 for text in steering[:1])
    offered = [move.value for move in MoveMaker(flow).answer_moves(flow.states["ask_count"])]
    assert steering[0] in offered and offered[-1] == "no idea"  # the failing answer comes last
