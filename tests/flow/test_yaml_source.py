"""The YAML layer: positions, YAML 1.1 quirks switched off, duplicates, syntax errors."""

from __future__ import annotations

import contextlib
import gc

import pytest
import yaml

from workbench.flow import yaml_source
from workbench.flow.yaml_source import Pos, YamlSyntaxError, YList, YMap, load_yaml


def test_uses_the_c_loader_when_libyaml_is_there() -> None:
    if yaml.__with_libyaml__:
        assert issubclass(yaml_source._PositionLoader, yaml.CSafeLoader)
    assert issubclass(yaml_source._PositionLoader, yaml.SafeLoader | yaml.CSafeLoader)


def test_positions_of_keys_values_and_items_count_from_one() -> None:
    doc = load_yaml("top:\n  key: value\n  list: [a, 'b']\n")
    assert doc.pos is not None and (doc.pos.line, doc.pos.column) == (1, 1)
    top = doc.data
    assert isinstance(top, YMap) and isinstance(top["top"], YMap)
    inner = top["top"]
    assert inner.key_pos["key"][:2] == (2, 3)
    assert inner.value_pos["key"] == Pos(2, 8, 2, 13, "")
    items = inner["list"]
    assert isinstance(items, YList)
    assert [p[:2] for p in items.item_pos] == [(3, 10), (3, 13)]
    assert items.item_pos[1].style == "'"


def test_block_scalar_position_and_style() -> None:
    doc = load_yaml("code: |\n  a()\n  b()\nnext: x\n")
    pos = doc.data.value_pos["code"]
    assert (pos.line, pos.style, pos.end_line) == (1, "|", 4)


YES_NO = ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "n"]


@pytest.mark.parametrize("word", YES_NO)
def test_yes_no_on_off_stay_strings(word: str) -> None:
    assert load_yaml(f"{word}: {word}").data == {word: word}


@pytest.mark.parametrize(("text", "value"), [("true", True), ("False", False), ("TRUE", True), ("null", None)])
def test_true_false_and_null_keep_their_meaning(text: str, value: object) -> None:
    assert load_yaml(f"a: {text}").data["a"] is value


def test_dates_stay_strings_and_numbers_stay_numbers() -> None:
    assert load_yaml("d: 2024-05-01\nn: 12\nf: 0.5").data == {"d": "2024-05-01", "n": 12, "f": 0.5}


def test_duplicate_keys_are_noted_but_merge_keys_are_not_duplicates() -> None:
    doc = load_yaml("base: &b {x: 1, y: 1}\nm:\n  <<: *b\n  y: 2\n  z: 3\n  z: 4\n")
    assert doc.data["m"] == {"x": 1, "y": 2, "z": 4}
    assert [(d.key, d.pos.line, d.first_line) for d in doc.duplicates] == [("z", 6, 5)]


def test_empty_document() -> None:
    assert load_yaml("# nothing\n") == (None, None, [])


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a: [1, 2\nb: 3\n", 1, 4, "in a flow sequence that starts here: did not find expected ',' or ']'"),
        ("a: 1\nb\nc: 2\n", 2, 1, "in a simple key that starts here: could not find expected ':' at line 3"),
        ('a: "x\\qy"\n', 1, 6, "unknown escape character"),
        ("a: b: c\n", 1, 5, "mapping values are not allowed"),
        ("a: 1\n\tb: 2\n", 2, 1, "tab character"),
        ("a: \x01\n", 1, 4, "character U+0001 is not allowed in YAML"),
        ("? [a]\n: 1\n", 1, 3, "found a list or mapping used as a key"),
        ("a\n---\nb\n", 2, 1, "expected a single document"),
    ],
)
def test_syntax_errors_carry_their_position(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(text)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert message in str(caught.value)


UNCLOSED_QUOTE = (
    'name: Unclosed\nstart: welcome\nstates:\n  welcome:\n    say: "Hello there\n  other:\n    say: bye\n\n'
)


def test_an_unclosed_quote_is_reported_where_it_opens_not_at_the_end_of_the_file() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(UNCLOSED_QUOTE)
    assert (caught.value.line, caught.value.column) == (5, 10)
    assert str(caught.value) == (
        "in a quoted scalar that starts here: found unexpected end of stream at line 9, column 1"
    )


def test_a_value_that_holds_itself_is_refused_at_its_alias() -> None:
    with pytest.raises(YamlSyntaxError) as raised:
        load_yaml("a: &x [1, *x]\n")
    assert (raised.value.line, raised.value.column) == (1, 11)


@pytest.mark.parametrize("text", ["a: 1\n", "a: [\n"])
def test_garbage_collection_is_back_on_afterwards(text: str) -> None:
    assert gc.isenabled()
    with contextlib.suppress(YamlSyntaxError):
        load_yaml(text)
    assert gc.isenabled()
