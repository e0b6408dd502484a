"""Sandbox.evaluate: a debugger's watch expressions over a scope of names, with a time limit."""

import asyncio

import pytest

from workbench.engine.sandbox import EvaluationError, Sandbox


async def evaluate(expression: str, scope: dict, timeout: float = 1.0):
    async with Sandbox() as sandbox:
        return await sandbox.evaluate(expression, scope, timeout=timeout)


@pytest.mark.parametrize(
    ("expression", "scope", "expected"),
    [
        ("a + b.c", {"a": 1, "b": {"c": 2}}, 3),
        ("_.sum(xs) // lodash, and a comment", {"xs": [1, 2, 3]}, 6),
        ("({n: args.to.length})", {"args": {"to": "Ghent"}}, {"n": 5}),
        ("undefined", {}, None),
        ("[(x) => x]", {}, ["function ()"]),
    ],
)
def test_an_expression_is_evaluated_over_the_scope(expression, scope, expected):
    assert asyncio.run(evaluate(expression, scope)) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("nope", "ReferenceError: nope is not defined"),
        ("1 +", "SyntaxError"),
        ("(() => { while (true) {} })()", "timed out after 0.2 s"),
    ],
)
def test_errors_and_runaways_raise_evaluation_error(expression, message):
    with pytest.raises(EvaluationError, match=message.replace("(", r"\(")):
        asyncio.run(evaluate(expression, {}, timeout=0.2))


def test_the_sandbox_is_usable_after_a_timeout():
    async def scenario():
        async with Sandbox() as sandbox:
            with pytest.raises(EvaluationError):
                await sandbox.evaluate("(() => { while (true) {} })()", {}, timeout=0.2)
            return await sandbox.evaluate("a * 2", {"a": 21})

    assert asyncio.run(scenario()) == 42
