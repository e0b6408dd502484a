"""The route-condition solver of `workbench explore`: session values that make a route's JavaScript condition
true (`solve`), false (`refute`), or make the engine take route k of a `next` list (`solve_route`: route k true,
every route before it false), and V8's word on them (`confirm`).

The solver reads a condition with esprima (never evaluates it in Python's terms: it follows JavaScript's
coercions, `conditions_js.py`) and handles comparisons of one session value with a literal, `&&`, `||`, `!`,
`?:`, truthiness, `typeof`, `Number()`/`String()`/`parseInt()`, `.length`, `.includes()`, `.startsWith()`,
`.endsWith()`, `.indexOf()`, `.toLowerCase()`/`.toUpperCase()`/`.trim()` and `['a', 'b'].includes(x)`. It
rewrites the condition into its ways of being true (at most `MAX_WAYS`) and, for each, picks for every
session path the first value of a fixed list of candidates that satisfies what that way asks of it. Where a
part is outside that subset it says so, in JavaScript's terms, and offers sampled assignments instead.

A write of `UNDEFINED` means "not in the session"; `apply_writes` applies writes as the solver did.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from workbench.engine.sandbox import ConditionError, Sandbox
from workbench.engine.session import PathError, copied, delete_path, get_path, set_path
from workbench.flow.paths import cut
from workbench.testing.explore.conditions_candidates import candidates, value_key
from workbench.testing.explore.conditions_eval import Truth, atom_holds, evaluate, scope
from workbench.testing.explore.conditions_js import UNDEFINED, JsThrow
from workbench.testing.explore.conditions_parse import And, Atom, Const, Node, Not, Opaque, Or, read_condition

__all__ = [
    "MAX_WAYS",
    "UNDEFINED",
    "Solution",
    "apply_writes",
    "confirm",
    "path_text",
    "refute",
    "solve",
    "solve_route",
    "takes_route",
]

MAX_WAYS = 256
"""How many ways of being true the solver tries for one question."""
SAMPLES = 5
"""How many assignments a solution offers besides its writes."""
SAMPLE_VALUES: tuple[Any, ...] = (1, 0, -1, "x", "", True, False, None, [], {})
"""Values sampled for variables that only parts the solver cannot read use (after the literals of those parts)."""

Status = Literal["solved", "impossible", "undecided"]
Writes = dict[str, Any]
_Literal = tuple[Atom | Opaque, bool]
"""An atom or an opaque part, and the truth a way of being true asks of it."""


@dataclass(frozen=True)
class Solution:
    """The answer for "make the engine take route `index` of `conditions`".

    `status`: "solved" (`writes` do it: variable path -> JSON value, only what must change), "impossible" (no
    values the solver knows of do it; `reason` says what), or "undecided" (a part is outside what the solver
    handles; `reason` says which, `samples` are assignments worth trying). `samples` of a solved answer are
    other assignments that should do it too. `confirmed`: V8 took that route with `writes` (see `confirm`).
    """

    conditions: tuple[str | None, ...]
    index: int
    status: Status
    writes: Writes = field(default_factory=dict)
    reason: str = ""
    samples: tuple[Writes, ...] = ()
    confirmed: bool = False


def solve(condition: str, known: Mapping[str, Any]) -> Solution:
    """Session writes that make `condition` true, given the session variables `known`."""
    return solve_route((condition,), 0, known)


def refute(condition: str, known: Mapping[str, Any]) -> Solution:
    """Session writes that make `condition` false (and not throw), given the session variables `known`."""
    return solve_route((condition, None), 1, known)


def solve_route(conditions: Sequence[str | None], index: int, known: Mapping[str, Any]) -> Solution:
    """Session writes that make the engine take route `index` of a `next` list whose routes have `conditions`
    (None: a route without `if`): its condition true and every condition before it false."""
    conditions = tuple(conditions)
    if not 0 <= index < len(conditions):
        raise ValueError(f"route index {index} is outside the {len(conditions)} routes")
    for i, condition in enumerate(conditions[:index]):
        if condition is None:
            reason = f"route {i + 1} has no condition, so the engine always takes it before route {index + 1}"
            return Solution(conditions, index, "impossible", reason=reason)
    trees = [read_condition(c) for c in conditions[: index + 1] if c is not None]
    parts = [Not(tree) for tree in trees[:index]] + trees[index:]
    return _Search(conditions, index, And(tuple(parts)), known).run()


async def confirm(solution: Solution, known: Mapping[str, Any], sandbox: Sandbox) -> Solution:
    """The solution as V8 sees it: the engine's own route decision (`Sandbox.first_true`) over `known` with the
    writes, then with each sample in turn; the first that takes the route becomes the confirmed writes. A
    solved answer that V8 does not confirm becomes undecided, saying so."""
    tries = ([solution.writes] if solution.status == "solved" else []) + list(solution.samples)
    for writes in tries:
        if await takes_route(solution.conditions, solution.index, apply_writes(known, writes), sandbox):
            return replace(solution, status="solved", writes=writes, confirmed=True)
    if solution.status != "solved":
        return solution
    reason = "V8 did not take the route with the values the solver chose (nor with the alternatives)"
    return replace(solution, status="undecided", reason=reason, samples=())


async def takes_route(
    conditions: Sequence[str | None], index: int, variables: Mapping[str, Any], sandbox: Sandbox
) -> bool:
    """Whether the engine, with these session variables, takes route `index` (a condition that throws takes
    none: the engine goes to `on_error`)."""
    try:
        return await sandbox.first_true(list(conditions[: index + 1]), scope(variables)) == index
    except ConditionError:
        return False


def apply_writes(known: Mapping[str, Any], writes: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the session variables `known` with `writes` applied in order: a path is set (its objects made
    on the way, a value in the way replaced by an object or list), UNDEFINED removes it."""
    variables = copied(dict(known))
    for path, value in writes.items():
        variables = _written(variables, path, value)
    return variables


