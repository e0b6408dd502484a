"""The explorer's answers to an `ask`: each `expect` gets values the engine accepts and values it refuses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.testing.flow_on_disk import load_written
from workbench.engine import inputs
from workbench.engine.nlu import NluMatcher
from workbench.flow.model import Entity, Flow, Nlu
from workbench.testing.explore.regex_values import example
from workbench.testing.explore.values import REFERENCE_DAY, answers

CITY = Entity("city", ("Brussels", "Antwerp"), {"Brussels": ("Bruxelles",)})
FLOW = Flow(name="answers", start="a", states={}, nlu=Nlu(entities={"city": CITY}))
KINDS = [kind for kind in inputs.EXPECT_KINDS if kind not in ("any", "text")]


def accepted(expect: str, text: str) -> bool:
    return inputs.validate(expect, text, NluMatcher(FLOW.nlu), today=REFERENCE_DAY).ok


@pytest.mark.parametrize("expect", [*KINDS, "city", r"/^[A-Z]{2}\d{3}$/", "/ticket-(one|two)/i"])
def test_each_expect_gets_a_passing_and_a_failing_answer_the_engine_classifies_so(expect: str) -> None:
    found = answers(expect, FLOW)
    passing = [a.text for a in found if a.verdict == "passes"]
    failing = [a.text for a in found if a.verdict == "fails"]
    assert passing and len(failing) == 1
    assert all(accepted(expect, text) for text in passing)
    assert not any(accepted(expect, text) for text in failing)


def test_free_text_gets_a_passing_answer_and_no_failing_one() -> None:
    assert [(a.text, a.verdict) for a in answers("any", FLOW)] == [("Alex", "passes")]


def test_an_entity_is_answered_with_every_value_and_synonym() -> None:
    passing = [a.text for a in answers("city", FLOW) if a.verdict == "passes"]
    assert passing == ["Brussels", "Antwerp", "Bruxelles"]


def test_yes_no_is_answered_both_ways() -> None:
    assert [a.text for a in answers("yes_no", FLOW) if a.verdict == "passes"] == ["yes", "no"]


@pytest.mark.parametrize(
    "pattern",
    [r"^[A-Z]{2}\d{4}$", r"T-\d+", r"(yes|no)", r"^\w+@\w+\.com$", r"[^abc]x?", r"(a)\1", r"\bfoo\b", r"a{3,5}b*"],
)
def test_a_regex_example_is_matched_by_its_pattern(pattern: str) -> None:
    text = example(pattern)
    assert text is not None and re.fullmatch(pattern, text)


def test_a_regex_example_is_the_same_every_time() -> None:
    assert example(r"^[A-Z]{2}\d{3}$") == example(r"^[A-Z]{2}\d{3}$") == "AA111"


def test_a_number_is_also_answered_with_the_conditions_literals_and_a_large_number(tmp_path: Path) -> None:
    flow = load_written(tmp_path, TOTALS, "totals.yaml")
    passing = [a.text for a in answers("number", flow) if a.verdict == "passes"]
    assert passing == ["2", "12", "-4", "0", "2.5", "300", "3000"]
    assert all(accepted("number", text) for text in passing)


def test_number_answers_are_the_same_every_time(tmp_path: Path) -> None:
    flow = load_written(tmp_path, TOTALS, "totals.yaml")
    assert answers("number", flow) == answers("number", flow)


# `total` is computed from the answer, so the solver cannot steer it: only a large enough answer takes route 0.
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
  route:
    next:
      - if: total > 300 && n !== 2.5
        goto: big
      - if: n === 0 || n < -4
        goto: none
      - goto: small
  big:
    say: Big.
  none:
    say: None.
  small:
    say: Small.
"""
