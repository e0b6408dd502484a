"""A flow file as plain data to mutate, and a mutated document loaded back as a flow.

The mutant is written as YAML and loaded with `load_flow_text`, with the translation files beside the original:
so it is checked like any flow file, and its language variants are built from its own states, never left over
from the original's. The translations follow a deleted message: its keys are dropped and the later messages' keys
numbered down (`welcome.say[1]` becomes `welcome.say[0]`), as a flow author deleting it in the window would get.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import yaml

from workbench.flow.loader import LoadResult, load_flow_text
from workbench.flow.model import Flow
from workbench.flow.translations import translation_file
from workbench.flow.yaml_source import YamlSyntaxError, load_yaml
from workbench.testing.mutate.edits import MESSAGE_KEYS

_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
Removal = tuple[str, str, int]
"""A deleted message: its state, the state's key that holds it (`say`…) and its index there."""


def read_document(text: str) -> dict[str, Any]:
    """The flow file's YAML as plain dicts and lists (the flow loader's YAML rules: `yes`/`no` stay strings)."""
    data = load_yaml(text).data
    return json.loads(json.dumps(data))


def flow_text(document: dict[str, Any]) -> str:
    """`document` as flow-file YAML (strings such as `yes` or `2024-05-01` come out quoted, so they stay strings)."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)


class MutantLoader:
    """Loads mutated documents of the flow at `path` as that flow: same file name, same translation files (their
    keys following a deleted message)."""

    def __init__(self, flow: Flow) -> None:
        assert flow.path is not None, "a flow loaded from a file"
        self.path = flow.path
        self.translations = {
            language: file.read_text(encoding="utf-8")
            for language in flow.languages.secondary
            if (file := translation_file(flow.path, language)).is_file()
        }
        original = read_document(self.path.read_text(encoding="utf-8")) if self.translations else {}
        self.states: dict[str, Any] = original.get("states") or {}
        self.followed: dict[tuple[Removal, ...], dict[str, str]] = {}

    def load(self, document: dict[str, Any]) -> LoadResult:
        """The mutant as the loader sees it; its flow (when it loads) has the original's path, so relative URLs
        resolve as the original's do."""
        removed = removed_messages(self.states, document.get("states") or {}) if self.translations else ()
        translations = self.following(removed) if removed else self.translations
        result = load_flow_text(flow_text(document), str(self.path), translations)
        if result.flow is None:
            return result
        # The variants were built with no path; in_language builds them again from this flow when asked.
        return replace(result, flow=replace(result.flow, path=self.path, variants={}))

    def following(self, removed: tuple[Removal, ...]) -> dict[str, str]:
        """The translation files' texts with their keys following the `removed` messages."""
        if removed not in self.followed:
            self.followed[removed] = {
                language: _following(text, removed) for language, text in self.translations.items()
            }
        return self.followed[removed]


def removed_messages(original: dict[str, Any], mutant: dict[str, Any]) -> tuple[Removal, ...]:
    """The messages the mutant's states lack that the original's have: each one message fewer in a `say`,
    `ask`, `retry` or `give_up`, the others unchanged."""
    found: list[Removal] = []
    for name, state in mutant.items():
        before = original.get(name)
        if state == before or not isinstance(state, dict) or not isinstance(before, dict):
            continue
        for key in MESSAGE_KEYS:
            old, new = _messages(before.get(key)), _messages(state.get(key))
            if len(new) == len(old) - 1:
                index = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(new))
                if old[:index] + old[index + 1 :] == new:
                    found.append((name, key, index))
    return tuple(found)


def _messages(value: Any) -> list[Any]:
    """A state's messages under one key as a list (one message may be written without a list)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _following(text: str, removed: tuple[Removal, ...]) -> str:
    """A translation file's text with the keys of `removed` messages dropped and the later ones renumbered."""
    try:
        data = read_document(text)
    except YamlSyntaxError:
        return text  # the loader reports the file as it is
    texts = data.get("texts") if isinstance(data, dict) else None
    if not isinstance(texts, dict):
        return text
    kept = {new: value for key, value in texts.items() if (new := _renumbered(key, removed)) is not None}
    return flow_text({**data, "texts": kept})


def _renumbered(key: str, removed: tuple[Removal, ...]) -> str | None:
    """`key` after the removals: None for a removed message's key (its buttons' and cards' keys too), the index
    one lower for a later message of the same state and key."""
    for state, part, index in removed:
        prefix = f"{state}.{part}["
        if not key.startswith(prefix):
            continue
        number, close, rest = key[len(prefix) :].partition("]")
        if not (close and number.isdigit()):
            continue
        if int(number) == index:
            return None
        if int(number) > index:
            key = f"{prefix}{int(number) - 1}]{rest}"
    return key
