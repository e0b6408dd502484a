"""Conversation items report as any pytest test does: -v, -rf, --junitxml, -x, skips, xfail, makereport hooks,
and the same under pytest-xdist."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.testing.pytest_in_folder import run_pytest

# Records each report's phase per item, to show that reporting hooks see all three.
RECORD_PHASES = """
import pytest

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    with open("phases.txt", "a") as out:
        out.write(f"{item.name}:{report.when}:{report.outcome}\\n")
    return report
"""


@pytest.fixture
def project(tmp_path: Path, data: Path) -> Path:
    (tmp_path / "shop.yaml").write_text((data / "shop.yaml").read_text())
    (tmp_path / "shop.convo.yaml").write_text(
        "flow: shop.yaml\n"
        "conversations:\n"
        "  - name: Greets\n"
        "    turns:\n"
        "      - bot: Welcome to the shop!\n"
        "  - name: Expects a goodbye\n"
        "    turns:\n"
        "      - bot: Goodbye\n"
        "  - name: Known to fail\n"
        "    tags: [xfail]\n"
        "    turns:\n"
        "      - bot: Goodbye\n"
        "  - name: Not yet\n"
        "    tags: [skip]\n"
        "    turns:\n"
        "      - bot: Goodbye\n"
    )
    return tmp_path


NAMES = ("Greets", "Expects a goodbye", "Known to fail", "Not yet")
OUTCOMES = ("PASSED", "FAILED", "SKIPPED", "XFAIL", "XPASS", "ERROR")


def _lines(run: subprocess.CompletedProcess[str]) -> list[str]:
    """Each conversation's outcome on each line of -v and -rfEsxX that names it (the layout of -v differs under
    pytest-xdist)."""
    return sorted(
        f"{word} {name}"
        for line in run.stdout.splitlines()
        for name in NAMES
        if f"::{name}" in line
        for word in OUTCOMES
        if re.search(rf"\b{word}\b", line)
    )


def _junit_cases(path: Path) -> list[str]:
    return sorted(re.sub(r' time="[^"]*"', "", case) for case in re.findall(r"<testcase [^>]*>", path.read_text()))


def test_a_conversation_reports_on_the_terminal_and_in_junit(project: Path) -> None:
    run = run_pytest("-v", "-rfEsxX", "--junitxml", "junit.xml", "-n", "0", cwd=project)
    assert "1 failed, 1 passed, 1 skipped, 1 xfailed" in run.stdout, run.stdout + run.stderr
    assert "shop.convo.yaml:8:9: bot: Goodbye" in run.stdout
    assert 'name="Expects a goodbye"' in "".join(_junit_cases(project / "junit.xml"))


def test_reporting_hooks_see_setup_call_and_teardown_of_each_conversation(project: Path) -> None:
    (project / "conftest.py").write_text(RECORD_PHASES)
    run = run_pytest("-q", "-n", "0", "-k", "Greets or goodbye", cwd=project)
    assert "1 failed, 1 passed" in run.stdout, run.stdout + run.stderr
    assert (project / "phases.txt").read_text().splitlines() == [
        "Greets:setup:passed",
        "Greets:call:passed",
        "Greets:teardown:passed",
        "Expects a goodbye:setup:passed",
        "Expects a goodbye:call:failed",
        "Expects a goodbye:teardown:passed",
    ]


def test_x_stops_at_the_first_failing_conversation(project: Path) -> None:
    run = run_pytest("-q", "-n", "0", "-x", "-p", "no:randomly", cwd=project)
    assert "1 failed, 1 passed in" in run.stdout, run.stdout + run.stderr


def test_a_conftest_hook_that_skips_a_conversation_skips_it_with_its_reason(project: Path) -> None:
    (project / "conftest.py").write_text(
        "import pytest\n\ndef pytest_convo_variables(test, config):\n"
        "    if test.name == 'Greets':\n        pytest.skip('no backend here')\n"
    )
    run = run_pytest("-q", "-rs", "-n", "0", "-k", "Greets", cwd=project)
    assert "1 skipped" in run.stdout, run.stdout + run.stderr
    assert "no backend here" in run.stdout


def test_with_two_workers_each_conversation_is_reported_once_as_without(project: Path) -> None:
    serial = run_pytest("-v", "-rfEsxX", "-n", "0", cwd=project)
    spread = run_pytest("-v", "-rfEsxX", "-n", "2", cwd=project)
    assert "1 failed, 1 passed, 1 skipped, 1 xfailed" in spread.stdout, spread.stdout + spread.stderr
    assert _lines(spread) == _lines(serial)
    assert {"PASSED Greets", "FAILED Expects a goodbye", "XFAIL Known to fail", "SKIPPED Not yet"} <= set(
        _lines(serial)
    )
