"""Every file in broken/ gives exactly the problems in its .expected sibling (paths as passed: broken/NAME.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.flow.loader import load_flow

from .helpers import HERE

BROKEN = sorted((HERE / "broken").glob("*.yaml"))


def test_there_are_enough_broken_files() -> None:
    assert len(BROKEN) >= 12
    assert all(path.with_suffix(".expected").exists() for path in BROKEN)


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_file_gives_exactly_the_expected_problems(path: Path, in_flow_tests: Path) -> None:
    relative = f"broken/{path.name}"
    result = load_flow(relative)
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert [str(p) for p in result.problems] == expected
    assert result.errors or path.stem == "warnings"
    assert (result.flow is None) == bool(result.errors)
