"""The JSON Schema (draft 2020-12) of flow files, for editors and tools that check flows without Python."""

from __future__ import annotations

import json
from typing import Any

from workbench.bundled import resource

SCHEMA_PATH = resource("flow.schema.json")


def schema_text() -> str:
    """The schema file's text."""
    return SCHEMA_PATH.read_text(encoding="utf-8")


def flow_schema() -> dict[str, Any]:
    """The flow-file JSON Schema as a new dict."""
    return json.loads(schema_text())
