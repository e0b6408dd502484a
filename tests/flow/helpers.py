"""Helpers shared by the flow tests."""

from __future__ import annotations

from pathlib import Path

from workbench.flow.loader import load_flow_text
from workbench.flow.model import Flow

HERE = Path(__file__).parent
SAMPLES = HERE / "samples"


def messages(text: str) -> list[str]:
    """The problems of a flow text as `line:column: severity: message` strings."""
    return [str(p).removeprefix("<flow>:") for p in load_flow_text(text).problems]


def flow_of(text: str) -> Flow:
    """The flow of a text that must load without errors."""
    result = load_flow_text(text)
    assert result.flow is not None, [str(p) for p in result.errors]
    return result.flow
