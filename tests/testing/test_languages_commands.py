"""`workbench test --all-languages` and the pytest plugin's per-language items, each in a process of its own."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

from tests.testing.test_convo_languages import DUTCH, FLOW

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "flows" / "train_ticket"
PLUGIN = "workbench.testing.pytest_plugin"


def run(*command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *command], cwd=cwd, capture_output=True, text=True, timeout=240)


def test_workbench_test_all_languages_passes_the_sample_in_english_and_dutch(tmp_path: Path) -> None:
    report, coverage = tmp_path / "results.json", tmp_path / "coverage.json"
    done = run(
        "-m", "workbench.cli", "test", str(SAMPLE), "--tags", "not live", "--all-languages",
        "--json", str(report), "--coverage-json", str(coverage),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "  English (en): " in done.stdout and "  Dutch (nl): " in done.stdout
    summary = json.loads(report.read_text())["summary"]
    assert set(summary["languages"]) == {"en", "nl"}
    assert all(counts["failed"] == counts["errors"] == 0 for counts in summary["languages"].values())
    assert summary["languages"]["nl"]["passed"] >= 6
    assert set(json.loads(coverage.read_text())["languages"]) == {"en", "nl"}


def test_pytest_makes_one_item_per_language(tmp_path: Path) -> None:
    (tmp_path / "echo.yaml").write_text(FLOW, encoding="utf-8")
    (tmp_path / "echo.nl.yaml").write_text(DUTCH, encoding="utf-8")
    turns = "turns:\n  - bot: Welcome to the echo!\n"
    (tmp_path / "all.convo.yaml").write_text(f"flow: echo.yaml\nname: Greets\nlanguage: all\n{turns}")
    (tmp_path / "own.convo.yaml").write_text(f"flow: echo.yaml\nname: Greets in one\n{turns}")
    registered = any(e.value == PLUGIN for e in importlib.metadata.entry_points(group="pytest11"))
    plugin = [] if registered else ["-p", PLUGIN]
    pytest = ["-m", "pytest", *plugin, "-p", "no:cacheprovider", "--rootdir", str(tmp_path), "-o", "addopts="]

    listed = run(*pytest, "--collect-only", "-q", cwd=tmp_path)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert [line for line in listed.stdout.splitlines() if "::" in line] == [
        "all.convo.yaml::Greets[en]",
        "all.convo.yaml::Greets[nl]",
        "own.convo.yaml::Greets in one",
    ]
    everywhere = run(*pytest, "-q", "--convo-all-languages", "-k", "nl", cwd=tmp_path)
    assert everywhere.returncode == 0, everywhere.stdout + everywhere.stderr
    assert "2 passed, 2 deselected" in everywhere.stdout
    (tmp_path / "pytest.ini").write_text("[pytest]\nconvo_languages = nl\n")
    from_ini = run(*pytest, "--collect-only", "-q", cwd=tmp_path)
    assert "own.convo.yaml::Greets in one\n" in from_ini.stdout  # one language: no suffix
    assert "own.convo.yaml::Greets in one[nl]" not in from_ini.stdout
