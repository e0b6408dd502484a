"""The mutation operators: each takes the flow's YAML document (plain data) and yields small changes to it, each
with a one-line description in the flow's terms (`ask_date.next: ask_passengers → summary`).

Operators work on the document, not on the loaded `Flow`: a mutant is new YAML text that the loader checks and
builds as it does any flow file, so it has its own language variants and an invalid mutant is caught the same way
a flow author's mistake would be. The order is deterministic: states in file order, then operators in the order
of `OPERATORS`, then positions within the state.

A retarget goes to one other state: the next state in file order after the current target (wrapping, skipping
the state itself), so a flow of N states gives each jump one mutant, not N.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from workbench.testing.mutate.conditions import condition_mutants
from workbench.testing.mutate.data_operators import api_body, api_method, api_save_path, json_field
from workbench.testing.mutate.edits import (
    Document,
    Edit,
    Scope,
    StateOperator,
    at,
    choices,
    deleter,
    other,
    path_text,
    routes,
    setter,
    short,
    text,
)
from workbench.testing.mutate.js_operators import code_comparison, code_literal, code_session_variable
from workbench.testing.mutate.variable_operators import flow_variables, rename_read, rename_save

ANY_TYPES = ("any", "text")


@dataclass(frozen=True, slots=True)
class Mutant:
    """One change to a flow: which operator, the state it touches, the change in one line, the changed document
    (its other states are the original document's own, not copies)."""

    operator: str
    state: str
    change: str
    document: Document


def mutants(document: Document) -> Iterator[Mutant]:
    """Every mutant of `document`, in a deterministic order (see the module docstring)."""
    states = document.get("states") or {}
    scope = Scope(list(states), flow_variables(document), document)
    for name in scope.states:
        state = states[name]
        if not isinstance(state, dict):
            continue
        for operator, make in OPERATORS.items():
            for edit in make(name, state, scope):
                changed = copy.deepcopy(state)
                edit.apply(changed)
                yield Mutant(operator, name, f"{name}.{edit.change}", {**document, "states": {**states, name: changed}})


def retarget(name: str, state: dict[str, Any], scope: Scope) -> Iterator[Edit]:
    """`next`, each route's `goto`, `on_error` and `give_up_goto` to another state."""
    jumps: list[tuple[tuple[Any, ...], str]] = []
    if isinstance(state.get("next"), str):
        jumps.append(((), "next"))
    jumps += [(("next", i), "goto") for i, route in enumerate(routes(state)) if isinstance(route, dict)]
    jumps += [((), key) for key in ("on_error", "give_up_goto") if isinstance(state.get(key), str)]
    for path, key in jumps:
        target = at(path)(state).get(key)
        if not isinstance(target, str):
            continue
        new = other(target, scope.states, name)
        if new is not None:
            yield Edit(f"{path_text((*path, key))}: {target} → {new}", setter(path, key, new))


def retarget_choice(name: str, state: dict[str, Any], scope: Scope) -> Iterator[Edit]:
    """A button's or quick reply's `goto` to another state."""
    for path, choice in choices(state):
        target = choice.get("goto")
        new = other(target, scope.states, name) if isinstance(target, str) else None
        if new is not None:
            where = f"{path_text(path)} ({text(choice.get('title', ''))}).goto"
            yield Edit(f"{where}: {target} → {new}", setter(path, "goto", new))


def mutate_condition(_name: str, state: dict[str, Any], _scope: Scope) -> Iterator[Edit]:
    """A route's condition negated, or one of its operators changed (`>` to `>=`, `&&` to `||`…)."""
    for i, route in enumerate(routes(state)):
        condition = route.get("if") if isinstance(route, dict) else None
        if isinstance(condition, str):
            for changed in condition_mutants(condition):
                yield Edit(f"next[{i}].if: {condition} → {changed}", setter(("next", i), "if", changed))


def drop_route(_name: str, state: dict[str, Any], _scope: Scope) -> Iterator[Edit]:
    """One route of several removed."""
    found = routes(state)
    if len(found) > 1:
        for i, route in enumerate(found):
            goto = route.get("goto") if isinstance(route, dict) else route
            yield Edit(f"next: drop route {i + 1} (→ {text(goto)})", deleter(("next",), i))


def swap_routes(_name: str, state: dict[str, Any], _scope: Scope) -> Iterator[Edit]:
    """Two neighbouring routes in the other order."""
    for i in range(len(routes(state)) - 1):

        def apply(changed: dict[str, Any], i: int = i) -> None:
            listed = changed["next"]
            listed[i], listed[i + 1] = listed[i + 1], listed[i]

        yield Edit(f"next: swap routes {i + 1} and {i + 2}", apply)


def drop_set(_name: str, state: dict[str, Any], _scope: Scope) -> Iterator[Edit]:
    """One variable of a `set:` removed: the state's, a route's, a button's or a quick reply's."""
    owners: list[tuple[tuple[Any, ...], dict[str, Any]]] = [((), state)]
    owners += [(("next", i), r) for i, r in enumerate(routes(state)) if isinstance(r, dict)]
    owners += list(choices(state))
    for path, owner in owners:
        variables = owner.get("set")
        if isinstance(variables, dict):
            for variable in variables:
                where = path_text((*path, "set"))
                yield Edit(f"{where}: drop {variable}", deleter((*path, "set"), variable))


def change_expect(_name: str, state: dict[str, Any], _scope: Scope) -> Iterator[Edit]:
    """An ask's `expect` loosened to `any`, or (when it takes anything) tightened to `number`."""
    if "ask" not in state:
        return
    expect = state.get("expect", "any")
    new = "number" if expect in ANY_TYPES else "any"
    yield Edit(f"expect: {text(expect)} → {new}", setter((), "expect", new))


def delete_message(_name: str, state: dict[str, Any], _scope: Scope) -> Iterator[Edit]:
    """One bot message of a `say` removed (a `say` of one message removed whole)."""
    say = state.get("say")
    if isinstance(say, list) and len(say) > 1:
        for i, message in enumerate(say):
            yield Edit(f"say: drop message {i + 1} ({_summary(message)})", deleter(("say",), i))
    elif say is not None:
        only = say[0] if isinstance(say, list) and say else say
        yield Edit(f"say: drop message 1 ({_summary(only)})", deleter((), "say"))


def _summary(message: Any) -> str:
    body = message.get("text", "") if isinstance(message, dict) else message
    return short(text(body if body else message))


def change_clear_session(_name: str, state: dict[str, Any], scope: Scope) -> Iterator[Edit]:
    """A name left out of a `clear_session` list (or of its `keep` list); `all` made to keep what the first ask
    saves."""
    cleared = state.get("clear_session")
    if isinstance(cleared, list) and len(cleared) > 1:
        for i, variable in enumerate(cleared):
            yield Edit(f"clear_session: drop {text(variable)}", deleter(("clear_session",), i))
    elif isinstance(cleared, dict) and isinstance(cleared.get("keep"), list):
        for i, variable in enumerate(cleared["keep"]):
            yield Edit(f"clear_session.keep: drop {text(variable)}", deleter(("clear_session", "keep"), i))
    elif cleared == "all" and (kept := _first_saved(scope.document)) is not None:
        yield Edit(f"clear_session: all → keep {kept}", setter((), "clear_session", {"keep": [kept]}))


def _first_saved(document: Document) -> str | None:
    """The first variable an ask saves (a declared default would come back after clearing anyway)."""
    for state in (document.get("states") or {}).values():
        if isinstance(state, dict) and "ask" in state and isinstance(state.get("save"), str):
            return state["save"]
    return None


OPERATORS: dict[str, StateOperator] = {
    "retarget": retarget,
    "retarget_choice": retarget_choice,
    "condition": mutate_condition,
    "drop_route": drop_route,
    "swap_routes": swap_routes,
    "drop_set": drop_set,
    "expect": change_expect,
    "delete_message": delete_message,
    "clear_session": change_clear_session,
    "rename_save": rename_save,
    "rename_read": rename_read,
    "json_field": json_field,
    "api_method": api_method,
    "api_save_path": api_save_path,
    "api_body": api_body,
    "code_literal": code_literal,
    "code_comparison": code_comparison,
    "code_session_variable": code_session_variable,
}
"""Each operator by the name reports use."""
