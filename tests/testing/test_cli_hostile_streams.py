"""`workbench test` with a hostile standard output or error: closed, full, or a reader that goes away."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "flows" / "train_ticket" / "train_ticket.yaml"
FULL = Path("/dev/full")


def workbench(*args: str, shell_redirect: str = "", **options: object) -> subprocess.CompletedProcess[str]:
    """`workbench ARGS…` in a subprocess; `shell_redirect` (such as `2>&-`) is applied by a shell first."""
    command = [sys.executable, "-m", "workbench.cli", *args]
    if shell_redirect:
        command = ["sh", "-c", f'exec "$0" "$@" {shell_redirect}', *command]
    if "stdout" not in options and "stderr" not in options:
        options["capture_output"] = True
    return subprocess.run(command, text=True, cwd=ROOT, timeout=120, **options)  # type: ignore[call-overload]


@pytest.fixture
def passing(tmp_path: Path) -> Path:
    path = tmp_path / "passing.convo.yaml"
    path.write_text(f"flow: {SAMPLE}\nturns: [{{bot: Welcome to Belgian Rail tickets!}}]\n", encoding="utf-8")
    return path


@pytest.fixture
def failing(tmp_path: Path) -> Path:
    path = tmp_path / "failing.convo.yaml"
    path.write_text(f"flow: {SAMPLE}\nturns: [{{bot: Nope}}]\n", encoding="utf-8")
    return path


def test_a_closed_standard_error_does_not_stop_a_passing_run(passing: Path) -> None:
    result = workbench("test", str(passing), shell_redirect="2>&-")
    assert result.returncode == 0
    assert result.stdout.startswith("1 passed, 0 failed")


def test_with_standard_error_closed_error_lines_are_dropped_not_printed_in_the_report(tmp_path: Path) -> None:
    result = workbench("test", str(tmp_path / "missing.convo.yaml"), shell_redirect="2>&-")
    assert result.returncode == 2
    assert result.stdout == ""


def test_with_standard_error_closed_the_junit_report_gets_no_stray_output(passing: Path, tmp_path: Path) -> None:
    junit = tmp_path / "report.xml"
    result = workbench("test", str(passing), "--junit", str(junit), shell_redirect="2>&- >&-")
    assert result.returncode == 2  # standard output was closed: the report could not be written
    assert junit.read_text(encoding="utf-8").startswith("<?xml")


@pytest.mark.skipif(not FULL.exists(), reason="no /dev/full here")
@pytest.mark.parametrize("which", ["passing", "failing"])
def test_a_full_standard_output_is_said_in_one_line_without_a_traceback(
    which: str, request: pytest.FixtureRequest
) -> None:
    path: Path = request.getfixturevalue(which)
    with FULL.open("w") as full:
        result = workbench("test", str(path), stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert result.stderr == "error: cannot write the report to standard output: No space left on device\n"


@pytest.mark.parametrize("which", ["passing", "failing"])
def test_a_closed_standard_output_is_said_in_one_line(which: str, request: pytest.FixtureRequest) -> None:
    path: Path = request.getfixturevalue(which)
    result = workbench("test", str(path), shell_redirect=">&-")
    assert result.returncode == 2
    assert result.stderr == "error: cannot write the report to standard output: it is closed\n"


def test_a_reader_that_goes_away_ends_the_run_quietly_with_the_results_status(failing: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line is written
    try:
        result = workbench("test", str(failing), stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert (result.returncode, result.stderr) == (1, "")


def test_a_reader_that_takes_one_line_ends_the_run_quietly(failing: Path) -> None:
    command = f'"{sys.executable}" -m workbench.cli test "{failing}" | head -1'
    result = subprocess.run(["sh", "-c", command], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.stdout == f"FAILED {failing}::failing (line 1)\n"
    assert result.stderr == ""
