"""Whatever text or structure comes in, the loader returns a LoadResult and never raises."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.flow.build import (
    API_KEYS,
    CHOICE_KEYS,
    MESSAGE_KEYS,
    NLU_KEYS,
    STATE_KEYS,
    TOP_KEYS,
)
from workbench.flow.loader import LoadResult, load_flow_text

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "start: a\n",
    "states:\n",
    "  a:\n",
    "    say: ",
    "    next: ",
    "    ask: ",
    "    code: |\n",
    "      x(\n",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ": ",
    ", ",
    "&a ",
    "*a",
    "<<: *a\n",
    "? ",
    "|\n",
    ">\n",
    "'",
    '"',
    "#",
    "\t",
    "yes",
    "no",
    "on",
    "2024-01-01",
    "1e3",
    "null",
    "~",
    "!!binary aGk=",
    "!!set {a}",
    "---\n",
    "...\n",
    "{name",
    "{x|shout}",
    "goto: a",
    "if: x >",
    "\n",
    "  ",
    "    ",
    "\\",
    "%YAML 1.1\n",
    "\x00",
    "\ufeff",
]

KEYS = st.sampled_from(sorted({*TOP_KEYS, *NLU_KEYS, *STATE_KEYS, *MESSAGE_KEYS, *CHOICE_KEYS, *API_KEYS}))
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
VALUES = st.recursive(
    SCALARS | KEYS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS | st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)


def check(result: Any) -> None:
    assert isinstance(result, LoadResult)
    assert (result.flow is None) == bool(result.errors)
    assert not any(p.message.startswith("internal error") for p in result.problems), result.problems
    lines = [(p.loc.line, p.loc.column) for p in result.problems]
    assert lines == sorted(lines)
    assert all(p.loc.line >= 1 and p.loc.column >= 1 for p in result.problems)


@SETTINGS
@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    check(load_flow_text(text))


@SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_yaml_looking_text(text: str) -> None:
    check(load_flow_text(text))


@SETTINGS
@given(VALUES)
def test_any_structure(value: Any) -> None:
    check(load_flow_text(yaml.safe_dump(value, allow_unicode=True)))


STATE = st.dictionaries(KEYS, VALUES, max_size=5)
FLOWS = st.fixed_dictionaries(
    {"start": st.sampled_from(["a", "b", "zz"]), "states": st.dictionaries(st.sampled_from(["a", "b", "c"]), STATE)},
    optional={"nlu": st.dictionaries(st.sampled_from(NLU_KEYS), VALUES), "variables": VALUES},
)


@SETTINGS
@given(FLOWS)
def test_flow_shaped_structures(value: dict[str, Any]) -> None:
    check(load_flow_text(yaml.safe_dump(value, allow_unicode=True)))
