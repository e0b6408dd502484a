"""Reading convo files: the shapes a file may take, and a suite of broken files with their exact messages."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from workbench.testing.convo_format import find_convo_files, load_convo_file, split_documents

BROKEN = Path(__file__).parent / "broken"
SCHEMA = Path(__file__).parents[2] / "resources" / "convo.schema.json"


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.convo.yaml")), ids=lambda p: p.name)
def test_a_broken_convo_file_gives_exactly_the_expected_message(path: Path) -> None:
    expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    loaded = load_convo_file(path)
    assert not loaded.ok
    assert loaded.tests == ()
    assert [str(p).replace(f"{BROKEN}/", "") for p in loaded.problems] == [expected]


def test_groups_lists_and_documents_with_settings_that_cascade(data: Path) -> None:
    loaded = load_convo_file(data / "suite.convo.yaml")
    assert loaded.ok, loaded.problems
    small, tea, listed = loaded.tests
    assert [t.name for t in loaded.tests] == ["Small coffee", "Tea at table 2", "From a list"]
    assert small.tags == ("smoke",) and tea.tags == ("smoke", "tea") and listed.tags == ()
    assert small.variables == {"table": 1} and tea.variables == {"table": 2}
    assert [t.kind for t in small.turns] == ["click", "bot", "user", "state"]
    assert str(small.turns[0].loc).endswith("includes/order_coffee.yaml:2:3")
    assert listed.loc.line == 17


def test_documents_keep_their_line_numbers() -> None:
    text = "a: 1\n---\nb: 2\n--- \nc: 3\n"
    documents = split_documents(text)
    assert [d.count("\n") for d in documents] == [0, 2, 4]
    assert documents[2].splitlines()[4] == "c: 3"


def test_a_conversation_without_a_name_is_named_after_file_and_line(tmp_path: Path, data: Path) -> None:
    path = tmp_path / "greeting.convo.yaml"
    path.write_text(f"flow: {data / 'shop.yaml'}\nturns: [{{user: hi}}]\n")
    assert load_convo_file(path).tests[0].name == "greeting (line 1)"


def test_yes_and_no_stay_strings(tmp_path: Path, data: Path) -> None:
    path = tmp_path / "answers.convo.yaml"
    path.write_text(f"flow: {data / 'shop.yaml'}\nturns:\n  - user: yes\n  - click: no\n")
    assert [t.value for t in load_convo_file(path).tests[0].turns] == ["yes", "no"]


def test_find_convo_files_searches_folders_and_keeps_named_files(data: Path) -> None:
    found = find_convo_files([data, data / "coffee.convo.yaml"])
    assert found == [data / "coffee.convo.yaml", data / "suite.convo.yaml"]


@pytest.mark.parametrize(
    "path",
    [*sorted((Path(__file__).parent / "data").glob("*.convo.yaml")), *sorted(Path("flows").rglob("*.convo.yaml"))],
    ids=lambda p: p.name,
)
def test_the_json_schema_accepts_every_valid_convo_file(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    for document in yaml.safe_load_all(path.read_text()):
        assert not list(validator.iter_errors(document)), path


def test_the_json_schema_refuses_an_unknown_turn() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    assert not validator.is_valid({"flow": "x.yaml", "turns": [{"bott": "hi"}]})
