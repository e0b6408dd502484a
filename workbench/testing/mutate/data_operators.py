"""Mutations of the data a state sends: a JSON Builder field, an API action's method, `save:` answer path or body
field. A field's key is misspelt (`event` → `evetn`); a literal value is changed (a number plus one, a string
emptied, `true`↔`false`). Values that read variables (`{var: …}`, `"{name}"`) are left to the variable
operators."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from workbench.flow.build import HTTP_METHODS
from workbench.flow.template import parse
from workbench.testing.mutate.edits import Edit, Scope, misspelt, other, path_text, renamer, setter, text

_LAST_NAME = re.compile(r"[A-Za-z_$][\w$]*(?=[^A-Za-z_$]*$)")
"""The last name in an answer path (`data.items[0].id` → `id`)."""


def field_edits(path: tuple[Any, ...], value: Any) -> Iterator[Edit]:
    """Each key under `value` (at `path` in the state) misspelt, each literal value under it changed."""
    if isinstance(value, dict) and set(value) != {"var"}:
        for key, item in value.items():
            new = misspelt(str(key))
            if new not in value:
                yield Edit(f"{path_text(path)}: key {key} → {new}", renamer(path, key, new))
            yield from field_edits((*path, key), item)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from field_edits((*path, i), item)
    elif (changed := _changed(value)) is not None:
        shown = json.dumps(changed) if changed == "" else text(changed)
        yield Edit(f"{path_text(path)}: {text(value)} → {shown}", setter(path[:-1], path[-1], changed))


def _changed(value: Any) -> Any:
    """The literal changed, or None for a value this operator leaves alone."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str) and value and not _reads_variables(value):
        return ""
    return None


def _reads_variables(value: str) -> bool:
    try:
        return bool(parse(value))
    except ValueError:
        return False


def _api(state: dict[str, Any]) -> dict[str, Any] | None:
    api = state.get("api")
    return api if isinstance(api, dict) else None


def json_field(_name: str, state: dict[str, Any], _scope: Scope) -> Iterator[Edit]:
    """A JSON Builder field changed: a key misspelt or a literal value changed."""
    if "json" in state:
        yield from field_edits(("json",), state["json"])


def api_method(_name: str, state: dict[str, Any], _scope: Scope) -> Iterator[Edit]:
    """An API action's method changed to the next one (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`, wrapping)."""
    if (api := _api(state)) is not None:
        method = api.get("method", "GET")
        new = other(method, list(HTTP_METHODS)) if isinstance(method, str) else None
        if new is not None:
            yield Edit(f"api.method: {method} → {new}", setter(("api",), "method", new))


def api_save_path(_name: str, state: dict[str, Any], _scope: Scope) -> Iterator[Edit]:
    """The answer path of a name in an API action's `save:` with its last name misspelt (`data.id` →
    `data.di`)."""
    saves = api.get("save") if (api := _api(state)) is not None else None
    if not isinstance(saves, dict):
        return
    for variable, source in saves.items():
        found = _LAST_NAME.search(source) if isinstance(source, str) else None
        if found is not None:
            new = source[: found.start()] + misspelt(found.group()) + source[found.end() :]
            yield Edit(f"api.save.{variable}: {source} → {new}", setter(("api", "save"), variable, new))


def api_body(_name: str, state: dict[str, Any], _scope: Scope) -> Iterator[Edit]:
    """An API action's body field changed: a key misspelt or a literal value changed."""
    if (api := _api(state)) is not None and "body" in api:
        yield from field_edits(("api", "body"), api["body"])
