"""Includes are bounded: nested at most `MAX_INCLUDE_DEPTH` deep and giving at most `MAX_INCLUDED_TURNS` turns,
each limit reported at the include that crosses it; a file included many times is read once, so includes that
branch cost what their files hold, not what they repeat."""

from __future__ import annotations

import time
from pathlib import Path

from tests.testing.test_convo_hostile_values import load, problems
from workbench.testing.convo_format import MAX_INCLUDE_DEPTH, MAX_INCLUDED_TURNS


def chain(folder: Path, depth: int) -> None:
    """deep0.yaml holds a turn; deepN.yaml includes deep{N-1}.yaml."""
    (folder / "deep0.yaml").write_text("- user: x\n", encoding="utf-8")
    for n in range(1, depth + 1):
        (folder / f"deep{n}.yaml").write_text(f"- include: deep{n - 1}.yaml\n", encoding="utf-8")


def branches(folder: Path, depth: int) -> None:
    """dm0.yaml holds a turn; dmN.yaml includes dm{N-1}.yaml twice (2**N turns in all)."""
    (folder / "dm0.yaml").write_text("- user: x\n", encoding="utf-8")
    for n in range(1, depth + 1):
        (folder / f"dm{n}.yaml").write_text(f"- include: dm{n - 1}.yaml\n- include: dm{n - 1}.yaml\n", encoding="utf-8")


def test_includes_may_nest_as_deep_as_the_limit(tmp_path: Path) -> None:
    chain(tmp_path, MAX_INCLUDE_DEPTH - 1)
    loaded = load(f"turns:\n  - include: deep{MAX_INCLUDE_DEPTH - 1}.yaml\n", tmp_path)
    assert loaded.ok, loaded.problems
    assert [t.value for t in loaded.tests[0].turns] == ["x"]


def test_includes_nested_deeper_than_the_limit_are_refused_at_the_include_that_goes_too_deep(tmp_path: Path) -> None:
    chain(tmp_path, 500)  # was a RecursionError
    assert problems("turns:\n  - include: deep500.yaml\n", tmp_path) == [
        "deep451.yaml:1:12: error: cannot include deep450.yaml: includes nest more than 50 deep here"
    ]


def test_a_file_read_before_is_refused_where_including_it_again_nests_too_deep(tmp_path: Path) -> None:
    chain(tmp_path, 10)  # deep10.yaml: 11 levels
    for n in range(11, 50):  # long49.yaml … long11.yaml: 39 levels, then deep10.yaml again
        (tmp_path / f"long{n}.yaml").write_text(f"- include: {'deep10' if n == 11 else f'long{n - 1}'}.yaml\n")
    (tmp_path / "both.yaml").write_text("- include: deep10.yaml\n- include: long49.yaml\n", encoding="utf-8")
    # both.yaml is level 1; deep10.yaml is read at level 2, then included again from level 40 (40 + 11 > 50)
    assert problems("turns:\n  - include: both.yaml\n", tmp_path) == [
        "long11.yaml:1:12: error: cannot include deep10.yaml: includes nest more than 50 deep here"
    ]


def test_includes_that_give_too_many_turns_are_refused_at_the_include_and_quickly(tmp_path: Path) -> None:
    branches(tmp_path, 40)  # dm18 took 30 s, dm25 never ended
    began = time.perf_counter()
    shown = problems("turns:\n  - include: dm40.yaml\n", tmp_path)
    assert time.perf_counter() - began < 5
    limit = f"{MAX_INCLUDED_TURNS:,}"
    assert shown == [
        f"dm17.yaml:2:12: error: cannot include dm16.yaml: the includes give more than {limit} turns (at most {limit})"
    ]


def test_includes_that_branch_within_the_limit_give_every_turn(tmp_path: Path) -> None:
    branches(tmp_path, 16)
    loaded = load("turns:\n  - include: dm16.yaml\n  - user: last\n", tmp_path)
    assert loaded.ok, loaded.problems
    turns = loaded.tests[0].turns
    assert len(turns) == 2**16 + 1 and turns[-1].value == "last"
    assert str(turns[0].loc) == "dm0.yaml:1:3"


def test_a_file_of_turns_read_once_still_marks_every_conversation_that_includes_it_as_keyed(tmp_path: Path) -> None:
    (tmp_path / "keyed.yaml").write_text("- bot:\n    key: ask_date.ask[0]\n", encoding="utf-8")
    text = "conversations:\n  - {name: a, turns: [include: keyed.yaml]}\n  - {name: b, turns: [include: keyed.yaml]}\n"
    loaded = load(text, tmp_path)
    assert loaded.ok, loaded.problems
    assert [t.keyed for t in loaded.tests] == [True, True]


def test_an_empty_include_says_the_path_is_empty(tmp_path: Path) -> None:
    assert problems("turns:\n  - include: ''\n  - include: ' '\n", tmp_path) == [
        "t.convo.yaml:3:14: error: 'include' is empty: it must be the path of a file of turns",
        "t.convo.yaml:4:14: error: 'include' is empty: it must be the path of a file of turns",
    ]
