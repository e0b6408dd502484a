"""Files that are not files, and values nested too deeply: refused where they are, without waiting or a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.flow.documents import MAX_FILE_BYTES, read_file_bytes
from workbench.flow.loader import load_flow
from workbench.flow.translations_csv import texts_section
from workbench.flow.yaml_source import MAX_DEPTH, load_yaml

from .helpers import flow_of, messages


def test_a_file_is_read_whole_whatever_its_size_says(tmp_path: Path) -> None:
    for size in (0, 1, 400, 2**16, 2**16 + 1, 300_000):
        path = tmp_path / f"f{size}"
        path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
        assert read_file_bytes(path) == path.read_bytes()


@pytest.mark.skipif(not os.path.isfile("/proc/self/status"), reason="no /proc here")
def test_a_file_whose_size_says_0_while_it_has_content_is_read_to_its_end() -> None:
    assert read_file_bytes("/proc/self/status").startswith(b"Name:")  # the kernel's files say 0


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def flow_with_variable(value: str) -> str:
    return f"name: t\nstart: a\nvariables:\n  v: {value}\nstates:\n  a:\n    say: hi\n"


def test_a_named_pipe_given_as_flow_file_is_refused_at_once_rather_than_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "flow.yaml"
    os.mkfifo(pipe)
    assert [str(p) for p in load_flow(pipe).problems] == [
        f"{pipe}:1:1: error: cannot read the flow file: it is a named pipe, not a file"
    ]


def test_a_device_given_as_flow_file_is_refused_rather_than_read_forever() -> None:
    assert [str(p) for p in load_flow("/dev/zero").problems] == [
        "/dev/zero:1:1: error: cannot read the flow file: it is a device, not a file"
    ]


def test_a_folder_given_as_flow_file_is_still_said_to_be_one(tmp_path: Path) -> None:
    assert [p.message for p in load_flow(tmp_path).problems] == ["cannot read the flow file: Is a directory"]


def test_lists_nested_as_deep_as_allowed_load_and_one_level_more_is_refused_where_it_starts() -> None:
    # the top-level mapping and `variables` are two of the levels
    flow = flow_of(flow_with_variable(nested(MAX_DEPTH - 2)))
    assert flow.variables["v"] == eval(nested(MAX_DEPTH - 2))
    column = len("  v: ") + MAX_DEPTH - 1
    assert messages(flow_with_variable(nested(MAX_DEPTH - 1))) == [
        f"4:{column}: error: invalid YAML: lists and mappings are nested more than {MAX_DEPTH} levels deep here "
        f"(at most {MAX_DEPTH})"
    ]


def test_nesting_far_too_deep_for_python_is_refused_at_its_place_not_as_nested_too_deeply_to_read() -> None:
    (problem,) = messages(flow_with_variable(nested(900)))
    assert problem.startswith(f"4:{len('  v: ') + MAX_DEPTH - 1}: error: invalid YAML: lists and mappings are nested")


def test_an_alias_counts_as_deep_as_what_it_repeats_where_it_is_used() -> None:
    half = MAX_DEPTH // 2
    text = (
        f"name: t\nstart: a\nvariables:\n  v: &deep {nested(half)}\n  w: {'[' * half}*deep{']' * half}\n"
        "states:\n  a:\n    say: hi\n"
    )
    (problem,) = messages(text)
    assert problem.startswith("4:")  # in what the alias repeats, where the level too many is written
    assert f"lists and mappings are nested more than {MAX_DEPTH} levels deep" in problem


def test_a_value_that_holds_itself_is_still_refused_as_a_recursive_alias() -> None:
    assert messages("name: t\nstart: a\nstates:\n  a:\n    json: &x {a: *x}\n") == [
        "5:18: error: invalid YAML: this value holds itself (alias *x inside &x); YAML that refers to itself cannot"
        " be a flow's or a test's value"
    ]


def test_a_flow_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)  # sparse: no 10 MB written
    assert [p.message for p in load_flow(big).problems] == [
        "cannot read the flow file: it is 10.0 MB, more than the 10 MB a file may be"
    ]


def test_a_flow_file_just_under_the_size_limit_is_read(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yaml"
    text = "name: t\nstart: a\nstates:\n  a:\n    say: hi\n"
    flow.write_text(text + "#" * (MAX_FILE_BYTES - len(text) - 1) + "\n", encoding="utf-8")
    assert load_flow(flow).ok


def test_a_translation_holding_a_character_yaml_reads_as_a_line_break_is_written_so_that_it_comes_back() -> None:
    for text in ("next\x85line", "a\n\x85b", "line\u2028separator", "paragraph\u2029separator"):
        written = texts_section({"k": text})
        assert load_yaml(written).data["texts"]["k"] == text, written
    assert texts_section({"k": "two\nlines"}) == "texts:\n  k: |-\n    two\n    lines\n"