def _written(variables: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """`variables` with one write: only the variable it changes is copied."""
    root = _root(path)
    out = dict(variables)
    holder = {root: copied(out[root])} if root in out else {}
    if value is UNDEFINED:
        delete_path(holder, path)
    else:
        try:
            set_path(holder, path, value)
        except PathError:
            holder = {}
            set_path(holder, path, value)  # what stood in the way goes; a path the session cannot hold raises
    out.pop(root, None)
    if root in holder:
        out[root] = holder[root]
    return out


def path_text(parts: Sequence[str | int]) -> str:
    """Path parts as a session path: `('items', 0, 'name')` is `items[0].name`."""
    return str(parts[0]) + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts[1:])


class _Search:
    """One question to the solver: its tree, what is known, and the assignments found so far."""

    def __init__(self, conditions: tuple[str | None, ...], index: int, tree: Node, known: Mapping[str, Any]) -> None:
        self.conditions, self.index, self.tree = conditions, index, tree
        self.known = copied(dict(known))
        self.found: list[Writes] = []
        self.maybe: list[Writes] = []

    def run(self) -> Solution:
        """Try the ways of being true in order; the answer."""
        if evaluate(self.tree, scope(self.known)) is Truth.TRUE:
            self.found.append({})
        ways = _ways(self.tree, True)
        tried = 0
        for way in itertools.islice(ways, MAX_WAYS):
            tried += 1
            self._try(way)
            if len(self.found) > SAMPLES:
                break
        truncated = tried == MAX_WAYS and next(ways, None) is not None
        if self.found:
            best, *others = sorted(self.found, key=len)  # the fewest writes; ties in the order found
            return Solution(self.conditions, self.index, "solved", best, samples=tuple(others))
        opaque = self._opaque_reasons()
        if truncated:
            opaque.append(f"{self._subject()} more than {MAX_WAYS} ways; the solver tried the first ones")
        if opaque:
            reason = "; ".join(opaque)
            return Solution(self.conditions, self.index, "undecided", reason=reason, samples=self._samples())
        return Solution(self.conditions, self.index, "impossible", reason=self._impossible())

    def _try(self, way: tuple[_Literal, ...]) -> None:
        atoms = [(part, want) for part, want in way if isinstance(part, Atom)]
        writes = _assign(atoms, self.known)
        if writes is None:
            return
        if len(atoms) < len(way):
            _add(self.maybe, writes)
            return
        outcome = evaluate(self.tree, scope(apply_writes(self.known, writes)))
        if outcome is Truth.TRUE:
            _add(self.found, writes)
        elif outcome is Truth.UNKNOWN:
            _add(self.maybe, writes)

    def _opaque_reasons(self) -> list[str]:
        reasons: list[str] = []
        multiple = sum(c is not None for c in self.conditions) > 1
        for i, condition in enumerate(self.conditions[: self.index + 1]):
            if condition is None:
                continue
            for part in _opaque_parts(read_condition(condition)):
                reason = f"route {i + 1} {part.reason}" if multiple else part.reason
                if reason not in reasons:
                    reasons.append(reason)
        return reasons

    def _samples(self) -> tuple[Writes, ...]:
        """Assignments to try where the solver cannot decide: those that satisfy what it could read, then the
        same with values for the variables only the parts it cannot read use."""
        parts = list(_opaque_parts(self.tree))
        names = list(dict.fromkeys(n for p in parts for n in p.names))
        pool = [v for p in parts for v in p.literals if v is not UNDEFINED and _json_number(v)]
        pool = list({value_key(v): v for v in [*pool, *SAMPLE_VALUES]}.values())
        samples: list[Writes] = []
        for writes in self.maybe[:SAMPLES]:
            _add(samples, writes)
        bases = self.maybe or [{}]
        for i in itertools.count():
            if len(samples) >= SAMPLES or i >= SAMPLES * 4 or not names:
                break
            sample = dict(bases[i % len(bases)])
            for j, name in enumerate(names):
                sample.setdefault(name, pool[(i * (j + 1) + j) % len(pool)])
            _add(samples, sample)
        return tuple(samples)

    def _subject(self) -> str:
        if len(self.conditions) == 1:
            return "has, to be true,"
        if self.conditions == (self.conditions[0], None) and self.index == 1:
            return "has, to be false,"
        return f"route {self.index + 1} has, to be taken,"

    def _impossible(self) -> str:
        found = "no session values the solver could find make"
        first = cut(self.conditions[0] or "", 80)
        if len(self.conditions) == 1:
            return f"{found} `{first}` true"
        if self.conditions == (self.conditions[0], None) and self.index == 1:
            return f"{found} `{first}` false"
        before = f"every route before route {self.index + 1} false"
        if self.conditions[self.index] is None:
            return f"{found} {before}"
        return f"{found} route {self.index + 1}'s condition true and {before}"


