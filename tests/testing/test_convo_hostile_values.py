"""Values that JSON cannot hold (dates, binary data, sets, ordered pairs, `.nan`, `.inf`, keys that are not text) are
refused where the convo file gives them, in YAML's words: never a crash, a Python repr or a run that shows one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.testing.convo_format import ConvoFile, load_convo_text

FLOW = Path(__file__).resolve().parents[2] / "flows" / "train_ticket" / "train_ticket.yaml"
_POSITION = re.compile(r"^[\w./-]+\.yaml:\d+:\d+: error: ")
_PYTHON_WORDS = re.compile(r"\b(None|True|False|dict|NoneType|str|bytes|datetime|frozenset|tuple)\b|b'|codec|\{'")

JSON = "JSON (text, numbers, true/false, null, lists and mappings)"
JSON_VALUE = "a JSON value (text, number, true/false, null, list or mapping)"


def problems(text: str, folder: Path | None = None) -> list[str]:
    """The problems of a convo file whose text follows a `flow:` line, each checked for a position and no Python."""
    loaded = load(text, folder)
    shown = [str(p) for p in loaded.problems]
    for message in shown:
        assert _POSITION.match(message), message
        assert not _PYTHON_WORDS.search(message), message
    assert shown and loaded.tests == ()
    return shown


def load(text: str, folder: Path | None = None) -> ConvoFile:
    return load_convo_text(f"flow: {FLOW}\n{text}", "t.convo.yaml", folder or FLOW.parent)


@pytest.mark.parametrize(
    ("value", "column", "kind"),
    [
        ("!!timestamp 2024-01-01", 33, "a date"),
        ("!!timestamp 2024-01-01 10:00:00", 33, "a date and time"),
        ("!!binary aGVsbG8=", 33, "binary data"),
        ("!!set {a}", 33, "a set"),
        ("{a: [1, !!set {a}]}", 41, "a set"),
        ("!!omap [a: 1]", 33, "an ordered list of pairs (!!omap or !!pairs)"),
        ("[.nan]", 34, ".nan, which is not a number JSON can hold"),
        ("{a: -.inf}", 37, "-.inf, which is not a number JSON can hold"),
    ],
)
def test_a_canned_json_answer_that_json_cannot_hold_is_refused_at_the_value(value: str, column: int, kind: str) -> None:
    text = f"http:\n  - {{request: GET /price, json: {value}}}\nturns: [user: hi]\n"
    assert problems(text) == [f"t.convo.yaml:3:{column}: error: 'json' must be {JSON}, not {kind}"]


def test_a_canned_json_answer_with_a_key_json_cannot_write_is_refused_at_the_key() -> None:
    text = "http:\n  - request: GET /price\n    json: {ok: 1, !!timestamp 2024-01-01: x}\nturns: [user: hi]\n"
    assert problems(text) == [
        f"t.convo.yaml:4:19: error: 'json' must be {JSON}, not the key !!timestamp 2024-01-01: JSON's keys are text "
        "(write it in quotes: '!!timestamp 2024-01-01')"
    ]


def test_a_number_true_or_null_as_a_key_is_written_as_json_writes_it() -> None:
    text = "http:\n  - request: GET /price\n    json: {ok: 1, 200: x, null: y, true: z}\nturns: [user: hi]\n"
    (test,) = load(text).tests
    assert test.http[0].content == b'{"ok": 1, "200": "x", "null": "y", "true": "z"}'


def test_a_request_body_that_json_cannot_hold_is_refused() -> None:
    text = "http:\n  - request: {url: /price, body: {when: !!timestamp 2024-01-01}}\n    json: 1\nturns: [user: hi]\n"
    assert problems(text) == [f"t.convo.yaml:3:41: error: 'body' must be {JSON}, not a date"]


@pytest.mark.parametrize(
    ("value", "column", "kind"),
    [
        ("!!binary aGVsbG8=", 25, "binary data"),
        ("!!set {a}", 25, "a set"),
        ("!!timestamp 2024-01-01", 25, "a date"),
        (".nan", 25, ".nan, which is not a number JSON can hold"),
        ("[1, .inf]", 29, ".inf, which is not a number JSON can hold"),
    ],
)
def test_a_starting_variable_that_json_cannot_hold_is_refused_at_the_value(value: str, column: int, kind: str) -> None:
    text = f"variables: {{first_name: {value}}}\nturns: [user: hi]\n"
    assert problems(text) == [
        f"t.convo.yaml:2:{column}: error: 'variables': 'first_name' must be {JSON_VALUE}, not {kind}"
    ]


def test_a_starting_variable_whose_name_is_not_text_is_refused_at_the_name() -> None:
    assert problems("variables: {null: 1, 2: x}\nturns: [user: hi]\n") == [
        "t.convo.yaml:2:13: error: 'variables': 'null' is not a variable name",
        "t.convo.yaml:2:22: error: 'variables': '2' is not a variable name",
    ]


def test_plain_starting_variables_still_load() -> None:
    loaded = load(
        "variables: {first_name: Ann, passengers: 2, price: 1.5, vip: true, note: null, seats: [1, {a: b}]}\n"
        "turns: [user: hi]\n"
    )
    assert loaded.ok, loaded.problems
    assert loaded.tests[0].variables["seats"] == [1, {"a": "b"}]


@pytest.mark.parametrize(
    ("turn", "message"),
    [
        ("- null: x", "3:5: error: unknown turn 'null'"),
        ("- true: x", "3:5: error: unknown turn 'true'"),
        ("- 1.5: x", "3:5: error: unknown turn '1.5'"),
        ("- !!binary aGVsbG8=: x", "3:5: error: unknown turn '!!binary aGVsbG8='"),
        ("- bot: {null: x}", "3:11: error: unknown key 'null' in 'bot'"),
        ("- {null: x, false: y}", "3:5: error: a turn has one key, like 'user: hello'; this one has 2: null, false"),
        ("- vars: {1: 1, null: 2}", "3:12: error: '1' is not a variable name"),
        ("- vars: {null: 2}", "3:12: error: 'null' is not a variable name"),
        ("- contexts: {null: 2}", "3:16: error: 'null' is not a context name"),
        ("- vars: {a: .nan}", f"3:15: error: 'vars': 'a' must be {JSON_VALUE}, not .nan, which is not a number"),
        ("- bot: {media: !!binary aGVsbG8=}", f"3:18: error: 'media' must be {JSON}, not binary data"),
        ("- bot: {card: {title: !!set {a}}}", f"3:25: error: 'card' must be {JSON}, not a set"),
        ("- json: {at: !!timestamp 2024-01-01}", f"3:16: error: 'json' must be {JSON}, not a date"),
        ("- iframe: {type: X, payload: !!binary aGVsbG8=}", f"3:32: error: 'iframe' must be {JSON}, not binary data"),
    ],
)
def test_keys_are_shown_as_yaml_writes_them_and_expectations_must_be_json(turn: str, message: str) -> None:
    (shown,) = problems(f"turns:\n  {turn}\n")
    assert shown.startswith(f"t.convo.yaml:{message}"), shown


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("null: 1\nturns: [user: hi]\n", "2:1: error: unknown key 'null' in a conversation"),
        ("!!binary aGVsbG8=: 1\nturns: [user: hi]\n", "2:1: error: unknown key '!!binary aGVsbG8=' in a conversation"),
        ("turns: [user: hi]\n.nan: 1\n", "3:1: error: unknown key '.nan' in a conversation"),
    ],
)
def test_a_conversation_key_is_shown_as_yaml_writes_it(text: str, message: str) -> None:
    (shown,) = problems(text)
    assert shown.startswith(f"t.convo.yaml:{message}"), shown
