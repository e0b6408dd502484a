"""`workbench test` and the pytest plugin, from the outside."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from tests.testing.pytest_in_folder import run_pytest
from workbench.testing.cli_test import add_test_parser, run_test_command
from workbench.testing.convo_format import load_convo_file
from workbench.testing.selection import ExpressionError, Selection, check


def workbench_test(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="workbench")
    add_test_parser(parser.add_subparsers(dest="command"))
    out = io.StringIO()
    return run_test_command(parser.parse_args(["test", *argv]), out), out.getvalue()


@pytest.fixture
def failing(tmp_path: Path, data: Path) -> Path:
    path = tmp_path / "failing.convo.yaml"
    path.write_text(f"flow: {data / 'shop.yaml'}\nname: Expects a greeting\nturns:\n  - bot: Hello there\n")
    return path


def test_selection_by_name_and_tags(data: Path) -> None:
    tests = load_convo_file(data / "suite.convo.yaml").tests
    names = lambda selection: [t.name for t in tests if selection(t)]  # noqa: E731
    assert names(Selection(keyword="coffee")) == ["Small coffee"]
    assert names(Selection(keyword="not coffee and (list or tea)")) == ["Tea at table 2", "From a list"]
    assert names(Selection(tags="smoke and not tea")) == ["Small coffee"]
    assert names(Selection(tags="tea,nothing")) == ["Tea at table 2"]
    with pytest.raises(ExpressionError):
        check("smoke and")


def test_exit_status_is_0_when_all_pass_and_prints_coverage(data: Path) -> None:
    status, out = workbench_test(str(data), "--coverage")
    assert status == 0
    assert "coverage of Shop" in out
    assert out.splitlines()[-1].startswith("4 passed, 0 failed in ")


def test_exit_status_is_1_on_a_failure_with_the_report_and_files_written(
    failing: Path, data: Path, tmp_path: Path
) -> None:
    junit, results = tmp_path / "junit.xml", tmp_path / "results.json"
    status, out = workbench_test(str(failing), str(data), "-j", "2", "--junit", str(junit), "--json", str(results))
    assert status == 1
    assert f"FAILED {failing}::Expects a greeting\n{failing}:4:5: bot: Hello there\n" in out
    assert "1 failed" in out
    assert 'failures="1"' in junit.read_text()
    assert json.loads(results.read_text())["summary"] == {
        "total": 5,
        "passed": 4,
        "failed": 1,
        "errors": 0,
        "duration": pytest.approx(0, abs=60),
        "languages": {"en": {"total": 5, "passed": 4, "failed": 1, "errors": 0}},
    }


def test_exit_status_is_2_on_bad_input(data: Path) -> None:
    broken = Path(__file__).parent / "broken" / "unknown_turn.convo.yaml"
    status, out = workbench_test(str(broken), str(data / "coffee.convo.yaml"))
    assert status == 2
    assert "unknown turn 'bott'; did you mean 'bot'?" in out
    assert workbench_test("no/such/folder")[0] == 2
    assert workbench_test(str(data), "-k", "coffee and")[0] == 2


def test_the_sample_suite_gives_the_same_results_and_coverage_with_one_and_two_workers(tmp_path: Path) -> None:
    sample = Path(__file__).parents[2] / "flows" / "train_ticket"
    figures = []
    for workers in ("1", "2"):
        results, coverage = tmp_path / f"results{workers}.json", tmp_path / f"coverage{workers}.json"
        status, _ = workbench_test(
            str(sample), "--tags", "not live", "-j", workers, "--json", str(results), "--coverage-json", str(coverage)
        )
        outcomes = [(t["id"], t["status"]) for t in json.loads(results.read_text())["results"]]
        figures.append((status, outcomes, json.loads(coverage.read_text())))
    assert figures[0][0] == 0
    assert len(figures[0][1]) >= 8
    assert figures[1] == figures[0]


def test_var_overrides_a_starting_variable(tmp_path: Path, data: Path) -> None:
    path = tmp_path / "var.convo.yaml"
    path.write_text(f"flow: {data / 'shop.yaml'}\nstart: ask_size\nturns:\n  - bot: Which size of milk?\n")
    assert workbench_test(str(path), "--var", "drink=milk")[0] == 0


@pytest.fixture
def project(tmp_path: Path, data: Path, failing: Path) -> Path:
    for name in ("shop.yaml", "coffee.convo.yaml", "suite.convo.yaml"):
        (tmp_path / name).write_text((data / name).read_text())
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "order_coffee.yaml").write_text((data / "includes" / "order_coffee.yaml").read_text())
    return tmp_path


def test_pytest_collects_one_item_per_conversation_and_reports_failures_like_the_runner(project: Path) -> None:
    run = run_pytest("-q", "--junitxml", "junit.xml", cwd=project)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 4 passed" in run.stdout
    assert "failing.convo.yaml:4:5: bot: Hello there" in run.stdout
    assert "conversation up to this turn:" in run.stdout
    assert 'name="Expects a greeting"' in (project / "junit.xml").read_text()


def test_pytest_k_markers_x_and_xdist(project: Path) -> None:
    assert "1 passed, 4 deselected" in run_pytest("-q", "-k", "Tea", cwd=project).stdout
    assert "2 passed, 3 deselected" in run_pytest("-q", "-m", "smoke and not tea", cwd=project).stdout
    assert "1 failed" in run_pytest("-q", "-x", "failing.convo.yaml", "coffee.convo.yaml", cwd=project).stdout
    run = run_pytest("-q", "-n", "2", "--convo-coverage", "coverage.json", cwd=project)
    assert "1 failed, 4 passed" in run.stdout, run.stdout + run.stderr
    flows = {f["path"]: f for f in json.loads((project / "coverage.json").read_text())["flows"]}
    assert flows["shop.yaml"]["states"]["welcome"] == 4


def test_a_broken_convo_file_is_a_collection_error(project: Path) -> None:
    (project / "broken.convo.yaml").write_text("flow: shop.yaml\nturns:\n  - bott: hi\n")
    run = run_pytest("-q", "broken.convo.yaml", cwd=project)
    assert run.returncode == 2
    assert "broken.convo.yaml:3:5: error: unknown turn 'bott'; did you mean 'bot'?" in run.stdout
