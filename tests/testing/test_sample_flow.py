"""The train-ticket sample's conversation tests pass, and together cover the whole flow."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.testing import suite
from workbench.testing.convo_format import find_convo_files, load_convo_file
from workbench.testing.runner import Runner
from workbench.testing.selection import Selection

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "flows" / "train_ticket"


@pytest.fixture(scope="module")
def backend_url(sample_backend: str) -> str:
    """The sample backend's URL."""
    return sample_backend


def test_the_canned_conversations_pass_and_cover_every_state_transition_and_intent() -> None:
    todo = suite.plan(find_convo_files([SAMPLE]), Selection(tags="not live"))
    result = suite.run(todo)
    assert [r.failure.report() for r in result.results if r.failure] == []
    assert result.count("passed") >= 8
    (coverage,) = result.coverage.flows.values()
    assert {kind: totals["percent"] for kind, totals in coverage.totals().items()} == {
        "states": 100.0,
        "transitions": 100.0,
        "intents": 100.0,
    }
    assert {e.transition.why for e in coverage.dynamic_edges} == {"iframe", "hand_back"}


def test_the_live_conversation_passes_against_the_real_backend(backend_url: str) -> None:
    (test,) = load_convo_file(SAMPLE / "live_backend.convo.yaml").tests

    async def go() -> None:
        runner = Runner(variables={"api_base": backend_url})
        result = await runner.run(test)
        await runner.aclose()
        assert result.passed, result.failure and result.failure.report()

    asyncio.run(go())


def pytest_on_the_live_conversation(*args: str) -> subprocess.CompletedProcess[str]:
    """`pytest flows/train_ticket/live_backend.convo.yaml` in a process of its own (without the suite's addopts)."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts="]
    command += [str(SAMPLE / "live_backend.convo.yaml"), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_pytest_starts_the_backend_the_live_conversation_needs() -> None:
    run = pytest_on_the_live_conversation()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout


def test_a_live_conversation_without_its_backend_says_the_connection_was_refused(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}"
    run = pytest_on_the_live_conversation("--convo-var", f"api_base={url}")
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"an HTTP request failed after `click: 4` (line 18): GET {url}/price?to=Antwerp: connection refused" in (
        run.stdout
    )
