"""The JSON Schema (draft 2020-12) of flow files, for editors and tools that check flows without Python."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "resources" / "flow.schema.json"


def schema_text() -> str:
    """The schema file's text."""
    return SCHEMA_PATH.read_text(encoding="utf-8")


def flow_schema() -> dict[str, Any]:
    """The flow-file JSON Schema as a new dict."""
    return json.loads(schema_text())
