"""A flow written from its text into a test's folder and loaded from there, as the explorer's tests use it.

Importable as `tests.testing.flow_on_disk`.
"""

from __future__ import annotations

from pathlib import Path

from workbench.flow.loader import load_flow
from workbench.flow.model import Flow


def load_written(folder: Path, text: str, name: str = "flow.yaml") -> Flow:
    """`text` written to `folder/name` and loaded; the flow, which must load without errors."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    loaded = load_flow(path)
    assert loaded.flow is not None and not loaded.errors, [str(p) for p in loaded.problems]
    return loaded.flow
