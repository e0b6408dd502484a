"""The mutation operators of variables, data and code actions: each mutant is the change its line says and it
loads; a deleted message takes its translations along, so that mutant loads too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from workbench.flow.loader import load_flow
from workbench.flow.model import Flow
from workbench.flow.translations import in_language
from workbench.testing.mutate.document import MutantLoader, read_document
from workbench.testing.mutate.js_operators import MAX_PER_ACTION
from workbench.testing.mutate.operators import Mutant, mutants

CODE = """\
const total = args.count * 2.5;
console.log('total is', total);
if (total >= 10 && args.vip === true) { throw new Error('no'); }
ChatlayerResponseBuilder()
  .addSessionVariable('total', total)
  .addSessionVariable('big', total > 10)
  .send();
"""

FLOW = f"""\
name: Shop
start: ask_name
languages: {{primary: en, secondary: [nl]}}
variables: {{base: "http://127.0.0.1:9", discount: 0}}
states:
  ask_name:
    ask: Your name?
    save: name
    next: greet
  greet:
    say:
      - Hello {{name|capitalize}}, welcome.
      - text: Shall we order?
        buttons: [{{title: Order, goto: price}}]
  price:
    code: |
{"".join("      " + line + chr(10) for line in CODE.splitlines())}    args: {{count: {{var: discount}}}}
    next: order
  order:
    api:
      method: POST
      url: "{{base}}/orders"
      body: {{name: {{var: name}}, count: 2, gift: false, note: thanks}}
      save: {{order_id: data.id}}
    next: notify
  notify:
    json: {{event: ordered, id: "{{order_id}}", paid: true}}
    next: confirm
  confirm:
    say: Order {{order_id}} for {{name}}.
"""

DUTCH = """\
language: nl
texts:
  ask_name.ask[0]: Je naam?
  greet.say[0]: Hallo {name|capitalize}, welkom.
  greet.say[1]: Zullen we bestellen?
  greet.say[1].buttons[0]: Bestellen
  confirm.say[0]: Bestelling {order_id} voor {name}.
"""


@pytest.fixture
def loader(tmp_path: Path) -> MutantLoader:
    """A loader of the shop flow's mutants, the flow written beside its Dutch translation file."""
    path = tmp_path / "shop.yaml"
    path.write_text(FLOW, encoding="utf-8")
    (tmp_path / "shop.nl.yaml").write_text(DUTCH, encoding="utf-8")
    loaded = load_flow(path)
    assert loaded.flow is not None, [str(p) for p in loaded.errors]
    return MutantLoader(loaded.flow)


def _all() -> dict[str, Mutant]:
    return {m.change: m for m in mutants(read_document(FLOW))}


def _loaded(loader: MutantLoader, change: str) -> tuple[Mutant, Flow]:
    found = _all()
    assert change in found, sorted(found)
    result = loader.load(found[change].document)
    assert result.flow is not None, [str(p) for p in result.errors]
    return found[change], result.flow


def _code_without(part: str) -> str:
    assert part in CODE
    return CODE.replace(part, "", 1)


def _code_with(old: str, new: str) -> str:
    assert CODE.count(old) == 1
    return CODE.replace(old, new)


def _state(flow: Flow, name: str) -> Any:
    return flow.states[name]


CASES = [
    ("ask_name.save: name → total", "rename_save", lambda f: _state(f, "ask_name").ask.save == "total"),
    (
        "order.api.save: order_id → base",
        "rename_save",
        lambda f: _state(f, "order").api.save == {"base": "data.id"},
    ),
    (
        "greet.say[0]: {name} → {total}",
        "rename_read",
        lambda f: _state(f, "greet").say[0].text == "Hello {total|capitalize}, welcome.",
    ),
    (
        "price.args.count: {var: discount} → {var: name}",
        "rename_read",
        lambda f: _state(f, "price").code.args == {"count": {"var": "name"}},
    ),
    (
        "order.api.body.name: {var: name} → {var: total}",
        "rename_read",
        lambda f: _state(f, "order").api.body["name"] == {"var": "total"},
    ),
    ("order.api.url: {base} → {discount}", "rename_read", lambda f: _state(f, "order").api.url == "{discount}/orders"),
    ("notify.json.id: {order_id} → {base}", "rename_read", lambda f: _state(f, "notify").json["id"] == "{base}"),
    (
        "confirm.say: {name} → {total}",
        "rename_read",
        lambda f: _state(f, "confirm").say[0].text == "Order {order_id} for {total}.",
    ),
    (
        "notify.json: key event → evetn",
        "json_field",
        lambda f: _state(f, "notify").json == {"evetn": "ordered", "id": "{order_id}", "paid": True},
    ),
    ('notify.json.event: ordered → ""', "json_field", lambda f: _state(f, "notify").json["event"] == ""),
    ("notify.json.paid: true → false", "json_field", lambda f: _state(f, "notify").json["paid"] is False),
    ("order.api.method: POST → PUT", "api_method", lambda f: _state(f, "order").api.method == "PUT"),
    (
        "order.api.save.order_id: data.id → data.di",
        "api_save_path",
        lambda f: _state(f, "order").api.save == {"order_id": "data.di"},
    ),
    (
        "order.api.body: key count → coutn",
        "api_body",
        lambda f: list(_state(f, "order").api.body) == ["name", "coutn", "gift", "note"],
    ),
    ("order.api.body.count: 2 → 3", "api_body", lambda f: _state(f, "order").api.body["count"] == 3),
    ("order.api.body.gift: false → true", "api_body", lambda f: _state(f, "order").api.body["gift"] is True),
    ('order.api.body.note: thanks → ""', "api_body", lambda f: _state(f, "order").api.body["note"] == ""),
    (
        "price.code line 1: 2.5 → 3.5",
        "code_literal",
        lambda f: _state(f, "price").code.source == _code_with("2.5", "3.5"),
    ),
    (
        "price.code line 3: true → false",
        "code_literal",
        lambda f: _state(f, "price").code.source == _code_with("=== true", "=== false"),
    ),
    (
        "price.code line 5: 'total' → ''",
        "code_literal",
        lambda f: _state(f, "price").code.source == _code_with("('total',", "('',"),
    ),
    (
        "price.code line 3: total >= 10 → total > 10",
        "code_comparison",
        lambda f: _state(f, "price").code.source == _code_with("total >= 10", "total > 10"),
    ),
    (
        "price.code line 3: args.vip === true → args.vip !== true",
        "code_comparison",
        lambda f: _state(f, "price").code.source == _code_with("=== true", "!== true"),
    ),
    (
        "price.code line 6: total > 10 → total >= 10",
        "code_comparison",
        lambda f: _state(f, "price").code.source == _code_with("total > 10", "total >= 10"),
    ),
    (
        "price.code line 5: drop .addSessionVariable('total', total)",
        "code_session_variable",
        lambda f: _state(f, "price").code.source == _code_without("\n  .addSessionVariable('total', total)"),
    ),
    (
        "price.code line 6: drop .addSessionVariable('big', total > 10)",
        "code_session_variable",
        lambda f: _state(f, "price").code.source == _code_without("\n  .addSessionVariable('big', total > 10)"),
    ),
]


