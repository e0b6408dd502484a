"""`workbench mutate`: each operator makes the change it names and the mutant loads; the suite's coverage picks
the conversations each mutant is judged by; the score; the command end to end on a flow whose survivors are
known."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.flow.loader import load_flow
from workbench.flow.model import Flow
from workbench.testing.mutate import run as run_module
from workbench.testing.mutate.conditions import condition_mutants
from workbench.testing.mutate.document import MutantLoader, read_document
from workbench.testing.mutate.operators import Mutant, mutants
from workbench.testing.mutate.run import MutationRun, Verdict, mutate

FLOW = """\
name: Tiny
start: ask_age
variables: {greeting: hello}
states:
  ask_age:
    ask: How old are you?
    save: age
    expect: number
    give_up_goto: minor
    next: route
  route:
    next:
      - if: age >= 18
        goto: adult
      - goto: minor
  adult:
    say: Welcome, adult.
    set: {grown: yes}
  minor:
    say:
      - Sorry, too young.
      - text: Try again?
        buttons:
          - {title: Again, goto: forget, set: {retried: yes}}
  forget:
    clear_session: [age, retried]
    next: ask_age
  wipe:
    clear_session: all
    next: ask_age
"""

CONVERSATIONS = """\
flow: tiny.yaml
conversations:
  - name: an adult is welcome
    turns:
      - bot: How old are you?
      - user: "30"
      - bot: Welcome, adult.
  - name: a minor may try again
    turns:
      - bot: How old are you?
      - user: "10"
      - bot: Sorry, too young.
      - click: Again
      - bot: How old are you?
"""

SURVIVORS = {
    "ask_age.expect: number → any",
    "route.next[0].if: age >= 18 → age > 18",
    "adult.set: drop grown",
    "minor.say[1].buttons[0].set: drop retried",
    "forget.clear_session: drop retried",
    "wipe.next: ask_age → route",
    "wipe.clear_session: all → keep age",
    "ask_age.give_up_goto: minor → forget",
    "minor.say[1].buttons[0] (Again).goto: forget → wipe",
}
"""The changes the two conversations above cannot notice: `wipe` is reached by none; no conversation gives up or
sits on the boundary age; `grown` and `retried` are read by nobody; and `Again` to `wipe` instead of `forget` is
an equivalent mutant (both clear `age` and ask again)."""


def write_tiny(folder: Path) -> Path:
    """The tiny flow and its two conversations written into `folder`; the flow file's path."""
    (folder / "tiny.convo.yaml").write_text(CONVERSATIONS, encoding="utf-8")
    path = folder / "tiny.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return path


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    """The tiny flow and its two conversations in a folder of their own."""
    return write_tiny(tmp_path)


def _mutant(path: Path, change: str) -> tuple[Mutant, Flow]:
    flow = load_flow(path).flow
    assert flow is not None
    found = {m.change: m for m in mutants(read_document(FLOW))}
    assert change in found, sorted(found)
    loaded = MutantLoader(flow).load(found[change].document)
    assert loaded.flow is not None, [str(p) for p in loaded.errors]
    return found[change], loaded.flow


@pytest.mark.parametrize(
    ("change", "operator", "holds"),
    [
        ("ask_age.next: route → adult", "retarget", lambda f: f.states["ask_age"].next[0].goto == "adult"),
        (
            "ask_age.give_up_goto: minor → forget",
            "retarget",
            lambda f: f.states["ask_age"].ask.give_up_goto == "forget",
        ),
        ("route.next[1].goto: minor → forget", "retarget", lambda f: f.states["route"].next[1].goto == "forget"),
        (
            "minor.say[1].buttons[0] (Again).goto: forget → wipe",
            "retarget_choice",
            lambda f: f.states["minor"].say[1].buttons[0].goto == "wipe",
        ),
        (
            "route.next[0].if: age >= 18 → !(age >= 18)",
            "condition",
            lambda f: f.states["route"].next[0].condition == "!(age >= 18)",
        ),
        (
            "route.next[0].if: age >= 18 → age > 18",
            "condition",
            lambda f: f.states["route"].next[0].condition == "age > 18",
        ),
        (
            "route.next: drop route 1 (→ adult)",
            "drop_route",
            lambda f: [r.goto for r in f.states["route"].next] == ["minor"],
        ),
        (
            "route.next: swap routes 1 and 2",
            "swap_routes",
            lambda f: [r.goto for r in f.states["route"].next] == ["minor", "adult"],
        ),
        ("adult.set: drop grown", "drop_set", lambda f: f.states["adult"].set == {}),
        (
            "minor.say[1].buttons[0].set: drop retried",
            "drop_set",
            lambda f: f.states["minor"].say[1].buttons[0].set == {},
        ),
        ("ask_age.expect: number → any", "expect", lambda f: f.states["ask_age"].ask.expect == "any"),
        (
            "minor.say: drop message 1 (Sorry, too young.)",
            "delete_message",
            lambda f: f.states["minor"].say[0].text == "Try again?",
        ),
        ("adult.say: drop message 1 (Welcome, adult.)", "delete_message", lambda f: f.states["adult"].say == ()),
        (
            "forget.clear_session: drop age",
            "clear_session",
            lambda f: f.states["forget"].clear_session.names == ("retried",),
        ),
        (
            "wipe.clear_session: all → keep age",
            "clear_session",
            lambda f: (f.states["wipe"].clear_session.mode, f.states["wipe"].clear_session.names) == ("keep", ("age",)),
        ),
    ],
)
def test_each_operator_makes_the_change_it_names_and_the_mutant_loads(flow_file, change, operator, holds) -> None:
    mutant, flow = _mutant(flow_file, change)
    assert mutant.operator == operator
    assert mutant.state == change.split(".")[0]
    assert holds(flow)


