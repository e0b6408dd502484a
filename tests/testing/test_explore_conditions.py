"""The route-condition solver of `workbench explore`: session values that make a condition true or false, or
make the engine take route k of a `next` list. Every answer is checked in real V8, through the engine's own
route decision (`Sandbox.first_true`)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from workbench.engine.sandbox import ConditionError, Sandbox
from workbench.testing.explore import conditions_js
from workbench.testing.explore.conditions import (
    UNDEFINED,
    Solution,
    apply_writes,
    confirm,
    refute,
    solve,
    solve_route,
)


def engine_route(conditions: Sequence[str | None], variables: Mapping[str, Any]) -> int | str | None:
    """The route V8 takes over these session variables, as the engine decides it (a failure's message)."""

    async def decide() -> int | None:
        async with Sandbox() as sb:
            return await sb.first_true(list(conditions), {**variables, "internal": variables.get("internal", {})})

    try:
        return asyncio.run(decide())
    except ConditionError as exc:
        return f"route {exc.index + 1} failed: {exc.message}"


def v8_truth(condition: str, known: Mapping[str, Any], writes: Mapping[str, Any]) -> bool | str:
    """Whether V8 finds `condition` true over `known` with `writes` (or why it failed)."""
    taken = engine_route([condition, None], apply_writes(known, writes))
    return taken if isinstance(taken, str) else taken == 0


def confirmed(solution: Solution, known: Mapping[str, Any]) -> Solution:
    async def run() -> Solution:
        async with Sandbox() as sb:
            return await confirm(solution, known, sb)

    return asyncio.run(run())


# (condition, what is known): each is made true by `solve` and false by `refute`, V8 agreeing.
CONSTRUCTS = [
    ("price > 100", {}),
    ("price >= 100", {"price": 3}),
    ("price < 10", {"price": 30}),
    ("price <= 10", {}),
    ("100 < price", {}),
    ("city === 'Brussels'", {"city": "Ghent"}),
    ("city == 'Brussels'", {}),
    ("city !== 'Brussels'", {"city": "Ghent"}),
    ("count != 5", {"count": 5}),
    ("flag === true", {}),
    ("answer === null", {}),
    ("answer === undefined", {"answer": 1}),
    ("user.age >= 18", {"user": {"name": "Ann"}}),
    ("cart.items.length > 2", {}),
    ("cart.items.length === 0", {"cart": {"items": ["a"]}}),
    ("a['b'] === 'c'", {}),
    ("items[0].name === 'tea'", {}),
    ("x?.y === 3", {}),
    ("x?.y?.z > 1", {"x": None}),
    ("vip", {}),
    ("!vip", {"vip": True}),
    ("!!name", {"name": ""}),
    ("tags.includes('new')", {"tags": ["old"]}),
    ("message.includes('help')", {}),
    ("['Ghent', 'Antwerp'].includes(city)", {}),
    ("typeof x === 'string'", {"x": 3}),
    ("typeof x === 'undefined'", {"x": 3}),
    ("typeof x === 'object'", {}),
    ("Number(x) > 3", {"x": "2"}),
    ("parseInt(n, 10) === 12", {}),
    ("String(n) === '7'", {}),
    ("answer.toLowerCase() === 'yes'", {"answer": "No"}),
    ("answer.trim().toUpperCase() === 'OK'", {}),
    ("name.startsWith('A')", {"name": "Bob"}),
    ("name.endsWith('z') && name.length === 4", {}),
    ("name.indexOf('q') > -1", {}),
    ("Array.isArray(items) && items.length === 0", {}),
    ("x > 3 && x < 4", {}),
    ("a > 1 || b === 'q'", {}),
    ("!(a > 1 || b === 'q')", {"a": 5}),
    ("(a > 1 && b) || (!a && c === 'k')", {}),
    ("user && user.age > 18", {}),
    ("!user || user.age < 18", {"user": {"age": 40}}),
    ("x ? y > 1 : z === 'k'", {}),
    ("internal.nlp.score > 0.5", {}),
]


@pytest.mark.parametrize(("condition", "known"), CONSTRUCTS)
def test_each_construct_is_made_true_and_v8_agrees(condition: str, known: dict[str, Any]) -> None:
    solution = solve(condition, known)
    assert solution.status == "solved", solution.reason
    assert v8_truth(condition, known, solution.writes) is True


@pytest.mark.parametrize(("condition", "known"), CONSTRUCTS)
def test_each_construct_is_made_false_without_throwing_and_v8_agrees(condition: str, known: dict[str, Any]) -> None:
    solution = refute(condition, known)
    assert solution.status == "solved", solution.reason
    assert v8_truth(condition, known, solution.writes) is False


def test_only_what_must_change_is_written() -> None:
    assert solve("price > 100", {"price": 150}).writes == {}
    assert solve("a > 1 && b === 'q'", {"a": 5}).writes == {"b": "q"}
    assert solve("price > 100", {}).writes == {"price": 101}


def test_a_nested_write_keeps_the_rest_of_the_object() -> None:
    known = {"user": {"name": "Ann"}}
    solution = solve("user.age >= 18", known)
    assert solution.writes == {"user.age": 18}
    assert apply_writes(known, solution.writes) == {"user": {"name": "Ann", "age": 18}}
    assert known == {"user": {"name": "Ann"}}


def test_a_list_stays_a_list_when_includes_asks_for_an_item() -> None:
    assert solve("tags.includes('new')", {"tags": ["old"]}).writes == {"tags": ["old", "new"]}


def test_javascript_coercions_decide_what_already_holds() -> None:
    assert solve("x > 9", {"x": "10"}).writes == {}  # '10' > 9 compares as numbers
    assert solve("x == 1", {"x": "1"}).writes == {}
    assert solve("x === 1", {"x": "1"}).writes == {"x": 1}
    assert solve("items", {"items": []}).writes == {}  # [] is truthy
    assert solve("!name", {"name": ""}).writes == {}  # '' is falsy
    assert solve("x == null", {}).writes == {}  # undefined == null


def test_undefined_is_written_only_to_remove_a_value() -> None:
    solution = solve("typeof x === 'undefined'", {"x": 3})
    assert solution.writes == {"x": UNDEFINED}
    assert apply_writes({"x": 3, "y": 1}, solution.writes) == {"y": 1}


ROUTES = ["price > 100", "price > 10 && vip", "city === 'Ghent' || city === 'Antwerp'", None]


@pytest.mark.parametrize("index", range(len(ROUTES)))
def test_route_k_is_taken_with_every_route_before_it_false(index: int) -> None:
    known = {"price": 50, "city": "Ghent"}
    solution = solve_route(ROUTES, index, known)
    assert solution.status == "solved", solution.reason
    assert engine_route(ROUTES, apply_writes(known, solution.writes)) == index


def test_a_route_after_one_without_a_condition_is_impossible() -> None:
    solution = solve_route(["x > 1", None, "y"], 2, {})
    assert solution.status == "impossible"
    assert solution.reason == "route 2 has no condition, so the engine always takes it before route 3"


def test_contradictions_are_reported_impossible() -> None:
    assert solve("x > 3 && x < 2", {}).reason == "no session values the solver could find make `x > 3 && x < 2` true"
    assert refute("true", {}).reason == "no session values the solver could find make `true` false"
    route = solve_route(["x > 1", "x > 5"], 1, {})
    assert route.status == "impossible"
    assert "route 2's condition true and every route before route 2 false" in route.reason


UNDECIDABLE = [
    ("isWeekend(date)", "calls a function the solver does not know: `isWeekend(date)`"),
    ("a > b", "compares two values that both depend on the session: `a > b`"),
    ("name.match(/^A/)", "calls a method the solver does not know: `name.match(/^A/)`"),
    ("user[key] === 1", "reads a property whose name depends on the session: `user[key]`"),
    ("(a || 'x') === 'x'", "uses `a || 'x'`, which the solver does not handle"),
]


@pytest.mark.parametrize(("condition", "reason"), UNDECIDABLE)
def test_what_the_solver_cannot_decide_it_says_and_samples(condition: str, reason: str) -> None:
    solution = solve(condition, {})
    assert solution.status == "undecided"
    assert solution.reason == reason
    assert solution.samples and solution.writes == {}


def test_a_sample_that_v8_takes_becomes_the_confirmed_answer() -> None:
    answer = confirmed(solve("a > b", {}), {})
    assert answer.status == "solved" and answer.confirmed
    assert engine_route(["a > b"], apply_writes({}, answer.writes)) == 0
    assert answer.reason == "compares two values that both depend on the session: `a > b`"


def test_samples_fill_in_the_variables_of_the_unknown_part() -> None:
    solution = solve("x > 3 && isWeekend(date)", {})
    assert solution.status == "undecided"
    assert all(sample.get("x") == 4 and "date" in sample for sample in solution.samples[1:])


def test_in_a_route_list_the_reason_names_the_route() -> None:
    solution = solve_route(["x > 1", "isOpen(now)", None], 2, {})
    assert solution.status == "undecided"
    assert solution.reason == "route 2 calls a function the solver does not know: `isOpen(now)`"


def test_confirm_turns_down_writes_v8_does_not_take() -> None:
    wrong = Solution(("x > 3",), 0, "solved", {"x": 1})
    answer = confirmed(wrong, {})
    assert answer.status == "undecided" and not answer.confirmed
    assert answer.reason == "V8 did not take the route with the values the solver chose (nor with the alternatives)"


def test_confirm_keeps_a_right_answer_and_marks_it() -> None:
    answer = confirmed(solve("user && user.age > 18", {}), {})
    assert answer.confirmed and answer.writes == {"user.age": 19}


_DETERMINISM_SCRIPT = """
import json, sys
from workbench.testing.explore.conditions import refute, solve, solve_route
out = []
for c in ["a > 1 || b === 'q'", "(a || b) && (c || d) && e > 2", "isWeekend(date) && x > 3", "tags.includes(1)"]:
    for s in (solve(c, {"a": 0}), refute(c, {"e": 9})):
        out.append([s.status, s.writes, s.reason, s.samples])
out.append(solve_route(["x > 1", "y", None], 2, {"x": 5, "y": 1}).writes)
print(json.dumps(out, default=repr, sort_keys=True))
"""


def test_the_same_question_gets_the_same_answer_in_any_process() -> None:
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _DETERMINISM_SCRIPT], capture_output=True, text=True, env=env, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())[-1] == {"x": 1, "y": False}


