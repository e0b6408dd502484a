"""Mutations of variable names: the variable an ask or an API action saves to, and a variable a template
(`{destination}`) or a value (`{var: destination}`) reads. The new name is the next variable the flow sets, in
file order (a misspelling of the name when the flow sets no other), so each name gives one mutant."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from workbench.flow.paths import PathError, parse_path
from workbench.flow.template import parse
from workbench.flow.validate import BUILTIN_VARIABLES
from workbench.testing.mutate.edits import (
    Document,
    Edit,
    Scope,
    choices,
    misspelt,
    other,
    path_text,
    renamer,
    routes,
    setter,
)
from workbench.testing.mutate.js_operators import session_variables

NOT_TEMPLATES = frozenset({"code", "expect"})
"""State keys whose strings are JavaScript or a pattern, never templates (a route's `if` is JavaScript too)."""


def flow_variables(document: Document) -> list[str]:
    """The variables the flow sets, in file order: its `variables:` defaults, then each state's ask `save`, API
    `save` names, `set:` names (the state's, its routes', its buttons') and literal `addSessionVariable` names."""
    names: list[str] = list(document.get("variables") or {})
    for state in (document.get("states") or {}).values():
        if not isinstance(state, dict):
            continue
        if "ask" in state and isinstance(state.get("save"), str):
            names.append(state["save"])
        api = state.get("api")
        if isinstance(api, dict) and isinstance(api.get("save"), dict):
            names += api["save"]
        owners = [state, *(r for r in routes(state) if isinstance(r, dict)), *(c for _, c in choices(state))]
        for owner in owners:
            if isinstance(owner.get("set"), dict):
                names += owner["set"]
        if isinstance(state.get("code"), str):
            names += session_variables(state["code"])
    roots = (_root(name) for name in names if isinstance(name, str))
    return list(dict.fromkeys(r for r in roots if r and r not in BUILTIN_VARIABLES))


def _root(path: str) -> str | None:
    try:
        first = parse_path(path)[0]
    except PathError:
        return None
    return first if isinstance(first, str) else None


def _renamed(name: str, scope: Scope) -> str:
    return other(name, scope.variables) or misspelt(name)


def rename_save(_name: str, state: dict[str, Any], scope: Scope) -> Iterator[Edit]:
    """The variable an ask saves its answer to, or a name in an API action's `save:`, changed to another."""
    save = state.get("save")
    if "ask" in state and isinstance(save, str):
        new = _renamed(save, scope)
        yield Edit(f"save: {save} → {new}", setter((), "save", new))
    api = state.get("api")
    saves = api.get("save") if isinstance(api, dict) else None
    if not isinstance(saves, dict):
        return
    for variable in saves:
        new = _renamed(variable, scope)
        if new in saves:
            new = misspelt(variable)
        if new not in saves:
            yield Edit(f"api.save: {variable} → {new}", renamer(("api", "save"), variable, new))


def rename_read(_name: str, state: dict[str, Any], scope: Scope) -> Iterator[Edit]:
    """A variable a template reads (`{destination}`, each name once per text) or a `{var: …}` value names,
    changed to another."""
    for path, value in _values(state, ()):
        if isinstance(value, dict):
            variable = value["var"]
            new = _renamed(variable, scope)
            yield Edit(f"{path_text(path)}: {{var: {variable}}} → {{var: {new}}}", setter(path, "var", new))
            continue
        seen: set[str] = set()
        for placeholder in _placeholders(value):
            root = _root(placeholder.path)
            if root is None or root in BUILTIN_VARIABLES or root in seen:
                continue
            seen.add(root)
            new = _renamed(root, scope)
            at = value.index(root, placeholder.start)
            changed = value[:at] + new + value[at + len(root) :]
            yield Edit(f"{path_text(path)}: {{{root}}} → {{{new}}}", setter(path[:-1], path[-1], changed))


def _placeholders(text: str) -> tuple[Any, ...]:
    try:
        return parse(text)
    except ValueError:  # a malformed template: the loader reports it on the flow itself
        return ()


def _values(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every string that holds a placeholder and every `{var: name}` under `node`, with its path."""
    if isinstance(node, str):
        if "{" in node:
            yield path, node
    elif isinstance(node, dict):
        if set(node) == {"var"} and isinstance(node["var"], str):
            yield path, node
            return
        for key, value in node.items():
            javascript = (not path and key in NOT_TEMPLATES) or (key == "if" and path[:1] == ("next",))
            if not javascript:
                yield from _values(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _values(value, (*path, i))
