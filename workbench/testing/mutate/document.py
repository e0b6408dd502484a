"""A flow file as plain data to mutate, and a mutated document loaded back as a flow.

The mutant is written as YAML and loaded with `load_flow_text`, with the translation files beside the original:
so it is checked like any flow file, and its language variants are built from its own states, never left over
from the original's.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import yaml

from workbench.flow.loader import LoadResult, load_flow_text
from workbench.flow.model import Flow
from workbench.flow.translations import translation_file
from workbench.flow.yaml_source import load_yaml

_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def read_document(text: str) -> dict[str, Any]:
    """The flow file's YAML as plain dicts and lists (the flow loader's YAML rules: `yes`/`no` stay strings)."""
    data = load_yaml(text).data
    return json.loads(json.dumps(data))


def flow_text(document: dict[str, Any]) -> str:
    """`document` as flow-file YAML (strings such as `yes` or `2024-05-01` come out quoted, so they stay strings)."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)


class MutantLoader:
    """Loads mutated documents of the flow at `path` as that flow: same file name, same translation files."""

    def __init__(self, flow: Flow) -> None:
        assert flow.path is not None, "a flow loaded from a file"
        self.path = flow.path
        self.translations = {
            language: file.read_text(encoding="utf-8")
            for language in flow.languages.secondary
            if (file := translation_file(flow.path, language)).is_file()
        }

    def load(self, document: dict[str, Any]) -> LoadResult:
        """The mutant as the loader sees it; its flow (when it loads) has the original's path, so relative URLs
        resolve as the original's do."""
        result = load_flow_text(flow_text(document), str(self.path), self.translations)
        if result.flow is None:
            return result
        # The variants were built with no path; in_language builds them again from this flow when asked.
        return replace(result, flow=replace(result.flow, path=self.path, variants={}))
