"""Authors' regular expressions are refused, not compiled, when their repeats would take gigabytes to build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.flow.regex_limits import MAX_REPEAT, PatternError, compile_pattern, size_problem
from workbench.testing.convo_format import load_convo_file

SAMPLE = Path(__file__).resolve().parents[2] / "flows" / "train_ticket" / "train_ticket.yaml"
TOO_LARGE = "a repeat of more than 1,000 is too large"


@pytest.mark.parametrize(
    "pattern",
    [
        "a{4000000}",
        "a{10000000}",
        "a{1000000000}",
        "a{1001}",
        "a{0,1001}",
        "a{1001,}",
        "a{2,1001}?",
        "(?x) a {1001}",
        "(?:ab|cd){5000}",
        "x(?=a{2000})",
        "(?>a{2000})",
        "a{2000}+",
    ],
)
def test_a_repeat_of_more_than_a_thousand_is_refused_at_once(pattern: str) -> None:
    with pytest.raises(PatternError) as raised:
        compile_pattern(pattern)
    assert str(raised.value) == TOO_LARGE
    assert isinstance(raised.value, re.error)  # what the convo and flow loaders catch


@pytest.mark.parametrize("pattern", ["(?:a{1000}){1000}", "((?:a{100}){100}){100}", "(?:(?:a{1000}){1000}){1000}"])
def test_repeats_inside_repeats_that_multiply_past_the_bound_are_refused(pattern: str) -> None:
    with pytest.raises(PatternError, match=r"one inside another.*too large"):
        compile_pattern(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        "a{1000}",
        "a{0,1000}",
        r"\d{4}-\d{2}-\d{2}",
        "(?:a{1000}){100}",
        "(?:(?:a{0,1000}){0,1000}){0,1000}",
        r"\{1000000\}",
        "[{]{3}",
        "a{1000,}",
        "(?:x{1,1000}y*){1,1000}",
        "a{,1000}",
    ],
)
def test_patterns_within_the_bounds_compile(pattern: str) -> None:
    assert size_problem(pattern) is None
    assert compile_pattern(pattern).compiled is not None


def test_a_long_pattern_written_out_is_not_refused_for_its_length() -> None:
    alternatives = "|".join(re.escape(f"text number {i}") for i in range(20_000))  # a flow's many texts
    assert size_problem(alternatives) is None


def test_the_bound_is_the_documented_one() -> None:
    assert MAX_REPEAT == 1000
    compile_pattern("b" * 3 + "{1000}")
    with pytest.raises(PatternError):
        compile_pattern("b{1001}")


def test_a_convo_file_with_a_huge_repeat_is_refused_at_load(tmp_path: Path) -> None:
    path = tmp_path / "huge.convo.yaml"
    path.write_text(f"flow: {SAMPLE}\nturns:\n  - bot: /a{{4000000}}/\n", encoding="utf-8")
    loaded = load_convo_file(path)
    assert not loaded.ok
    messages = [str(problem) for problem in loaded.problems]
    assert any(f"invalid regular expression /a{{4000000}}/: {TOO_LARGE}" in m for m in messages), messages


def test_a_convo_file_with_a_huge_repeat_in_an_expected_value_is_refused_at_load(tmp_path: Path) -> None:
    path = tmp_path / "huge.convo.yaml"
    path.write_text(
        f"flow: {SAMPLE}\nturns:\n  - bot: Welcome to Belgian Rail tickets!\n  - vars: {{name: '/a{{1000000000}}/'}}\n",
        encoding="utf-8",
    )
    loaded = load_convo_file(path)
    messages = [str(problem) for problem in loaded.problems]
    assert any(TOO_LARGE in m for m in messages), messages


def test_a_flow_file_with_a_huge_repeat_in_expect_is_refused_at_load(tmp_path: Path) -> None:
    from workbench.flow.loader import load_flow

    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == "expect: email")
    lines[at] = lines[at].replace("expect: email", "expect: /a{4000000}/")
    path = tmp_path / "huge.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    loaded = load_flow(path)
    messages = [str(problem) for problem in loaded.problems]
    assert any(f"invalid regular expression in 'expect': {TOO_LARGE}" in m for m in messages), messages