HOSTILE = [
    ("x" * 20_000, "is too long for the solver (20,000 characters; at most 10,000)"),
    ("(" * 500 + "x" + ")" * 500, "is not a JavaScript expression the solver can read"),
    ("!" * 300 + "x", "nests deeper than the solver follows"),
    ("}}{{", "is not a JavaScript expression the solver can read: Unexpected token }"),
    ("a b c", "is not a JavaScript expression the solver can read: Unexpected identifier"),
    ("", "is not a JavaScript expression the solver can read: Unexpected end of input"),
    ("x; while (true) {}", "is not a JavaScript expression the solver can read"),
    ("(a || b) && " * 40 + "c === 1 && d > e", "compares two values that both depend on the session: `d > e`"),
]


@pytest.mark.parametrize(("condition", "reason"), HOSTILE)
def test_hostile_conditions_get_a_message_not_a_crash(condition: str, reason: str) -> None:
    solution = solve(condition, {})
    assert solution.status == "undecided"
    assert reason in solution.reason
    for answer in (solution, refute(condition, {})):
        assert confirmed(answer, {}).status in ("solved", "undecided")


def test_a_long_chain_of_conditions_is_solved() -> None:
    condition = " && ".join(f"x{i} > {i}" for i in range(400))
    solution = solve(condition, {})
    assert solution.status == "solved" and len(solution.writes) == 400
    assert v8_truth(condition, {}, solution.writes) is True


def test_a_condition_with_more_ways_than_the_solver_tries_says_so() -> None:
    condition = " && ".join(f"(a{i} === 1 || b{i} === 2)" for i in range(12)) + " && z > 1 && z < 1"
    solution = solve(condition, {})
    assert solution.status == "undecided"
    assert solution.reason == "has, to be true, more than 256 ways; the solver tried the first ones"


@pytest.mark.parametrize(
    ("number", "text"),
    [(1.2345678901234568e20, "123456789012345680000"), (1e21, "1e+21"), (1.5e-7, "1.5e-7"), (0.000001, "0.000001")],
)
def test_string_of_a_number_is_what_javascript_writes(number: float, text: str) -> None:
    assert conditions_js.to_string(number) == text
