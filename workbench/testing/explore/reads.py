"""What a flow reads of the session, and what it writes: the facts the explorer builds its inputs from.

- `condition_roots`: the variables route conditions read (by their first name), whose values decide the path;
  `condition_names` those of one condition.
- `condition_numbers`: the number literals route conditions hold (`total > 30` → 30), worth typing at a number ask.
- `template_paths`: the variable paths templates and `{var: …}` values read (texts, URLs, bodies, `set:` values).
- `page_variables`: variables a page may plausibly supply (read, declared with a default, set by nothing else):
  what an iframe's UPDATE_SESSION posts.
- `response_namespaces`: variables read that nothing in the flow sets and that have no default — an API response
  in Chatlayer's `{session: {namespace, data}}` form is what fills them — with the paths read below each.

Each walks the whole flow, and the explorer asks for every state that makes requests, so the answers are
computed once per `Flow` (flows are immutable) and kept for the last few flows asked about.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import esprima

from workbench.engine.condition_safety import bounded_names
from workbench.flow import template
from workbench.flow.model import Flow, State

_NAME = re.compile(r"(?<![\w$.'\"])[A-Za-z_$][\w$]*")
_JS_WORDS = frozenset(
    {"true", "false", "null", "undefined", "typeof", "instanceof", "in", "of", "new", "this", "void", "delete"}
    | {"NaN", "Infinity", "Math", "Number", "String", "Boolean", "Array", "Object", "JSON"}
    | {"parseInt", "parseFloat", "isNaN"}
)
_ADDS_VARIABLE = re.compile(r"""addSessionVariable\(\s*(['"`])([^'"`]+)\1""")
_BUILTIN_ROOTS = frozenset({"internal", "sys", "locale", "preferredLanguage", "input", "events"})
_FLOWS_KEPT = 4
_T = TypeVar("_T")


def _once_per_flow(read: Callable[[Flow], _T]) -> Callable[[Flow], _T]:
    """`read(flow)` computed once per Flow object. A `Flow` is neither hashable (it holds dicts) nor weakly
    referable (slots), so the cache is keyed by identity and holds the flow itself, which keeps its id from being
    reused while it is cached. Callers must not change what they get."""
    cache: dict[int, tuple[Flow, _T]] = {}
    lock = threading.Lock()  # the window explores in a worker thread

    @functools.wraps(read)
    def cached(flow: Flow) -> _T:
        with lock:
            hit = cache.get(id(flow))
        if hit is not None and hit[0] is flow:
            return hit[1]
        value = read(flow)
        with lock:
            cache[id(flow)] = (flow, value)
            while len(cache) > _FLOWS_KEPT:
                del cache[next(iter(cache))]
        return value

    return cached


def root(path: str) -> str:
    """The first name of a dotted or indexed path (`booking.ticket_id` → `booking`)."""
    return re.split(r"[.\[]", path, maxsplit=1)[0]


@_once_per_flow
def condition_roots(flow: Flow) -> frozenset[str]:
    """The first names of the variables every route condition of `flow` reads (built-ins left out)."""
    names: set[str] = set()
    for state in flow.states.values():
        for route in state.next:
            if route.condition:
                names |= condition_names(route.condition)
    return frozenset(names)


def condition_names(condition: str) -> frozenset[str]:
    """The first names of the variables one route condition reads (built-ins left out)."""
    found = bounded_names(condition)
    names = found if found is not None else frozenset(_NAME.findall(condition))
    return names - _JS_WORDS - _BUILTIN_ROOTS


@_once_per_flow
def condition_numbers(flow: Flow) -> tuple[int | float, ...]:
    """The number literals in `flow`'s route conditions (negated where a `-` comes just before), sorted; a
    condition that does not tokenise adds none."""
    found: set[int | float] = set()
    for state in flow.states.values():
        for route in state.next:
            if route.condition:
                found.update(_numbers(route.condition))
    return tuple(sorted(found))


def _numbers(condition: str) -> Iterator[int | float]:
    try:
        tokens = esprima.tokenize(condition)
    except esprima.Error:
        return
    for before, token in zip([None, *tokens], tokens, strict=False):
        if token.type != "Numeric":
            continue
        text = token.value.replace("_", "")
        value: int | float = int(text, 0) if text[:2].lower() in ("0x", "0o", "0b") else float(text)
        if not math.isfinite(value):
            continue
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        yield -value if before is not None and before.type == "Punctuator" and before.value == "-" else value


@_once_per_flow
def template_paths(flow: Flow) -> frozenset[str]:
    """Every variable path that a template or a `{var: …}` value of `flow` reads (code sources left out)."""
    paths: set[str] = set()
    for state in flow.states.values():
        for value in _values(state):
            if isinstance(value, str):
                paths.update(template.variables(value))
            elif isinstance(value, dict) and set(value) == {"var"} and isinstance(value["var"], str):
                paths.add(value["var"])
    return frozenset(p for p in paths if root(p) not in _BUILTIN_ROOTS)


@_once_per_flow
def written_roots(flow: Flow) -> frozenset[str]:
    """The first names of the variables some state of `flow` sets (answers, `set:`, API saves, code)."""
    names: set[str] = set(flow.nlu.entities)
    for state in flow.states.values():
        if state.ask is not None:
            names.add(state.ask.save)
        if state.api is not None:
            names.update(state.api.save)
        if state.code is not None:
            names.update(m.group(2) for m in _ADDS_VARIABLE.finditer(state.code.source))
        names.update(state.set)
        for route in state.next:
            names.update(route.set)
        for value in _values(state):
            if dataclasses.is_dataclass(value) and hasattr(value, "goto") and hasattr(value, "set"):
                names.update(value.set)
    return frozenset(root(n) for n in names)


@_once_per_flow
def page_variables(flow: Flow) -> tuple[str, ...]:
    """Variables read with a default (not a URL) that nothing else sets, sorted: what a page's UPDATE_SESSION
    would change."""
    read = {root(p) for p in template_paths(flow)} | condition_roots(flow)
    written = written_roots(flow)
    return tuple(
        sorted(
            name
            for name in read
            if name in flow.variables and name not in written and not _is_url(flow.variables[name])
        )
    )


def response_namespaces(flow: Flow) -> dict[str, tuple[str, ...]]:
    """Variables read that nothing sets and that have no default, each with the sub-paths read below it."""
    return dict(_response_namespaces(flow))


@_once_per_flow
def _response_namespaces(flow: Flow) -> dict[str, tuple[str, ...]]:
    written = written_roots(flow) | set(flow.variables)
    found: dict[str, set[str]] = {}
    for path in template_paths(flow):
        name = root(path)
        if name not in written:
            found.setdefault(name, set()).add(path[len(name) :].lstrip("."))
    return {name: tuple(sorted(p for p in subs if p)) for name, subs in sorted(found.items())}


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _values(value: Any) -> Iterator[Any]:
    """Every value inside a state's definition (dataclasses, dicts, lists), depth first, code sources left out."""
    if isinstance(value, State) or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
        yield value
        for field in dataclasses.fields(value):
            if field.name not in ("source", "loc", "name") and not field.name.endswith("_loc"):
                yield from _values(getattr(value, field.name))
    elif isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _values(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _values(item)
    else:
        yield value
