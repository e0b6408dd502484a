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
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from workbench.testing.mutate.conditions import condition_mutants

Document = dict[str, Any]
MESSAGE_KEYS = ("say", "ask", "retry", "give_up")
"""The state keys that hold bot messages (each a string, a message or a list of messages)."""
ANY_TYPES = ("any", "text")


@dataclass(frozen=True, slots=True)
class Mutant:
    """One change to a flow: which operator, the state it touches, the change in one line, the changed document."""

    operator: str
    state: str
    change: str
    document: Document


@dataclass(frozen=True, slots=True)
class _Edit:
    """A change inside one state: its description and a function that applies it to a copy of the state."""

    change: str
    apply: Callable[[dict[str, Any]], None]


StateOperator = Callable[[str, dict[str, Any], list[str], Document], Iterator[_Edit]]


def mutants(document: Document) -> Iterator[Mutant]:
    """Every mutant of `document`, in a deterministic order (see the module docstring)."""
    states = document.get("states") or {}
    names = list(states)
    for name in names:
        state = states[name]
        if not isinstance(state, dict):
            continue
        for operator, make in OPERATORS.items():
            for edit in make(name, state, names, document):
                changed = copy.deepcopy(document)
                edit.apply(changed["states"][name])
                yield Mutant(operator, name, f"{name}.{edit.change}", changed)


def _other(target: str, names: list[str], here: str) -> str | None:
    """The state after `target` in file order (wrapping), skipping `target` and `here`; None when there is none."""
    if target not in names:
        candidates = [n for n in names if n not in (target, here)]
        return candidates[0] if candidates else None
    start = names.index(target)
    for step in range(1, len(names)):
        candidate = names[(start + step) % len(names)]
        if candidate not in (target, here):
            return candidate
    return None


def _text(value: Any) -> str:
    """A value as the flow file would write it, on one line."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _at(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], Any]:
    """A function giving the part of a state at `path` (keys and list indexes)."""

    def get(state: dict[str, Any]) -> Any:
        node: Any = state
        for step in path:
            node = node[step]
        return node

    return get


def _setter(path: tuple[Any, ...], key: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(state: dict[str, Any]) -> None:
        _at(path)(state)[key] = value

    return apply


def _deleter(path: tuple[Any, ...], key: Any) -> Callable[[dict[str, Any]], None]:
    def apply(state: dict[str, Any]) -> None:
        del _at(path)(state)[key]

    return apply


def _path_text(path: tuple[Any, ...]) -> str:
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")


def _routes(state: dict[str, Any]) -> list[Any]:
    routes = state.get("next")
    return routes if isinstance(routes, list) else []


def retarget(name: str, state: dict[str, Any], names: list[str], _: Document) -> Iterator[_Edit]:
    """`next`, each route's `goto`, `on_error` and `give_up_goto` to another state."""
    jumps: list[tuple[tuple[Any, ...], str]] = []
    if isinstance(state.get("next"), str):
        jumps.append(((), "next"))
    jumps += [(("next", i), "goto") for i, route in enumerate(_routes(state)) if isinstance(route, dict)]
    jumps += [((), key) for key in ("on_error", "give_up_goto") if isinstance(state.get(key), str)]
    for path, key in jumps:
        target = _at(path)(state).get(key)
        if not isinstance(target, str):
            continue
        other = _other(target, names, name)
        if other is not None:
            yield _Edit(f"{_path_text((*path, key))}: {target} → {other}", _setter(path, key, other))