@pytest.mark.parametrize(("change", "operator", "holds"), CASES, ids=[case[0] for case in CASES])
def test_each_new_operator_makes_the_change_it_names_and_the_mutant_loads(loader, change, operator, holds) -> None:
    mutant, flow = _loaded(loader, change)
    assert mutant.operator == operator
    assert mutant.state == change.split(".")[0]
    assert holds(flow)


def test_every_mutant_of_a_flow_with_translations_loads(loader: MutantLoader) -> None:
    refused = {change: loader.load(m.document).errors for change, m in _all().items()}
    assert {change: [str(p) for p in errors] for change, errors in refused.items() if errors} == {}


def test_every_mutant_of_the_sample_flow_loads() -> None:
    path = Path(__file__).parents[2] / "flows" / "train_ticket" / "train_ticket.yaml"
    flow = load_flow(path).flow
    assert flow is not None
    loader = MutantLoader(flow)
    found = list(mutants(read_document(path.read_text(encoding="utf-8"))))
    assert [m.change for m in found if not loader.load(m.document).ok] == []
    assert {"delete_message", "rename_read", "api_body", "json_field", "code_session_variable"} <= {
        m.operator for m in found
    }


def test_a_deleted_message_takes_its_translations_along_and_the_later_ones_move_up(loader: MutantLoader) -> None:
    _, flow = _loaded(loader, "greet.say: drop message 1 (Hello {name|capitalize}, welcome.)")
    dutch = in_language(flow, "nl").states["greet"].say
    assert [item.text for item in dutch] == ["Zullen we bestellen?"]
    assert dutch[0].buttons[0].title == "Bestellen"


def test_a_deleted_last_message_drops_only_its_own_translations(loader: MutantLoader) -> None:
    _, flow = _loaded(loader, "greet.say: drop message 2 (Shall we order?)")
    assert [item.text for item in in_language(flow, "nl").states["greet"].say] == ["Hallo {name|capitalize}, welkom."]
    _, flow = _loaded(loader, "confirm.say: drop message 1 (Order {order_id} for {name}.)")
    assert in_language(flow, "nl").states["confirm"].say == ()


def test_a_logged_literal_is_left_alone_since_no_conversation_sees_the_log() -> None:
    changes = [change for change in _all() if change.startswith("price.code")]
    assert not [change for change in changes if "'total is'" in change]


def test_a_code_action_gives_a_bounded_number_of_mutants_of_each_kind_the_first_in_the_code() -> None:
    numbers = ", ".join(str(n) for n in range(20))
    document = read_document(
        f"name: N\nstart: c\nstates:\n  c:\n    code: 'const a = [{numbers}]; ChatlayerResponseBuilder().send();'\n"
    )
    literals = [m.change for m in mutants(document) if m.operator == "code_literal"]
    assert literals == [f"c.code line 1: {n} → {n + 1}" for n in range(MAX_PER_ACTION)]


def test_a_variable_is_misspelt_when_the_flow_sets_no_other() -> None:
    document = read_document("name: One\nstart: a\nstates:\n  a:\n    ask: Name?\n    save: name\n")
    assert [m.change for m in mutants(document) if m.operator == "rename_save"] == ["a.save: name → naem"]


def test_builtin_variables_are_never_renamed() -> None:
    document = read_document(
        "name: B\nstart: a\nvariables: {x: 1}\nstates:\n  a:\n    say: You said {input} to {internal.channel}.\n"
    )
    assert [m.change for m in mutants(document) if m.operator == "rename_read"] == []


def test_a_negated_condition_keeps_its_comment_outside_the_parentheses_so_it_loads(tmp_path: Path) -> None:
    path = tmp_path / "route.yaml"
    path.write_text(
        "name: R\nstart: a\nvariables: {x: 2}\nstates:\n  a:\n    next:\n"
        "      - if: x > 1 // grown-ups\n        goto: b\n      - goto: b\n  b:\n    say: hi\n",
        encoding="utf-8",
    )
    flow = load_flow(path).flow
    assert flow is not None
    negated = next(m for m in mutants(read_document(path.read_text(encoding="utf-8"))) if "!(" in m.change)
    assert negated.change == "a.next[0].if: x > 1 // grown-ups → !(x > 1) // grown-ups"
    assert MutantLoader(flow).load(negated.document).ok
