"""Values YAML resolves but cannot make (`0x_`, `!!int x`, `!!timestamp 2024-13-45`, `!!seq a`) and values that
hold themselves (`&a [*a]`) are refused where they are, in YAML's words, by every loader: `load_yaml`, the flow
loader and the convo loader (whose fast reader leaves them to `load_yaml`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.flow.loader import load_flow_text
from workbench.flow.yaml_source import YamlSyntaxError, load_yaml
from workbench.testing.block_yaml import load_block_yaml
from workbench.testing.convo_format import load_convo_text

_FLOW = "name: Shop\nstart: welcome\nstates:\n  welcome:\n    say: hi\n"
_PYTHON_WORDS = re.compile(r"int\(\)|NoneType|KeyError|IndexError|ValueError|groupdict|Traceback|object|internal error")
_HOLDS_ITSELF = "YAML that refers to itself cannot be a flow's or a test's value"

# (value as written after `key: `, the message, the column of the trouble counted from the value's start)
UNREADABLE = [
    ("0x_", "'0x_' is not a number YAML can read (quote it to keep it as text)", 0),
    ("0b_", "'0b_' is not a number YAML can read (quote it to keep it as text)", 0),
    ("-0x_", "'-0x_' is not a number YAML can read (quote it to keep it as text)", 0),
    ("!!int x", "!!int 'x' is not a whole number", 0),
    ("!!int 09", "!!int '09' is not a whole number", 0),
    ("!!int '-'", "!!int '-' is not a whole number", 0),
    ("!!int ''", "!!int '' is not a whole number", 0),
    ("!!int 1:x", "!!int '1:x' is not a whole number", 0),
    ("!!float x", "!!float 'x' is not a number", 0),
    ("!!float '-'", "!!float '-' is not a number", 0),
    ("!!bool x", "!!bool 'x' is not true or false", 0),
    ("!!timestamp x", "!!timestamp 'x' is not a date", 0),
    ("!!timestamp 2024-13-45", "!!timestamp '2024-13-45' is not a date", 0),
    ("!!timestamp '2024-01-01 25:00:00'", "!!timestamp '2024-01-01 25:00:00' is not a date", 0),
    ("!!seq a", "!!seq needs a list, not a string", 0),
    ("!!seq 12", "!!seq needs a list, not a number", 0),
    ("!!seq {a: 1}", "!!seq needs a list, not a mapping", 0),
    ("!!map a", "!!map needs a mapping, not a string", 0),
    ("!!map [a, b]", "!!map needs a mapping, not a list", 0),
    ("!!int [1]", "!!int needs a whole number, not a list", 0),
    ("[ok, !!int x]", "!!int 'x' is not a whole number", 5),
    ("{a: {b: !!bool maybe}}", "!!bool 'maybe' is not true or false", 8),
]

SELF_HOLDING = [
    ("&a [*a]", 4),
    ("&a {x: *a}", 7),
    ("&a {type: UPDATE_SESSION, payload: *a}", 35),
    ("{card: &a {title: x, more: *a}}", 27),
    ("&a [[[*a]]]", 6),
    ("&a {<<: *a}", 8),
]


@pytest.mark.parametrize(("value", "message", "offset"), UNREADABLE)
def test_load_yaml_refuses_a_value_its_tag_cannot_make_at_the_value(value: str, message: str, offset: int) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(f"a:\n  key: {value}\n")
    assert (str(caught.value), caught.value.line, caught.value.column) == (message, 2, 8 + offset)


@pytest.mark.parametrize(("value", "offset"), SELF_HOLDING)
def test_load_yaml_refuses_a_value_that_holds_itself_at_the_alias(value: str, offset: int) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(f"a:\n  key: {value}\n")
    assert str(caught.value) == f"this value holds itself (alias *a inside &a); {_HOLDS_ITSELF}"
    assert (caught.value.line, caught.value.column) == (2, 8 + offset)


def test_a_key_its_tag_cannot_make_is_refused_at_the_key() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml("top:\n  0x_: 1\n")
    assert (str(caught.value), caught.value.line, caught.value.column) == (UNREADABLE[0][1], 2, 3)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: &x [1, 2]\nb: [*x, *x]\n", {"a": [1, 2], "b": [[1, 2], [1, 2]]}),
        ("a: &x {k: 1}\nb: {<<: *x, j: 2}\n", {"a": {"k": 1}, "b": {"k": 1, "j": 2}}),
        ("a: [&x one, *x]\n", {"a": ["one", "one"]}),
        ("a: &x [&y 1, *y]\n", {"a": [1, 1]}),
        (
            "a: [!!int '12', !!float '1.5', !!bool 'true', 0x1F, 0b101, 012, 1_000, !!str 0x_]\n",
            {"a": [12, 1.5, True, 31, 5, 10, 1000, "0x_"]},
        ),
    ],
)
def test_aliases_to_other_values_and_readable_tags_still_load(text: str, value: object) -> None:
    assert load_yaml(text).data == value


def _no_python_words(message: str) -> None:
    assert not _PYTHON_WORDS.search(message), message


@pytest.mark.parametrize(("value", "message", "offset"), UNREADABLE)
def test_the_flow_loader_reports_an_unreadable_value_as_a_problem(value: str, message: str, offset: int) -> None:
    result = load_flow_text(_FLOW + f"description: {value}\n", "f.yaml")
    assert not result.ok
    assert [str(p) for p in result.errors] == [f"f.yaml:6:{14 + offset}: error: invalid YAML: {message}"]
    _no_python_words(str(result.errors[0]))


@pytest.mark.parametrize(("value", "offset"), SELF_HOLDING)
def test_the_flow_loader_reports_a_value_that_holds_itself(value: str, offset: int) -> None:
    result = load_flow_text(_FLOW + f"description: {value}\n", "f.yaml")
    assert [str(p) for p in result.errors] == [
        f"f.yaml:6:{14 + offset}: error: invalid YAML: this value holds itself (alias *a inside &a); {_HOLDS_ITSELF}"
    ]


def test_the_flow_loader_reports_a_bad_name_without_an_internal_error() -> None:
    result = load_flow_text("name: 0x_\nstart: welcome\nstates:\n  welcome:\n    say: hi\n", "f.yaml")
    assert [str(p) for p in result.errors] == [f"f.yaml:1:7: error: invalid YAML: {UNREADABLE[0][1]}"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "shop.yaml").write_text(_FLOW, encoding="utf-8")
    return tmp_path


# Turns, each with the message and the column of the trouble, on line 3 of the convo file.
TURNS = [
    ("- user: 0x_", UNREADABLE[0][1], 11),
    ("- user: 0b_", UNREADABLE[1][1], 11),
    ("- 0x_: hi", UNREADABLE[0][1], 5),
    ("- user: !!int x", "!!int 'x' is not a whole number", 11),
    ("- user: !!int 09", "!!int '09' is not a whole number", 11),
    ("- user: !!int '-'", "!!int '-' is not a whole number", 11),
    ("- user: !!float x", "!!float 'x' is not a number", 11),
    ("- user: !!bool x", "!!bool 'x' is not true or false", 11),
    ("- user: !!timestamp x", "!!timestamp 'x' is not a date", 11),
    ("- user: !!timestamp 2024-13-45", "!!timestamp '2024-13-45' is not a date", 11),
    ("- user: !!seq a", "!!seq needs a list, not a string", 11),
    ("- user: !!map a", "!!map needs a mapping, not a string", 11),
    ("- json: &a [*a]", f"this value holds itself (alias *a inside &a); {_HOLDS_ITSELF}", 15),
    ("- json: &a {x: *a}", f"this value holds itself (alias *a inside &a); {_HOLDS_ITSELF}", 18),
    ("- vars: &a {x: *a}", f"this value holds itself (alias *a inside &a); {_HOLDS_ITSELF}", 18),
    (
        "- iframe: &a {type: UPDATE_SESSION, payload: *a}",
        f"this value holds itself (alias *a inside &a); {_HOLDS_ITSELF}",
        48,
    ),
    ("- bot: {card: &a {title: x, more: *a}}", f"this value holds itself (alias *a inside &a); {_HOLDS_ITSELF}", 37),
]


@pytest.mark.parametrize(("turn", "message", "column"), TURNS)
def test_the_convo_loader_reports_the_value_where_it_is(folder: Path, turn: str, message: str, column: int) -> None:
    text = f"flow: shop.yaml\nturns:\n  {turn}\n"
    assert load_block_yaml(text) is None  # the fast reader leaves it to load_yaml
    convo = load_convo_text(text, "c.convo.yaml", folder)
    assert convo.ok is False
    assert [str(p) for p in convo.problems] == [f"c.convo.yaml:3:{column}: error: invalid YAML: {message}"]
    _no_python_words(str(convo.problems[0]))


def test_a_bad_value_after_good_turns_is_reported_on_its_own_line(folder: Path) -> None:
    text = f"flow: {folder / 'shop.yaml'}\nturns:\n  - user: hi\n  - user: !!int x\n"
    convo = load_convo_text(text, "c.convo.yaml", folder)
    expected = "c.convo.yaml:4:11: error: invalid YAML: !!int 'x' is not a whole number"
    assert [str(p) for p in convo.problems] == [expected]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!omap {a: 1}", "!!omap needs a list, not a mapping"),
        ("!!pairs a", "!!pairs needs a list, not a string"),
        ("!!set [a]", "!!set needs a mapping, not a list"),
        ("!!str [a]", "!!str needs a string, not a list"),
        ("!!timestamp {a: 1}", "!!timestamp needs a date, not a mapping"),
    ],
)
def test_every_tag_given_the_wrong_kind_of_node_says_what_it_needs(value: str, message: str) -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(f"key: {value}\n")
    assert (str(caught.value), caught.value.line, caught.value.column) == (message, 1, 6)
