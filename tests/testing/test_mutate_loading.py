"""Loading mutants: the flow file and its translations are read once; a mutant is the flow that its changed file
(with the translations following a deleted message) would load as, in every language; its problems point into
the flow file; a translation of a text that the mutant no longer has makes it invalid, as it makes a flow file."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.testing.test_mutate import FLOW as TINY
from tests.testing.test_mutate_operators import DUTCH, FLOW
from workbench.flow.loader import load_flow, load_flow_text
from workbench.flow.translations import in_language
from workbench.testing.mutate.document import MutantLoader, read_document
from workbench.testing.mutate.operators import mutants

WHERE = {"loc", "line", "end_line", "indent", "locs", "file", "path", "variants"}
"""The fields that say where a thing is written (or are built from the others), not what it is."""


def what(value: Any) -> Any:
    """A flow (or a part of it) without the fields that say where it is written."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return {f.name: what(getattr(value, f.name)) for f in fields if f.name not in WHERE and "_loc" not in f.name}
    if isinstance(value, dict):
        return {key: what(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [what(item) for item in value]
    return value


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The shop flow (every kind of operator) beside its Dutch translation file."""
    path = tmp_path / "shop.yaml"
    path.write_text(FLOW, encoding="utf-8")
    (tmp_path / "shop.nl.yaml").write_text(DUTCH, encoding="utf-8")
    return path


def _loader(path: Path) -> MutantLoader:
    loaded = load_flow(path)
    assert loaded.flow is not None, [str(p) for p in loaded.errors]
    return MutantLoader(loaded.flow)


def test_every_mutant_is_the_flow_its_changed_file_would_load_as_in_every_language(shop: Path) -> None:
    # The file: the mutant's document written as YAML, beside the translations it was given (those of a deleted
    # message renumbered: the tests of delete_message check that part).
    loader = _loader(shop)
    for mutant in mutants(loader.document):
        result = loader.load(mutant.document)
        assert result.flow is not None, mutant.change
        dutch = {"language": "nl", "texts": result.flow.translations["nl"].texts}
        text = yaml.safe_dump(mutant.document, sort_keys=False, allow_unicode=True)
        as_file = load_flow_text(text, str(shop), {"nl": yaml.safe_dump(dutch, allow_unicode=True)}).flow
        assert as_file is not None, mutant.change
        for language in ("en", "nl"):
            assert what(in_language(result.flow, language)) == what(in_language(as_file, language)), mutant.change


def test_the_flow_file_and_its_translations_are_read_once(shop: Path) -> None:
    loader = _loader(shop)
    shop.unlink()
    shop.with_name("shop.nl.yaml").unlink()
    deleted = next(m for m in mutants(loader.document) if m.change.startswith("greet.say: drop message 1"))
    flow = loader.load(deleted.document).flow
    assert flow is not None
    assert [item.text for item in in_language(flow, "nl").states["greet"].say] == ["Zullen we bestellen?"]


def test_a_mutants_problems_point_into_the_flow_file(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY, encoding="utf-8")
    broken = read_document(TINY)
    broken["states"]["route"]["next"][0]["if"] = "age >"
    (problem,) = _loader(path).load(broken).errors
    line = TINY.splitlines().index("      - if: age >= 18") + 1
    assert (problem.loc.file, problem.loc.line) == (str(path), line)
    assert problem.message.startswith("invalid JavaScript in condition")


def test_a_translation_of_a_text_the_mutant_no_longer_has_makes_it_invalid(shop: Path) -> None:
    loader = _loader(shop)
    changed = copy.deepcopy(loader.document)
    del changed["states"]["greet"]["say"][1]["buttons"]
    (problem,) = loader.load(changed).errors
    assert problem.loc.file == str(shop.with_name("shop.nl.yaml"))
    assert problem.message.startswith("translation of a text that no longer exists: `greet.say[1].buttons[0]`")
