"""The strict JSON reader at the engine's boundaries: depth is the one check left after parsing, and it holds."""

from __future__ import annotations

import pytest

from workbench.engine.incoming import MAX_DEPTH, IncomingError, loads


@pytest.mark.parametrize(
    "text", ["[" * MAX_DEPTH + "]" * MAX_DEPTH, '{"a":' * (MAX_DEPTH - 1) + "{}" + "}" * (MAX_DEPTH - 1)]
)
def test_json_nested_as_deep_as_allowed_is_taken(text: str):
    assert loads(text) is not None


@pytest.mark.parametrize(
    "deep", ["[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), '{"a":' * MAX_DEPTH + "{}" + "}" * MAX_DEPTH]
)
def test_json_nested_one_level_deeper_is_refused(deep: str):
    with pytest.raises(IncomingError, match=f"nested more than {MAX_DEPTH} levels"):
        loads(deep)
    with pytest.raises(IncomingError, match=f"nested more than {MAX_DEPTH} levels"):
        loads(deep.encode())


def test_brackets_inside_strings_do_not_make_shallow_json_refused():
    assert loads('{"text": "' + "[" * 500 + '"}') == {"text": "[" * 500}


@pytest.mark.parametrize("text", ["NaN", "[1e999]", '{"n": -Infinity}', "1" + "0" * 5000])
def test_numbers_javascript_cannot_hold_are_refused_without_the_walk(text: str):
    with pytest.raises(IncomingError):
        loads(text)
