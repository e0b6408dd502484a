"""The pytest plugin under pytest-xdist: workers collect a file's conversations without reading their turns, and read
the whole file when they run one; what a user sees is what a run without xdist shows."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest

from tests.testing.pytest_in_folder import run_pytest
from workbench.testing.convo_format import ConvoTest, load_convo_file, load_convo_text
from workbench.testing.pytest_plugin import headers_only

ROOT = Path(__file__).resolve().parents[2]
EVERY_CONVO_FILE = sorted(
    path for folder in ("flows", "tests/testing") for path in (ROOT / folder).rglob("*.convo.yaml")
)


def _without_turns(test: ConvoTest) -> dict[str, object]:
    return {f.name: getattr(test, f.name) for f in dataclasses.fields(test) if f.name not in ("turns", "keyed")}


@pytest.mark.parametrize("path", EVERY_CONVO_FILE, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_files_headers_give_its_conversations_as_reading_it_whole_does_but_their_turns(path: Path) -> None:
    whole = load_convo_file(path)
    headers = headers_only(path.read_text(encoding="utf-8"))
    if headers is None or not whole.ok:
        return  # collected from the whole file, as without xdist
    collected = load_convo_text(headers, str(path), path.parent)
    if collected.ok:  # a file the headers cannot stand for is read whole at collection
        assert [_without_turns(t) for t in collected.tests] == [_without_turns(t) for t in whole.tests]


def test_headers_keep_every_line_where_it_was_and_leave_out_only_turns() -> None:
    text = (
        "flow: shop.yaml\n"
        "conversations:\n"
        "  - name: First\n"
        "    turns:\n"
        "    - user: hi\n"
        "    # a comment\n"
        "    - bot: |\n"
        "        Hello\n"
        "    tags: [late]\n"
        "  - turns:\n"
        "      - click: Tea\n"
        "    name: Second\n"
    )
    headers = headers_only(text)
    assert headers is not None
    assert headers.split("\n") == [
        "flow: shop.yaml",
        "conversations:",
        "  - name: First",
        "    turns:",
        "    - silence: 1",
        "",
        "",
        "",
        "    tags: [late]",
        "  - turns:",
        "    - silence: 1",
        "    name: Second",
        "",
    ]


def test_a_file_without_a_turns_block_has_no_headers_of_its_own() -> None:
    assert headers_only("flow: shop.yaml\nname: Inline\nturns: [{user: hi}]\n") is None


@pytest.fixture
def project(tmp_path: Path, data: Path) -> Path:
    for name in ("shop.yaml", "coffee.convo.yaml", "suite.convo.yaml"):
        (tmp_path / name).write_text((data / name).read_text())
    (tmp_path / "includes").mkdir()
    (tmp_path / "includes" / "order_coffee.yaml").write_text((data / "includes" / "order_coffee.yaml").read_text())
    (tmp_path / "failing.convo.yaml").write_text("flow: shop.yaml\nname: Expects a greeting\nturns:\n  - bot: Hi\n")
    return tmp_path


def _outcomes(run: subprocess.CompletedProcess[str]) -> list[str]:
    """The `PASSED`/`FAILED` lines of `-rA`, sorted (workers finish in any order)."""
    return sorted(line for line in run.stdout.splitlines() if line.startswith(("PASSED ", "FAILED ")))


def test_with_two_workers_each_conversation_passes_or_fails_with_the_same_report_as_in_one_process(
    project: Path,
) -> None:
    serial = run_pytest("-q", "-rA", "-n", "0", cwd=project)
    spread = run_pytest("-q", "-rA", "-n", "2", cwd=project)
    assert "1 failed, 4 passed" in spread.stdout, spread.stdout + spread.stderr
    assert _outcomes(spread) == _outcomes(serial)
    for report in ("failing.convo.yaml:4:5: bot: Hi", "conversation up to this turn:"):
        assert report in serial.stdout
        assert report in spread.stdout
    assert "1 passed in" in run_pytest("-q", "-n", "2", "-k", "Tea", cwd=project).stdout  # xdist counts no deselected


def test_with_two_workers_a_file_whose_turns_have_problems_fails_each_conversation_with_them(project: Path) -> None:
    (project / "broken.convo.yaml").write_text(
        "flow: shop.yaml\nconversations:\n  - name: One\n    turns:\n      - bott: hi\n  - name: Two\n"
        "    turns:\n      - user: hi\n"
    )
    run = run_pytest("-q", "-n", "2", "broken.convo.yaml", cwd=project)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 failed" in run.stdout
    assert run.stdout.count("broken.convo.yaml:5:9: error: unknown turn 'bott'; did you mean 'bot'?") >= 2


def test_with_two_workers_a_file_whose_settings_have_problems_is_still_a_collection_error(project: Path) -> None:
    (project / "broken.convo.yaml").write_text("flow: missing.yaml\nname: Nowhere\nturns:\n  - user: hi\n")
    run = run_pytest("-q", "-n", "2", "broken.convo.yaml", cwd=project)
    assert run.returncode != 0, run.stdout + run.stderr
    assert "ERROR collecting broken.convo.yaml" in run.stdout
    assert "broken.convo.yaml:1:7: error: flow file not found: missing.yaml" in run.stdout
