"""A flow file as plain data to mutate, and a mutated document loaded back as a flow.

The flow file is read once: its YAML tree with positions, and its translations as the loaded flow has them. A
mutant is built from that tree with only what it changes made anew: the parts it keeps are the file's own, a
changed value has the position of the value it replaces and a new one its parent's, so the mutant is checked by
the flow loader's builder and checks as the file is, and its problems point into the file. Its language variants
are built from its own states with the original's translations. The translations follow a deleted message: its
keys are dropped and the later messages' keys numbered down (`welcome.say[1]` becomes `welcome.say[0]`), as a flow
author deleting it in the window would get; a translation of a text that a changed state no longer has makes the
mutant invalid, as it makes a flow file.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from workbench.flow.build import Builder
from workbench.flow.documents import read_mapping, read_text
from workbench.flow.loader import LoadResult
from workbench.flow.model import Flow, Loc, Translation
from workbench.flow.problems import Problem, Reporter
from workbench.flow.translation_keys import state_texts, translatable_texts
from workbench.flow.translations import in_language, key_hint
from workbench.flow.validate import check_flow
from workbench.flow.whole_numbers import whole_number
from workbench.flow.yaml_source import Pos, YList, YMap, load_yaml
from workbench.testing.mutate.edits import MESSAGE_KEYS, Document

Removal = tuple[str, str, int]
"""A deleted message: its state, the state's key that holds it (`say`…) and its index there."""


def read_document(text: str) -> Document:
    """The flow file's YAML as plain dicts and lists (the flow loader's YAML rules: `yes`/`no` stay strings)."""
    return json.loads(json.dumps(load_yaml(text).data))


class MutantLoader:
    """Loads mutated documents of the flow at `path` as that flow: same file, same positions, same translations
    (their keys following a deleted message). `document` is the flow file as plain data, for the operators."""

    def __init__(self, flow: Flow) -> None:
        assert flow.path is not None, "a flow loaded from a file"
        self.path = flow.path
        self.file = str(flow.path)
        read = read_mapping(read_text(self.path, "flow file"), Reporter(self.file), "flow file")
        assert read is not None, "the flow file loaded"
        self.tree, self.pos, self.lines = read
        self.document: Document = json.loads(json.dumps(self.tree))
        self.translations = flow.translations
        self.owners = {text.key: text.state for text in translatable_texts(flow)} if flow.translations else {}
        self.followed: dict[tuple[Removal, ...], dict[str, Translation]] = {}

    def load(self, document: Document) -> LoadResult:
        """The mutant as the loader sees it; its flow (when it loads) has the original's path, so relative URLs
        resolve as the original's do."""
        reporter = Reporter(self.file)
        builder = Builder(self.file, self.lines, reporter)
        flow = builder.flow(_grafted(document, self.document, self.tree, self.pos), self.pos, self.path)
        if flow is not None:
            check_flow(flow, builder.facts, self.lines, reporter)
        problems = reporter.sorted()
        if flow is None or any(p.is_error for p in problems):
            return LoadResult(None, problems)
        if not self.translations:
            return LoadResult(flow, problems)
        states, before = document.get("states") or {}, self.document.get("states") or {}
        changed = {name for name in states.keys() | before.keys() if states.get(name) != before.get(name)}
        removed = removed_messages(before, states, changed)
        translations = self.following(removed) if removed else self.translations
        stale = tuple(self._stale(translations, flow, changed))
        if stale:
            return LoadResult(None, problems + stale)
        return LoadResult(_with_variants(replace(flow, translations=translations)), problems)

    def following(self, removed: tuple[Removal, ...]) -> dict[str, Translation]:
        """The translations with their keys following the `removed` messages."""
        if removed not in self.followed:
            self.followed[removed] = {
                language: _following(translation, removed) for language, translation in self.translations.items()
            }
        return self.followed[removed]

    def _stale(self, translations: dict[str, Translation], flow: Flow, changed: set[str]) -> list[Problem]:
        """A problem for each translation of a text of the `changed` states that the mutant no longer has."""
        kept = {text.key for name in changed if name in flow.states for text in state_texts(flow.states[name])}
        stale = [
            (translation.locs[key], key)
            for translation in translations.values()
            for key in translation.texts
            if self.owners.get(key) in changed and key not in kept
        ]
        texts = translatable_texts(flow) if stale else ()
        return [
            Problem(loc, f"translation of a text that no longer exists: `{key}`{key_hint(key, texts)}")
            for loc, key in stale
        ]


