"""Convo files and their includes that are not files, that loop or that nest too deeply: a problem at their line,
never a wait, a crash or a traceback."""

from __future__ import annotations

import os
from pathlib import Path

from workbench.flow.documents import MAX_FILE_BYTES
from workbench.flow.yaml_source import MAX_DEPTH
from workbench.testing.convo_format import load_convo_file, load_convo_text

FLOW = "name: t\nstart: a\nstates:\n  a:\n    say: hi\n"
TOO_DEEP = f"lists and mappings are nested more than {MAX_DEPTH} levels deep here (at most {MAX_DEPTH})"


def problems_of(path: Path) -> list[str]:
    return [str(p) for p in load_convo_file(path).problems]


def convo(folder: Path, turns: str) -> Path:
    (folder / "flow.yaml").write_text(FLOW, encoding="utf-8")
    path = folder / "t.convo.yaml"
    path.write_text(f"flow: flow.yaml\nname: t\nturns:\n{turns}", encoding="utf-8")
    return path


def test_a_named_pipe_given_as_convo_file_is_refused_at_once(tmp_path: Path) -> None:
    pipe = tmp_path / "t.convo.yaml"
    os.mkfifo(pipe)
    assert problems_of(pipe) == [f"{pipe}:1:1: error: cannot read the convo file: it is a named pipe, not a file"]


def test_an_include_of_a_named_pipe_is_refused_at_the_include(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "turns.yaml")
    path = convo(tmp_path, "  - include: turns.yaml\n")
    assert problems_of(path) == [f"{path}:4:14: error: cannot include turns.yaml: it is a named pipe, not a file"]


def test_an_include_of_a_symbolic_link_loop_is_a_problem_at_the_include(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    path = convo(tmp_path, "  - include: a.yaml\n")
    assert problems_of(path) == [f"{path}:4:14: error: cannot include a.yaml: Too many levels of symbolic links"]


def test_an_include_path_with_a_nul_character_is_a_problem_at_the_include(tmp_path: Path) -> None:
    path = convo(tmp_path, '  - include: "turns\\0.yaml"\n')
    assert problems_of(path) == [f"{path}:4:14: error: cannot include a path with a NUL character in it"]


def test_an_include_of_a_folder_still_says_it_is_one(tmp_path: Path) -> None:
    (tmp_path / "more").mkdir()
    path = convo(tmp_path, "  - include: more\n")
    assert problems_of(path) == [f"{path}:4:14: error: cannot include more: Is a directory"]


def test_block_yaml_nested_thousands_of_levels_deep_is_refused_not_a_recursion_error() -> None:
    dashes = "".join(" " * (4 + level) + "-\n" for level in range(3000))
    (problem,) = load_convo_text(f"flow: f.yaml\nname: t\nturns:\n  - json:\n{dashes}").problems
    assert problem.message == "invalid YAML: exceeded maximum nesting depth (while increasing block level)"


def keys_nested(count: int) -> str:
    """A convo whose `vars` nest `count` keys, each under the one before: `count + 3` levels of mappings and lists
    (the top-level mapping, `turns`, the turn and `vars` are four; the last key holds null)."""
    keys = "".join(f"{' ' * (6 + 2 * level)}k{level}:\n" for level in range(count))
    return f"name: t\nturns:\n  - vars:\n{keys}"


def test_block_yaml_one_level_too_deep_is_refused_where_that_level_starts() -> None:
    (problem,) = load_convo_text(keys_nested(MAX_DEPTH - 2)).problems
    # the mapping of key k{MAX_DEPTH - 3} is the level too many
    assert (problem.loc.line, problem.loc.column) == (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)
    assert problem.message == "invalid YAML: " + TOO_DEEP
    assert [p.message for p in load_convo_text(keys_nested(MAX_DEPTH - 3)).problems] == [
        "missing required key 'flow' (the flow file this conversation tests)"
    ]


def test_a_json_turn_900_levels_deep_is_a_problem_of_the_file_rather_than_a_crash_of_its_replay(tmp_path: Path) -> None:
    path = convo(tmp_path, "  - json: " + "[" * 900 + "]" * 900 + "\n")
    loaded = load_convo_file(path)
    assert [p.message for p in loaded.problems] == ["invalid YAML: " + TOO_DEEP]
    assert loaded.tests == ()


def test_a_convo_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.convo.yaml"
    with big.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)
    assert problems_of(big) == [
        f"{big}:1:1: error: cannot read the convo file: it is 10.0 MB, more than the 10 MB a file may be"
    ]


def test_an_included_file_with_windows_line_ends_gives_the_turns_it_gives_with_unix_ones(tmp_path: Path) -> None:
    (tmp_path / "turns.yaml").write_bytes(b"- user: hello\r\n- bot: hi\r\n")
    path = convo(tmp_path, "  - include: turns.yaml\n")
    loaded = load_convo_file(path)
    assert loaded.problems == ()
    assert [(turn.kind, turn.text, turn.loc.line) for turn in loaded.tests[0].turns] == [
        ("user", "user: hello", 1),
        ("bot", "bot: hi", 2),
    ]
