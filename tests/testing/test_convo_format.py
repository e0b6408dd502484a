"""Reading convo files: the shapes a file may take, and a suite of broken files with their exact messages."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from padded_documents import padded

from workbench.testing.convo_format import find_convo_files, load_convo_file, load_convo_text

BROKEN = Path(__file__).parent / "broken"
SCHEMA = Path(__file__).parents[2] / "resources" / "convo.schema.json"


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.convo.yaml")), ids=lambda p: p.name)
def test_a_broken_convo_file_gives_exactly_the_expected_message(path: Path) -> None:
    expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    loaded = load_convo_file(path)
    assert not loaded.ok
    assert loaded.tests == ()
    assert [str(p).replace(f"{BROKEN}/", "") for p in loaded.problems] == [expected]


def test_a_convo_file_that_is_not_utf8_says_where_its_text_breaks(tmp_path: Path) -> None:
    path = tmp_path / "latin1.convo.yaml"
    path.write_bytes("flow: shop.yaml\nturns:\n  - user: café\n".encode("latin-1"))
    (problem,) = load_convo_file(path).problems
    assert str(problem) == f"{path}:1:1: error: the convo file is not valid UTF-8 (byte 0xe9 at offset 36)"


def test_an_included_file_that_is_not_utf8_says_where_its_text_breaks(tmp_path: Path, data: Path) -> None:
    (tmp_path / "shop.yaml").write_text((data / "shop.yaml").read_text())
    (tmp_path / "turns.yaml").write_bytes(b"- user: \xff\n")
    path = tmp_path / "main.convo.yaml"
    path.write_text("flow: shop.yaml\nturns:\n  - include: turns.yaml\n")
    (problem,) = load_convo_file(path).problems
    assert problem.message == "cannot include turns.yaml: not valid UTF-8 (byte 0xff at offset 8)"


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
    documents = padded(text)
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
    assert found == [str(data / "coffee.convo.yaml"), str(data / "suite.convo.yaml")]


def test_find_convo_files_orders_paths_part_by_part_and_skips_linked_folders(tmp_path: Path) -> None:
    for name in ("b/c.convo.yaml", "b-c/a.convo.yaml", "b/z/a.convo.yaml", "a.convo.yaml", "b/notes.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("turns: []\n")
    (tmp_path / "linked").symlink_to(tmp_path / "b")
    found = find_convo_files([tmp_path])
    assert found == [
        str(tmp_path / n) for n in ("a.convo.yaml", "b/c.convo.yaml", "b/z/a.convo.yaml", "b-c/a.convo.yaml")
    ]
    assert found == [str(p) for p in sorted(tmp_path.rglob("*.convo.yaml"))]  # what Path.rglob found and sorted


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


def test_a_contexts_turn_names_contexts_and_their_remaining_lifespan_or_null(data: Path) -> None:
    text = "flow: shop.yaml\nturns:\n  - contexts: {booking: 2, who_are_you: null}\n"
    loaded = load_convo_text(text, "c.convo.yaml", data)
    assert loaded.ok, loaded.problems
    (turn,) = loaded.tests[0].turns
    assert (turn.kind, turn.value, turn.is_input) == ("contexts", {"booking": 2, "who_are_you": None}, False)


@pytest.mark.parametrize(
    ("turn", "message"),
    [
        ("contexts: [booking]", "3:15: error: 'contexts' must be a mapping of contexts to their remaining lifespan"),
        ("contexts: {booking: 0}", "3:25: error: the lifespan of context 'booking' must be a positive whole number"),
        ("contexts: {booking: two}", "3:25: error: the lifespan of context 'booking' must be a positive whole number"),
    ],
)
def test_a_contexts_turn_refuses_what_is_no_lifespan(turn: str, message: str, data: Path) -> None:
    loaded = load_convo_text(f"flow: shop.yaml\nturns:\n  - {turn}\n", "c.convo.yaml", data)
    (problem,) = loaded.problems
    assert str(problem).startswith(f"c.convo.yaml:{message}")


def test_the_json_schema_takes_a_contexts_turn_as_the_reader_does() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    turn = {"flow": "x.yaml", "turns": [{"contexts": {"booking": 2, "who_are_you": None}}]}
    assert validator.is_valid(turn)
    assert not validator.is_valid({"flow": "x.yaml", "turns": [{"contexts": {"booking": 0}}]})
    assert not validator.is_valid({"flow": "x.yaml", "turns": [{"contexts": {}}]})
