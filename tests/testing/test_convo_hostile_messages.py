"""What a message says of an odd value names what is wrong with it: an ordered list of pairs is not called a list,
an empty path empty, a folder or a named pipe no "file not found", an infinite number of seconds not finite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.testing.test_convo_hostile_values import FLOW, problems
from workbench.testing.convo_format import load_convo_text


def flow_problems(flow: str, folder: Path) -> list[str]:
    loaded = load_convo_text(f"flow: {flow}\nturns: [user: hi]\n", "t.convo.yaml", folder)
    assert loaded.tests == ()
    return [str(p) for p in loaded.problems]


@pytest.mark.parametrize("tag", ["!!pairs", "!!omap"])
def test_turns_written_as_ordered_pairs_are_not_called_a_list(tag: str) -> None:
    assert problems(f"turns: {tag} [user: 1]\n") == [
        "t.convo.yaml:2:8: error: 'turns' must be a list, not an ordered list of pairs (!!omap or !!pairs)"
    ]


@pytest.mark.parametrize("flow", ["' '", "''"])
def test_an_empty_flow_path_is_called_empty(flow: str, tmp_path: Path) -> None:
    assert flow_problems(flow, tmp_path) == [
        "t.convo.yaml:1:7: error: 'flow' is empty: it must be the path of a flow file"
    ]


def test_a_flow_path_that_names_a_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    assert flow_problems("flows", tmp_path) == [
        f"t.convo.yaml:1:7: error: 'flow' names a folder, not a flow file: flows (looked at {tmp_path / 'flows'})"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_flow_path_that_names_a_named_pipe_says_so(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    assert flow_problems("pipe.yaml", tmp_path) == [
        "t.convo.yaml:1:7: error: 'flow' names pipe.yaml, which is not a regular file (a named pipe or a device?)"
    ]


def test_a_missing_flow_file_is_still_not_found(tmp_path: Path) -> None:
    assert flow_problems("gone.yaml", tmp_path) == [
        f"t.convo.yaml:1:7: error: flow file not found: gone.yaml (looked for {tmp_path / 'gone.yaml'})"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(".inf", "a finite number of seconds, not .inf"), (".nan", "a positive number of seconds, not .nan")],
)
def test_a_timeout_must_be_a_finite_number_of_seconds(value: str, expected: str) -> None:
    assert problems(f"timeout: {value}\nturns: [user: hi]\n") == [
        f"t.convo.yaml:2:10: error: 'timeout' must be {expected}"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (".inf", "a finite number of seconds without user input, not .inf"),
        ("-.inf", "a positive number of seconds without user input, not -.inf"),
    ],
)
def test_a_silence_must_be_a_finite_number_of_seconds(value: str, expected: str) -> None:
    assert problems(f"turns:\n  - silence: {value}\n") == [f"t.convo.yaml:3:14: error: 'silence' must be {expected}"]


def test_finite_timeouts_and_silences_still_load() -> None:
    loaded = load_convo_text(f"flow: {FLOW}\ntimeout: 2.5\nturns:\n  - silence: 30\n", "t.convo.yaml")
    assert loaded.ok, loaded.problems
    assert loaded.tests[0].timeout == 2.5 and loaded.tests[0].turns[0].value == 30.0
