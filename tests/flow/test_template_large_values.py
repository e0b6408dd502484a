"""A value written into a text as JSON is bounded whatever it holds: one array held many times over, or nesting
deeper than Python's JSON writer goes, is written as far as MAX_TEXT characters and cut there with a note."""

from __future__ import annotations

import json
from typing import Any

from workbench.flow.json_size import json_size
from workbench.flow.template import CUT_NOTE, MAX_TEXT, render, to_text


def doubled(times: int) -> list[Any]:
    """`[1]` put twice into a new array `times` over: tiny in memory, 2**times ones as JSON."""
    value: list[Any] = [1]
    for _ in range(times):
        value = [value, value]
    return value


def test_a_value_holding_one_array_many_times_over_is_written_up_to_the_bound() -> None:
    text = render("x is {x}", {"x": doubled(40)}.get)
    assert text.startswith("x is [[[") and text.endswith(CUT_NOTE) and text.count(CUT_NOTE) == 1
    assert len(text) == MAX_TEXT + len(CUT_NOTE)


def test_a_value_holding_one_object_a_few_times_is_written_whole() -> None:
    user = {"name": "Ann", "seats": ["1A", "1B"]}
    value = {"booker": user, "passengers": [user, user]}
    assert to_text(value) == json.dumps(value, separators=(",", ":"))


def test_a_value_nested_deeper_than_pythons_json_writer_goes_is_written_whole() -> None:
    value: list[Any] = []
    for _ in range(5000):
        value = [value]
    assert render("deep: {d}", {"d": value}.get) == "deep: " + "[" * 5001 + "]" * 5001


def test_sizes_count_each_array_once_however_often_it_is_held_and_a_loop_as_beyond_any_bound() -> None:
    depth, length = json_size(doubled(40), cap=10**15)
    assert depth == 41 and length > 2**40  # 41 lists in memory, 2**40 ones written out
    loop: list[Any] = []
    loop.append(loop)
    assert json_size(loop, cap=100) == (10**9 + 1, 100)
    assert json_size("text", cap=100) == (0, 0)