def _choices(state: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every button, quick reply and carousel button of the state's messages that is a mapping, with its path."""
    for key in MESSAGE_KEYS:
        messages = state.get(key)
        items = messages if isinstance(messages, list) else [messages]
        for i, message in enumerate(items):
            if not isinstance(message, dict):
                continue
            base: tuple[Any, ...] = (key, i) if isinstance(messages, list) else (key,)
            for kind in ("buttons", "quick_replies"):
                for j, choice in enumerate(message.get(kind) or []):
                    if isinstance(choice, dict):
                        yield (*base, kind, j), choice
            for c, card in enumerate(message.get("carousel") or []):
                for j, choice in enumerate(card.get("buttons") or [] if isinstance(card, dict) else []):
                    if isinstance(choice, dict):
                        yield (*base, "carousel", c, "buttons", j), choice


def retarget_choice(name: str, state: dict[str, Any], names: list[str], _: Document) -> Iterator[_Edit]:
    """A button's or quick reply's `goto` to another state."""
    for path, choice in _choices(state):
        target = choice.get("goto")
        other = _other(target, names, name) if isinstance(target, str) else None
        if other is not None:
            where = f"{_path_text(path)} ({_text(choice.get('title', ''))}).goto"
            yield _Edit(f"{where}: {target} → {other}", _setter(path, "goto", other))


def mutate_condition(_name: str, state: dict[str, Any], _names: list[str], _d: Document) -> Iterator[_Edit]:
    """A route's condition negated, or one of its operators changed (`>` to `>=`, `&&` to `||`…)."""
    for i, route in enumerate(_routes(state)):
        condition = route.get("if") if isinstance(route, dict) else None
        if isinstance(condition, str):
            for changed in condition_mutants(condition):
                yield _Edit(f"next[{i}].if: {condition} → {changed}", _setter(("next", i), "if", changed))


def drop_route(_name: str, state: dict[str, Any], _names: list[str], _d: Document) -> Iterator[_Edit]:
    """One route of several removed."""
    routes = _routes(state)
    if len(routes) > 1:
        for i, route in enumerate(routes):
            goto = route.get("goto") if isinstance(route, dict) else route
            yield _Edit(f"next: drop route {i + 1} (→ {_text(goto)})", _deleter(("next",), i))


def swap_routes(_name: str, state: dict[str, Any], _names: list[str], _d: Document) -> Iterator[_Edit]:
    """Two neighbouring routes in the other order."""
    for i in range(len(_routes(state)) - 1):

        def apply(changed: dict[str, Any], i: int = i) -> None:
            routes = changed["next"]
            routes[i], routes[i + 1] = routes[i + 1], routes[i]

        yield _Edit(f"next: swap routes {i + 1} and {i + 2}", apply)


def drop_set(_name: str, state: dict[str, Any], _names: list[str], _d: Document) -> Iterator[_Edit]:
    """One variable of a `set:` removed: the state's, a route's, a button's or a quick reply's."""
    owners: list[tuple[tuple[Any, ...], dict[str, Any]]] = [((), state)]
    owners += [(("next", i), r) for i, r in enumerate(_routes(state)) if isinstance(r, dict)]
    owners += list(_choices(state))
    for path, owner in owners:
        variables = owner.get("set")
        if isinstance(variables, dict):
            for variable in variables:
                where = _path_text((*path, "set"))
                yield _Edit(f"{where}: drop {variable}", _deleter((*path, "set"), variable))


def change_expect(_name: str, state: dict[str, Any], _names: list[str], _d: Document) -> Iterator[_Edit]:
    """An ask's `expect` loosened to `any`, or (when it takes anything) tightened to `number`."""
    if "ask" not in state:
        return
    expect = state.get("expect", "any")
    other = "number" if expect in ANY_TYPES else "any"
    yield _Edit(f"expect: {_text(expect)} → {other}", _setter((), "expect", other))


def delete_message(_name: str, state: dict[str, Any], _names: list[str], _d: Document) -> Iterator[_Edit]:
    """One bot message of a `say` removed (a `say` of one message removed whole)."""
    say = state.get("say")
    if isinstance(say, list) and len(say) > 1:
        for i, message in enumerate(say):
            yield _Edit(f"say: drop message {i + 1} ({_summary(message)})", _deleter(("say",), i))
    elif say is not None:
        only = say[0] if isinstance(say, list) and say else say
        yield _Edit(f"say: drop message 1 ({_summary(only)})", _deleter((), "say"))


def _summary(message: Any) -> str:
    text = message.get("text", "") if isinstance(message, dict) else message
    shown = _text(text if text else message)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def change_clear_session(_name: str, state: dict[str, Any], _n: list[str], document: Document) -> Iterator[_Edit]:
    """A name left out of a `clear_session` list (or of its `keep` list); `all` made to keep what the first ask
    saves."""
    cleared = state.get("clear_session")
    if isinstance(cleared, list) and len(cleared) > 1:
        for i, variable in enumerate(cleared):
            yield _Edit(f"clear_session: drop {_text(variable)}", _deleter(("clear_session",), i))
    elif isinstance(cleared, dict) and isinstance(cleared.get("keep"), list):
        for i, variable in enumerate(cleared["keep"]):
            yield _Edit(f"clear_session.keep: drop {_text(variable)}", _deleter(("clear_session", "keep"), i))
    elif cleared == "all" and (kept := _first_saved(document)) is not None:
        yield _Edit(f"clear_session: all → keep {kept}", _setter((), "clear_session", {"keep": [kept]}))


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
}
"""Each operator by the name reports use."""
