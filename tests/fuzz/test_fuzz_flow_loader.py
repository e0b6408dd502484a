"""Fuzzing the flow loader with hostile text and hostile flows: no exception escapes `load_flow_text`, it ends
within a bound, and a flow that does not load says why (file:line:column problems)."""

from __future__ import annotations

import time
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.flow.loader import LoadResult, load_flow_text

FUZZ = settings.get_profile("workbench-fuzz")
SECONDS = 5.0
"""The most one load may take on a slow, busy machine (the texts here are at most a few hundred KB)."""

HOSTILE_FRAGMENTS = [
    "name: f\n",
    "start: a\n",
    "states:\n  a:\n",
    "    say: hi\n",
    "    next: a\n",
    "    timeout: ",
    "    iframe: {url: p.html, height: ",
    "    expect: '/^(a|aa)+$/'\n",
    "    expect: '/[/'\n",
    "    code: 'while (true) {}'\n",
    "    api: {method: GET, url: 'http://127.0.0.1:1', timeout: ",
    "settings:\n  typing_delay: ",
    "nlu:\n  threshold: ",
    ".inf",
    "-.inf",
    ".nan",
    "1e999",
    "9" * 200,
    "1:" * 200 + "1",
    "0x" + "f" * 200,
    "}\n",
    "\n",
    "variables:\n  l0: &l0 [x, x, x, x, x, x, x, x]\n",
    "  l1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]\n",
    "  l2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\n",
    "  l3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]\n",
    "  l4: &l4 [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]\n",
    "  l5: &l5 [*l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4]\n",
    "  r: &r [*r]\n",
    "  u: *undefined\n",
    "    say: '" + "{name}" * 5_000 + "'\n",
    "    say: '{x[100000000]}'\n",
    "    say: '{x[" + "9" * 5_000 + "]}'\n",
    "[" * 2_000,
    "]" * 2_000,
    "- " * 500,
    "{a: " * 500,
]

NUMBERS = (
    st.floats()  # with nan and the infinities
    | st.integers()
    | st.integers(min_value=10**20, max_value=10**90)
    | st.sampled_from([0, -1, 1e-300, 1e300])
)
NUMERIC_STATES = st.fixed_dictionaries(
    {},
    optional={
        "timeout": NUMBERS,
        "code": st.just("ChatlayerResponseBuilder().send();"),
        "iframe": st.fixed_dictionaries({"url": st.just("p.html"), "height": NUMBERS}),
        "api": st.fixed_dictionaries(
            {"method": st.just("GET"), "url": st.just("http://127.0.0.1:1"), "timeout": NUMBERS}
        ),
    },
)
HOSTILE_FLOWS = st.fixed_dictionaries(
    {"name": st.just("fuzz"), "start": st.just("a"), "states": st.dictionaries(st.sampled_from("abc"), NUMERIC_STATES)},
    optional={
        "settings": st.fixed_dictionaries({"typing_delay": NUMBERS}),
        "nlu": st.fixed_dictionaries({"threshold": NUMBERS}),
        "variables": st.dictionaries(
            st.text(max_size=20),
            st.recursive(st.none() | NUMBERS | st.text(max_size=10), lambda c: st.lists(c, max_size=3), max_leaves=10),
            max_size=4,
        ),
    },
)


def loads_within_bound(text: str) -> LoadResult:
    """Load `text`, checking that nothing escapes, that it takes at most SECONDS and that a failure says why."""
    began = time.perf_counter()
    result = load_flow_text(text, "fuzz.yaml")
    took = time.perf_counter() - began
    assert took < SECONDS, f"loading took {took:.1f} s"
    assert isinstance(result, LoadResult)
    if result.flow is None:
        assert result.errors, "a flow that does not load must say why"
    for problem in result.problems:
        assert problem.loc.file == "fuzz.yaml" and problem.loc.line >= 1 and problem.loc.column >= 1
        assert not problem.message.startswith("internal error"), problem
        assert "Error(" not in problem.message and "Traceback" not in problem.message, problem
    return result


@FUZZ
@given(st.lists(st.sampled_from(HOSTILE_FRAGMENTS), max_size=30).map("".join))
def test_hostile_yaml_looking_text_is_loaded_or_refused_in_bounded_time(text: str) -> None:
    loads_within_bound(text)


@FUZZ
@given(st.text(max_size=2_000))
def test_arbitrary_text_is_loaded_or_refused_in_bounded_time(text: str) -> None:
    loads_within_bound(text)


@FUZZ
@given(HOSTILE_FLOWS)
def test_every_number_of_a_loaded_flow_is_finite_and_in_range(value: dict[str, Any]) -> None:
    result = loads_within_bound(yaml.safe_dump(value, allow_unicode=True))
    if result.flow is None:
        return
    for state in result.flow.states.values():
        for timeout in (state.code and state.code.timeout, state.api and state.api.timeout):
            assert timeout is None or 0 < timeout <= 60
        if state.iframe is not None and state.iframe.height is not None:
            assert 0 < state.iframe.height <= 5000
    assert 0 <= result.flow.nlu.threshold <= 1
    assert 0 <= result.flow.settings.typing_delay <= 60_000
