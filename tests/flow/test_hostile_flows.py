"""Hostile flow files load in bounded time and memory, and every refusal says where (file:line:column) and why.

The exact messages of the hostile files in broken/ (non-finite and out-of-range numbers, an alias bomb, a number
too long to mean anything) are pinned by test_broken_flows.py.
"""

from __future__ import annotations

import asyncio
import time

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.loader import load_flow_text
from workbench.flow.yaml_source import MAX_ALIASED_VALUES, MAX_ALIASES

from .helpers import flow_of, messages


def timed_load(text: str) -> tuple[float, list[str]]:
    began = time.perf_counter()
    problems = [str(p).removeprefix("<flow>:") for p in load_flow_text(text).problems]
    return time.perf_counter() - began, problems


def test_did_you_mean_over_1000_states_with_misspelt_nexts_takes_seconds_not_minutes() -> None:
    states = "".join(f"  state_{i}:\n    say: hi\n    next: stat_{i + 1}\n" for i in range(1000))
    took, problems = timed_load(f"name: big\nstart: state_0\nstates:\n{states}")
    assert took < 10
    errors = [p for p in problems if ": error: " in p]
    assert len(errors) == 1000
    assert errors[0] == "6:11: error: 'next' refers to unknown state 'stat_1'; did you mean 'state_1'?"
    assert errors[-2].endswith("'next' refers to unknown state 'stat_999'; did you mean 'state_999'?")


def test_a_variable_misspelt_in_thousands_of_places_gets_its_hint_each_time_quickly() -> None:
    uses = "".join(f"  s{i}:\n    say: 'Hi {{frist_name}}'\n    next: s{i + 1}\n" for i in range(2000))
    text = f"name: big\nstart: s0\nvariables: {{first_name: Ann}}\nstates:\n{uses}  s2000:\n    say: bye\n"
    took, problems = timed_load(text)
    assert took < 10
    assert len(problems) == 2000
    assert problems[0].endswith("variable 'frist_name' is never set in this flow; did you mean 'first_name'?")


def test_a_template_of_40000_placeholders_loads_and_renders_in_linear_time() -> None:
    text = f'name: t\nstart: hi\nvariables: {{name: a}}\nstates:\n  hi:\n    say: "{"{name}" * 40_000}"\n'
    took, problems = timed_load(text)
    assert took < 5 and problems == []

    async def render() -> list[str]:
        async with Conversation(flow_of(text)) as conversation:
            await conversation.start()
            return [e.text for e in conversation.events if isinstance(e, ev.BotMessage)]

    began = time.perf_counter()
    assert asyncio.run(render()) == ["a" * 40_000]
    assert time.perf_counter() - began < 5


def test_an_alias_bomb_is_refused_at_the_alias_before_anything_expands() -> None:
    laughs = "  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10)
    )
    took, problems = timed_load(f"name: bomb\nstart: s\nvariables:\n{laughs}states:\n  s:\n    json: {{x: '{{l9}}'}}\n")
    assert took < 1
    (problem,) = problems
    assert problem.startswith("9:12: error: invalid YAML: the alias *l4 brings what the file's aliases repeat to")
    assert f"more than the {MAX_ALIASED_VALUES} a file may repeat" in problem


def test_too_many_aliases_are_refused_at_the_first_one_too_many() -> None:
    items = "".join("  - *a\n" for _ in range(MAX_ALIASES + 1))
    took, problems = timed_load(f"name: many\nstart: s\nvariables:\n  one: &a 1\n  many:\n{items}states:\n  s: {{}}\n")
    assert took < 5
    assert problems == [
        f"{6 + MAX_ALIASES}:5: error: invalid YAML: the alias *a is one alias too many (a file may have {MAX_ALIASES})"
    ]


def test_ordinary_anchors_aliases_and_merge_keys_still_load() -> None:
    flow = flow_of(
        "name: shared\nstart: a\nvariables:\n  city: &city {name: Ghent}\n  home: *city\n"
        "states:\n  a: &say {say: hi, next: b}\n  b:\n    <<: *say\n    next: c\n  c:\n    say: bye\n"
    )
    assert flow.variables["home"] == {"name": "Ghent"}
    assert [r.goto for r in flow.states["b"].next] == ["c"]


def test_a_catastrophic_expect_pattern_is_accepted_by_the_loader_and_a_bad_one_refused_in_pythons_words() -> None:
    ask = "name: r\nstart: q\nstates:\n  q:\n    ask: Code?\n    save: code\n    expect: {}\n"
    assert flow_of(ask.format("'/^(a|aa)+$/'")).states["q"].ask.expect == "/^(a|aa)+$/"  # type: ignore[union-attr]
    assert messages(ask.format("'/(?P<x>a)(?P<x>b)/'")) == [
        "7:13: error: invalid regular expression in 'expect': redefinition of group name 'x' as group 2; was group 1"
        " at position 12"
    ]


def test_an_int_too_long_for_python_is_a_problem_at_its_place_not_an_internal_error() -> None:
    took, problems = timed_load(
        "name: n\nstart: s\nstates:\n  s:\n    iframe: {url: p.html, height: " + "9" * 5000 + "}\n"
    )
    assert took < 1
    assert problems == ["5:35: error: invalid YAML: a whole number of 5000 characters is too long (at most 100)"]