def test_a_mutant_keeps_the_flow_path_and_has_no_variants_left_from_the_original(flow_file: Path) -> None:
    _, flow = _mutant(flow_file, "ask_age.next: route → adult")
    assert flow.path == flow_file
    assert flow.variants == {}


def test_mutants_come_in_the_same_order_every_time_and_leave_the_document_alone() -> None:
    document = read_document(FLOW)
    first = [m.change for m in mutants(document)]
    assert first == [m.change for m in mutants(document)]
    assert document == read_document(FLOW)
    assert first[0] == "ask_age.next: route → adult"


def test_condition_operators_change_one_operator_at_a_time_outside_strings() -> None:
    assert list(condition_mutants("a > 1 && b == '>'")) == [
        "!(a > 1 && b == '>')",
        "a >= 1 && b == '>'",
        "a > 1 || b == '>'",
        "a > 1 && b != '>'",
    ]


def test_a_mutant_that_does_not_load_is_counted_invalid_and_the_run_goes_on(flow_file: Path, monkeypatch) -> None:
    # Every operator's mutants load (the operator tests check that); a hand-made change that the loader refuses
    # stands for one that would not.
    def with_a_broken_one(document: dict) -> Iterator[Mutant]:
        broken = copy.deepcopy(document)
        broken["states"]["adult"]["next"] = "nowhere"
        yield Mutant("retarget", "adult", "adult.next: → nowhere", broken)
        yield from mutants(document)

    monkeypatch.setattr(run_module, "mutants", with_a_broken_one)
    run = mutate(flow_file)
    assert (run.verdicts[0].change, run.verdicts[0].outcome) == ("adult.next: → nowhere", "invalid")
    assert run.count("invalid") == 1
    assert {v.change for v in run.verdicts if v.outcome == "survived"} == SURVIVORS


def test_each_mutant_is_judged_by_the_conversations_that_reach_its_state(flow_file: Path) -> None:
    run = mutate(flow_file)
    covered = {v.state: v.covered for v in run.verdicts}
    assert covered == {"ask_age": 2, "route": 2, "adult": 1, "minor": 1, "forget": 1, "wipe": 0}
    killers = {v.change: v.killed_by.rpartition("::")[2] for v in run.verdicts if v.outcome == "killed"}
    assert killers["adult.say: drop message 1 (Welcome, adult.)"] == "an adult is welcome"
    assert killers["forget.clear_session: drop age"] == "a minor may try again"


SPIN = """\
name: Spin
start: greet
states:
  greet:
    say: hi
    set: {fast: yes}
    next: route
  route:
    next:
      - if: fast == 'yes'
        goto: done
      - goto: spin
  spin:
    code: "while (true) {}"
    timeout: 60
    next: done
  done:
    say: bye
"""


def test_a_mutant_whose_conversations_outlast_the_bound_times_out_and_counts_as_caught(tmp_path: Path) -> None:
    path = tmp_path / "spin.yaml"
    path.write_text(SPIN, encoding="utf-8")
    (tmp_path / "spin.convo.yaml").write_text("flow: spin.yaml\nturns:\n  - bot: hi\n  - bot: bye\n", encoding="utf-8")
    run = mutate(path, timeout=1.0)
    outcomes = {v.change: v.outcome for v in run.verdicts}
    assert outcomes["greet.set: drop fast"] == "timed out"  # the code action would spin for 60 s
    assert outcomes["done.say: drop message 1 (bye)"] == "killed"  # judged after the timed-out one, by a new runner


def test_the_score_is_caught_mutants_among_those_that_load() -> None:
    def verdict(outcome: str) -> Verdict:
        return Verdict("retarget", "s", "s.next: a → b", outcome)  # type: ignore[arg-type]

    outcomes = ["killed", "killed", "timed out", "survived", "invalid"]
    run = MutationRun(Path("f.yaml"), tuple(verdict(o) for o in outcomes), conversations=1, baseline_failing=0)
    assert run.score == 75.0
    assert MutationRun(Path("f.yaml"), (), 0, 0).score == 100.0


def test_workbench_mutate_reports_the_known_survivors_and_fails_under_min_score(flow_file: Path) -> None:
    report = flow_file.with_name("mutants.json")
    done = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "mutate", str(flow_file), "--json", str(report), "--min-score", "90"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert {m["change"] for m in data["mutants"] if m["outcome"] == "survived"} == SURVIVORS
    assert data["counts"]["invalid"] == 0
    assert f"mutation score: {data['score']:g}%" in done.stdout
    assert "  wipe (no conversation reaches it)\n    wipe.next: ask_age → route" in done.stdout