def _json_number(value: Any) -> bool:
    """False for NaN and the infinities, which JSON cannot hold."""
    return not isinstance(value, float) or math.isfinite(value)


def _add(found: list[Writes], writes: Writes) -> None:
    key = [(path, value_key(value)) for path, value in writes.items()]
    if all([(p, value_key(v)) for p, v in other.items()] != key for other in found):
        found.append(writes)


def _ways(node: Node, want: bool) -> Iterator[tuple[_Literal, ...]]:
    """The ways `node` can have the truth `want`: conjunctions of atoms and opaque parts, each with the truth
    it must have."""
    if isinstance(node, Atom | Opaque):
        yield ((node, want),)
    elif isinstance(node, Const):
        if node.value == want:
            yield ()
    elif isinstance(node, Not):
        yield from _ways(node.part, not want)
    elif isinstance(node, And) == want:  # all parts must have the truth `want`
        options = [list(itertools.islice(_ways(part, want), MAX_WAYS + 1)) for part in node.parts]
        for combination in itertools.product(*options):
            yield tuple(lit for conjunction in combination for lit in conjunction)
    else:
        for part in node.parts:
            yield from _ways(part, want)


def _opaque_parts(node: Node) -> Iterator[Opaque]:
    if isinstance(node, Opaque):
        yield node
    elif isinstance(node, Not):
        yield from _opaque_parts(node.part)
    elif isinstance(node, And | Or):
        for part in node.parts:
            yield from _opaque_parts(part)


def _holds(atoms: Sequence[tuple[Atom, bool]], variables: Mapping[str, Any]) -> bool:
    try:
        return all(atom_holds(atom, variables) == want for atom, want in atoms)
    except JsThrow:
        return False


def _assign(atoms: Sequence[tuple[Atom, bool]], known: dict[str, Any]) -> Writes | None:
    """Writes that give every atom its truth, path by path (shallow paths first), keeping what is known where
    it already does; None when some path has no candidate that fits."""
    groups: dict[tuple[str | int, ...], list[tuple[Atom, bool]]] = {}
    for atom, want in atoms:
        groups.setdefault(atom.term.path, []).append((atom, want))
    variables = scope(known)
    writes: Writes = {}
    for path in sorted(groups, key=len):
        group = groups[path]
        if _holds(group, variables):
            continue
        text = path_text(path)
        for value in candidates([atom for atom, _ in group], get_path(variables, path, UNDEFINED)):
            try:
                trial = _written(variables, text, value)
            except PathError:
                continue
            if _holds(group, trial):
                variables, writes[text] = trial, value
                break
        else:
            return None
    if not _holds(atoms, variables):
        return None
    return _without_needless(writes, atoms, known)


def _without_needless(writes: Writes, atoms: Sequence[tuple[Atom, bool]], known: dict[str, Any]) -> Writes:
    """`writes` without those a later write made needless (`user: true` once `user.age` is written). Only
    writes to the same variable can do that, so only variables with several writes are looked at again."""
    roots: dict[str, list[str]] = {}
    for text in writes:
        roots.setdefault(_root(text), []).append(text)
    for root, texts in roots.items():
        if len(texts) < 2:
            continue
        own = [(atom, want) for atom, want in atoms if atom.term.root == root]
        for text in texts:
            rest = {p: writes[p] for p in texts if p != text and p in writes}
            if _holds(own, scope(apply_writes({root: known[root]} if root in known else {}, rest))):
                del writes[text]
    return writes


def _root(path: str) -> str:
    """The variable a session path starts with."""
    return path.split(".", 1)[0].split("[", 1)[0]
