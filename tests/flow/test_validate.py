"""Checks on the built flow: JavaScript, templates, reachability, unknown variables, send()."""

from __future__ import annotations

import pytest

from workbench.flow.validate import column_in_file, condition_error, js_syntax_error
from workbench.flow.yaml_source import Pos

from .helpers import messages

HEAD = "start: a\nstates:\n  a:\n"


def routes(condition: str) -> str:
    return HEAD + f"    next:\n      - if: {condition}\n        goto: a\n"


@pytest.mark.parametrize(
    ("condition", "column", "message"),
    [
        ("price >", 20, "Unexpected end of input"),
        ("price > > 1", 21, "Unexpected token >"),
        ("'price > > 1'", 22, "Unexpected token >"),
        ('"a(b) ) "', 19, "Unexpected token )"),
        ("x = 1; y", 13, "a condition must be one expression"),
        ("if (x) y", 13, "a condition must be one expression"),
    ],
)
def test_condition_errors_point_into_the_file(condition: str, column: int, message: str) -> None:
    assert messages(routes(condition)) == [f"5:{column}: error: invalid JavaScript in condition: {message}"]


@pytest.mark.parametrize("condition", ["a?.b ?? 1", "x > 1 && y === 'z'", "items.includes('a')", "!done"])
def test_good_conditions(condition: str) -> None:
    assert messages(routes(repr(condition))) == []


def test_multi_line_condition_error_is_at_the_scalar() -> None:
    text = HEAD + "    next:\n      - if: |\n          a &&\n          b +\n        goto: a\n"
    assert messages(text) == ["5:13: error: invalid JavaScript in condition: Unexpected end of input"]


def test_code_error_in_a_block_scalar_points_at_line_and_column() -> None:
    text = HEAD + "    code: |\n      send();\n      let x = (1;\n"
    assert messages(text) == ["6:17: error: invalid JavaScript in code action: Unexpected token ;"]


def test_code_error_in_a_one_line_code() -> None:
    assert messages(HEAD + "    code: send(;\n") == [
        "4:16: error: invalid JavaScript in code action: Unexpected token ;"
    ]
    assert messages(HEAD + "    code: 'send(;'\n") == [
        "4:17: error: invalid JavaScript in code action: Unexpected token ;"
    ]


def test_code_left_open_is_reported_at_its_end() -> None:
    text = HEAD + "    code: |\n      if (x) {\n        send();\n"
    expected = "6:16: error: invalid JavaScript in code action: unexpected end of code; is a '{', '(' or '[' left open?"
    assert messages(text) == [expected]


def test_code_may_await_and_use_modern_syntax() -> None:
    text = HEAD + "    code: |\n      const r = await fetch(args.url);\n      send(r?.body ?? {});\n"
    assert messages(text) == []


def test_code_without_send_is_a_warning() -> None:
    assert messages(HEAD + "    code: const x = 1;\n") == [
        "4:11: warning: code action never calls send(); its results will be ignored"
    ]


@pytest.mark.parametrize(
    ("value", "column", "message"),
    [
        ("Hi {name", 13, "unclosed template '{name'"),
        ("'Hi {name|shout}'", 14, "unknown modifier 'shout' (known: capitalize, increment, toLowerCase, toUpperCase)"),
        ('"a\\tb {name"', 10, "unclosed template '{name'"),
        ("'{x.}'", 11, "bad variable name 'x.' in template"),
    ],
)
def test_template_errors(value: str, column: int, message: str) -> None:
    text = "start: a\nvariables: {name: x, x: 1}\nstates:\n  a:\n    say: " + value + "\n"
    assert messages(text) == [f"5:{column}: error: {message}"]


def test_templates_everywhere_are_checked() -> None:
    text = HEAD + (
        "    api:\n      url: 'http://x/{a'\n      headers: {h: '{b'}\n      query: {q: ['{c']}\n"
        "      body: {d: {e: '{d'}}\n      save: {out: x}\n"
    )
    assert [m.split(": error: ")[1] for m in messages(text)] == [
        "unclosed template '{a'",
        "unclosed template '{b'",
        "unclosed template '{c'",
        "unclosed template '{d'",
    ]


