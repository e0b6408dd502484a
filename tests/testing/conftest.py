"""Fixtures for the conversation-test tests: replay a convo written inline against a flow in `data/`."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from workbench.testing.convo_format import load_convo_file
from workbench.testing.runner import ConvoResult, Runner

DATA = Path(__file__).parent / "data"

# The convo files in data/ and broken/ are inputs of these tests, not tests of their own.
collect_ignore_glob = ["data/*", "broken/*"]

Replay = Callable[..., ConvoResult]


@pytest.fixture
def data() -> Path:
    """The folder of flows and convo files these tests use."""
    return DATA


@pytest.fixture
def replay(tmp_path: Path) -> Replay:
    """`replay(*yaml_parts, flow="shop.yaml", **runner_options)`: the result of one inline conversation. The
    parts are joined; a part that starts with a new line (a triple-quoted block) is dedented first."""

    def run(*parts: str, flow: str = "shop.yaml", **options: Any) -> ConvoResult:
        path = tmp_path / "inline.convo.yaml"
        text = "".join(textwrap.dedent(part) if part.startswith("\n") else part for part in parts)
        path.write_text(f"flow: {DATA / flow}\n{text}", encoding="utf-8")
        loaded = load_convo_file(path)
        assert loaded.ok, [str(p) for p in loaded.problems]

        async def go() -> ConvoResult:
            runner = Runner(**options)
            try:
                return await runner.run(loaded.tests[0])
            finally:
                await runner.aclose()

        return asyncio.run(go())

    return run
