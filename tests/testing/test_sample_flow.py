"""The train-ticket sample's conversation tests pass, and together cover the whole flow."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from workbench.testing import suite
from workbench.testing.convo_format import find_convo_files, load_convo_file
from workbench.testing.runner import Runner
from workbench.testing.selection import Selection

SAMPLE = Path(__file__).parents[2] / "flows" / "train_ticket"


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
