"""Fixtures for the flow tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import HERE


@pytest.fixture
def in_flow_tests(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test inside tests/flow, so that problem paths are short and stable."""
    monkeypatch.chdir(HERE)
    return HERE
