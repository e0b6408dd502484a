"""Bounded route conditions: which ones are in the subset, and that the engine's own V8 context decides them
exactly as the sandbox worker would. Real V8 on both sides."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from workbench.engine.condition_safety import bounded_names, is_bounded
from workbench.engine.sandbox import ConditionError, Sandbox

BOUNDED = [
    "count > 4 && city == 'Brussels'",
    "ok == 'yes'",
    "!nothing_here",
    "typeof x === 'undefined'",
    "internal.nlp.score >= 0.5 ? a : b",
    "user.address['city'] === 'Ghent'",
    "x?.y ?? 'none'",
    "['a', 'b'].includes(city.toLowerCase().trim())",
    "name.startsWith('A') || name.endsWith('z') || name.indexOf('q') > -1",
    "name.toUpperCase() === 'ANN'",
    "Number(n) + parseInt(s, 10) + parseFloat(f) > 3 && !isNaN(n)",
    "String(x) === '1' && Boolean(y)",
    "Array.isArray(items) && Math.max(a, b) > Math.min(c, Math.abs(d))",
    "Math.round(p) + Math.floor(p) + Math.ceil(p) > 1",
    "`${first}-${last}` === 'a-b'",
    "-x < ~y && void 0 === undefined",
    "a in b || c instanceof Object",
]

NOT_BOUNDED = [
    "'ab'.repeat(1e9)",
    "s.padStart(1e9)",
    "Array(1e9).fill(0)",
    "new Array(5)",
    "(() => { while (true) {} })()",
    "[1].map(function (x) { return x; })",
    "x = 1",
    "x++",
    "delete x.y",
    "this.x",
    "(0, x)",
    "Math.max(...items)",
    "items[0](1)",
    "f(x)",
    "x.constructor.constructor('return 1')()",
    "Math.random() > 0.5",
    "/a+/.test(s)",
    "10n ** 1000000n > 0",
    "tag`text`",
    "({a: 1}).a",
    "x\n--> 1",
    "a); while (true) {} (1",
    "a b c",
    "",
]


@pytest.mark.parametrize("condition", BOUNDED)
def test_bounded_conditions_are_in_the_subset(condition: str) -> None:
    assert is_bounded(condition)


@pytest.mark.parametrize("condition", NOT_BOUNDED)
def test_conditions_that_could_loop_allocate_or_change_things_are_not(condition: str) -> None:
    assert not is_bounded(condition)


def test_the_names_a_condition_reads_leave_out_properties() -> None:
    assert bounded_names("user.name === other[key] && Math.max(a, 1) > internal.x") == {
        "user",
        "other",
        "key",
        "Math",
        "a",
        "internal",
    }


# The same condition decided in the engine (bounded) and in the worker (`(0, …)` is a sequence expression,
# which is not in the subset): same index, same error message.
SAME_DECISION = [
    ("count > 4 && city == 'Brussels'", {"count": "5", "city": "Brussels"}),
    ("count > 4 && city == 'Brussels'", {"count": 3, "city": "Brussels"}),
    ("nothing_here > 1 || typeof nothing_here === 'undefined'", {}),
    ("internal.flag", {}),
    ("internal.user.locale === 'nl'", {"internal": {"user": {"locale": "nl"}}}),
    ("a.b.c", {}),
    ("x.toLowerCase()", {"x": 5}),
    ("['a', 'b'].includes(x.toLowerCase())", {"x": "B"}),
    ("Math.max(a, b) > 3 && Array.isArray(items) && items.indexOf(2) === 1", {"a": 1, "b": 4, "items": [1, 2]}),
    ("Number(n) + 1 === 3 && parseInt(s, 10) === 12", {"n": "2", "s": "12px"}),
    ("x?.y ?? 'none'", {"x": None}),
    ("`${a}-${b}` === '1-2'", {"a": 1, "b": 2}),
    ("String(obj) === '[object Object]' && typeof _ === 'function'", {"obj": {"k": 1}}),
    ("typeof setTimeout === 'function' && typeof __wbScope === 'undefined'", {}),
]


async def decide(sb: Sandbox, condition: str, variables: dict[str, Any]) -> int | str | None:
    try:
        return await sb.first_true(["false", condition, None], variables)
    except ConditionError as exc:
        return f"{exc.index}: {exc.message}"


@pytest.mark.parametrize(("condition", "variables"), SAME_DECISION)
def test_the_engine_decides_a_bounded_condition_as_the_worker_does(condition: str, variables: dict[str, Any]) -> None:
    assert is_bounded(condition) and not is_bounded(f"(0, {condition})")

    async def both() -> tuple[Any, Any]:
        async with Sandbox() as sb:
            return await decide(sb, condition, variables), await decide(sb, f"(0, {condition})", variables)

    in_engine, in_worker = asyncio.run(both())
    assert in_engine == in_worker


def test_bounded_conditions_never_start_the_worker() -> None:
    async def scenario() -> tuple[int | None, int | None]:
        async with Sandbox() as sb:
            return await sb.first_true(["price > 100", "price > 10", None], {"price": 50}), sb.worker_pid

    assert asyncio.run(scenario()) == (1, None)


def test_bounded_conditions_do_not_see_what_code_actions_leave_behind() -> None:
    action = """
    globalThis.leaked = 1;
    String.prototype.includes = () => true;
    ChatlayerResponseBuilder().send();
    """

    async def scenario() -> int | None:
        async with Sandbox() as sb:
            assert (await sb.run_code(action, {})).sent
            return await sb.first_true(["typeof leaked !== 'undefined'", "'abc'.includes('z')", None], {})

    assert asyncio.run(scenario()) == 2


def test_a_bounded_condition_that_runs_out_of_time_fails_and_the_next_one_gets_a_new_context() -> None:
    async def scenario() -> tuple[ConditionError, int | None]:
        async with Sandbox() as sb:
            with pytest.raises(ConditionError) as info:
                await sb.first_true(["x === 1"], {"x": 1}, timeout=0)  # expired before V8 answers
            return info.value, await sb.first_true(["x === 2", "x === 1"], {"x": 1})

    error, after = asyncio.run(scenario())
    assert (error.index, error.message) == (0, "timed out after 0 s")
    assert after == 1