def test_unreachable_and_system_states() -> None:
    text = (
        "start: a\nnlu:\n  intents: {hi: [hello]}\n  fallback: fb\nstates:\n"
        "  a:\n    say:\n      - text: t\n        buttons: [{title: b, goto: b}]\n"
        "        quick_replies: [{title: q, goto: q}]\n      - carousel: [{title: c, buttons: [{title: c, goto: c}]}]\n"
        "    on_error: e\n  b: {ask: x, save: x, give_up_goto: g}\n  c: {say: c}\n  q: {say: q}\n  e: {say: e}\n"
        "  g: {say: g}\n  fb: {say: fb}\n  by_intent: {intent: hi, say: hi}\n"
        "  not_understood: {say: x}\n  error_occurred: {say: x}\n  offloading_opened: {say: x}\n"
        "  offloading_closed: {say: x}\n  offloading_disabled: {say: x}\n"
        "  jump: {code: \"ChatlayerResponseBuilder().send('by_code')\"}\n  by_code: {say: x}\n"
        "  json_ref: {json: {go: {state: by_json}}}\n  by_json: {say: x}\n"
        "  lonely: {say: x}\n"
    )
    assert messages(text) == [
        "25:3: warning: state 'jump' is unreachable from the start state 'a'",
        "27:3: warning: state 'json_ref' is unreachable from the start state 'a'",
        "29:3: warning: state 'lonely' is unreachable from the start state 'a'",
    ]


def test_state_that_does_nothing() -> None:
    assert messages("start: a\nstates:\n  a:\n") == ["3:3: warning: state 'a' does nothing: no action and no 'next'"]


VARS = (
    "start: a\nvariables: {v_default: 1}\nnlu:\n  entities: {city: {values: [x]}}\nstates:\n"
    "  a:\n    ask: q\n    save: v_ask\n    next: b\n"
    "  b:\n    say:\n      - text: t\n        buttons: [{title: b, set: {v_button.deep: 1}, goto: c}]\n"
    "  c:\n    api: {url: 'http://x', save: {v_api: id}}\n    next: d\n"
    "  d:\n    code: \"ChatlayerResponseBuilder().addSessionVariable('v_code', 1).send()\"\n    next: e\n"
)


def test_variables_set_somewhere_are_known() -> None:
    say = "{v_default}{v_ask}{v_button.deep.er}{v_api}{v_code}{city}{sys.x}{internal.y}{locale}{input}{v_ask[0]}"
    assert messages(VARS + f"  e:\n    say: '{say}'\n") == []


def test_unknown_variables_are_warned_with_a_suggestion() -> None:
    text = VARS + "  e:\n    say: 'Hi {v_dfault} {nobody}'\n    next: f\n  f:\n    json: {x: {var: ghost}}\n"
    assert messages(text) == [
        "21:14: warning: variable 'v_dfault' is never set in this flow; did you mean 'v_default'?",
        "21:25: warning: variable 'nobody' is never set in this flow",
        "24:21: warning: variable 'ghost' is never set in this flow",
    ]


@pytest.mark.parametrize(
    "dynamic",
    [
        "api: {url: 'http://x'}",
        "iframe: page.html",
        'code: "ChatlayerResponseBuilder().addSessionVariable(name, 1).send()"',
        'code: "ChatlayerResponseBuilder().addSessionVariables({a: 1}).send()"',
    ],
)
def test_actions_that_set_unknown_names_silence_the_variable_check(dynamic: str) -> None:
    text = f"start: a\nstates:\n  a:\n    say: '{{ghost}}'\n    next: b\n  b:\n    {dynamic}\n"
    assert messages(text) == []


def test_js_parsers() -> None:
    assert js_syntax_error("let x = 1;") is None
    assert js_syntax_error("let x = ;") == ("Unexpected token ;", 1, 9)
    assert condition_error("a && b") is None
    assert condition_error("a &&") == ("Unexpected end of input", 1, 5)


def test_column_in_file() -> None:
    lines = ["say: Hi {x", "say: 'Hi {x'", 'say: "a\\tb"', "say: |"]
    assert column_in_file(Pos(1, 6, 1, 11, ""), "Hi {x", 3, lines) == 9
    assert column_in_file(Pos(2, 6, 2, 13, "'"), "Hi {x", 3, lines) == 10
    assert column_in_file(Pos(3, 6, 3, 12, '"'), "a\tb", 2, lines) == 6
    assert column_in_file(Pos(4, 6, 6, 1, "|"), "x", 0, lines) == 6
    assert column_in_file(Pos(9, 6, 9, 7, ""), "x", 0, lines) == 6