def _with_variants(flow: Flow) -> Flow:
    """`flow` with its variant in each language built, as the loader builds a flow file's."""
    variants: dict[str, Flow] = {}
    primary = replace(flow, variants=variants)
    variants[primary.language] = primary
    for language in flow.languages.secondary:
        variants[language] = in_language(primary, language)
    return primary


def _grafted(value: Any, original: Any, tree: Any, pos: Pos) -> Any:
    """`value` (plain data) as the loader's YAML tree: the original's `tree` where `value` is what it was
    (`original`), else new mappings and lists whose parts keep the positions (and the trees) of the parts they
    stand for. (A literal changed to one that Python finds equal, `1` to `true`, would count as unchanged: no
    operator makes such a change.)"""
    if type(value) is type(original) and value == original:
        return tree
    if isinstance(value, dict):
        return _grafted_mapping(value, original if isinstance(original, dict) else {}, tree, pos)
    if isinstance(value, list):
        return _grafted_list(value, original if isinstance(original, list) else [], tree, pos)
    return value


def _grafted_mapping(value: dict[str, Any], original: dict[str, Any], tree: Any, pos: Pos) -> YMap:
    """A changed mapping: each key at its place in the original (the mapping's own place for a new key)."""
    old = tree if isinstance(tree, YMap) else YMap()
    grafted = YMap()
    for key, item in value.items():
        item_pos = old.value_pos.get(key, pos)
        grafted[key] = _grafted(item, original.get(key), old.get(key), item_pos)
        grafted.key_pos[key] = old.key_pos.get(key, pos)
        grafted.value_pos[key] = item_pos
    return grafted


def _grafted_list(value: list[Any], original: list[Any], tree: Any, pos: Pos) -> YList:
    """A changed list: an item the original has unchanged (moved, or after a deleted one) is that item, another
    one stands for the original's item at its index."""
    old = tree if isinstance(tree, YList) and len(tree) == len(original) else None
    unused = list(range(len(original)))
    grafted = YList()
    for index, item in enumerate(value):
        same = next((i for i in unused if type(original[i]) is type(item) and original[i] == item), None)
        if same is not None:
            unused.remove(same)
        at = same if same is not None else index
        known = old is not None and at < len(old)
        grafted.append(_grafted(item, original[at] if known else None, old[at] if known else None, pos))
        grafted.item_pos.append(old.item_pos[at] if known else pos)
    return grafted


def removed_messages(original: dict[str, Any], mutant: dict[str, Any], changed: set[str]) -> tuple[Removal, ...]:
    """The messages the mutant's `changed` states lack that the original's have: each one message fewer in a
    `say`, `ask`, `retry` or `give_up`, the others unchanged."""
    found: list[Removal] = []
    for name in changed:
        state, before = mutant.get(name), original.get(name)
        if not isinstance(state, dict) or not isinstance(before, dict):
            continue
        for key in MESSAGE_KEYS:
            old, new = _messages(before.get(key)), _messages(state.get(key))
            if len(new) == len(old) - 1:
                index = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), len(new))
                if old[:index] + old[index + 1 :] == new:
                    found.append((name, key, index))
    return tuple(sorted(found))


def _messages(value: Any) -> list[Any]:
    """A state's messages under one key as a list (one message may be written without a list)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _following(translation: Translation, removed: tuple[Removal, ...]) -> Translation:
    """A translation with the keys of `removed` messages dropped and the later ones renumbered."""
    texts: dict[str, str] = {}
    locs: dict[str, Loc] = {}
    for key, text in translation.texts.items():
        new = _renumbered(key, removed)
        if new is not None:
            texts[new] = text
            if key in translation.locs:
                locs[new] = translation.locs[key]
    return replace(translation, texts=texts, locs=locs)


def _renumbered(key: str, removed: tuple[Removal, ...]) -> str | None:
    """`key` after the removals: None for a removed message's key (its buttons' and cards' keys too), the index
    one lower for a later message of the same state and key."""
    for state, part, index in removed:
        prefix = f"{state}.{part}["
        if not key.startswith(prefix):
            continue
        written, close, rest = key[len(prefix) :].partition("]")
        number = whole_number(written) if close else None
        if number is None:
            continue
        if number == index:
            return None
        if number > index:
            key = f"{prefix}{number - 1}]{rest}"
    return key
