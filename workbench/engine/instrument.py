"""Statement stepping for code actions: the source, instrumented with a hook before each statement.

`instrument(source)` parses the code action with esprima (as the body of an async function, like the sandbox
runs it) and inserts, on the same line and before every statement of an `async` function (the code action's
body included),

    if (__wbRun.s(__wbF, LINE, () => ({a: () => a, b: () => b}))) await __wbRun.w(__wbF);

`s` records where the frame is and answers, without leaving V8, whether the debugger wants to stop there;
only then does the code await `w`, which holds it until Python says go. The getter names every variable in
scope at that statement (parameters, `var`s and function declarations of the enclosing functions, `let`,
`const` and `class` declared so far in the enclosing blocks, loop heads, catch parameters); one thunk per
name lets the snapshot skip a name that is still in its temporal dead zone.

What is steppable: statements of `async` functions (and async methods, arrows with a block body, async
generators). Statements of ordinary functions (`items.map(x => ...)`, `function f() {...}`) run without hooks:
a synchronous callback cannot wait for the debugger. Errors thrown there still pause, at the async frame that
called them, with the line of the throw. An async arrow with an expression body is a single step.

Insertions never add a newline, so lines stay the user's; `InstrumentedSource.user_position` also maps
columns back. Names starting with `__wb` are reserved.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import esprima

from workbench.engine.sandbox_types import WrappedSource, wrap_source

# The header shares its line with the runner call that precedes it, so it must not contain a newline.
_HEADER = (
    "async function (args, ChatlayerResponseBuilder, fetch, console, _, __wbRun) { const __wbF = __wbRun.f(''); try {\n"
)
_FOOTER = (
    "\n} catch (__wbError) { await __wbRun.x(__wbF, __wbError); __wbRun.fail(__wbError); }"
    " finally { __wbRun.settle(); } }"
)
# Closes an async function's body: notes where an error left it and hands the current frame back.
_EPILOGUE = "} catch (__wbE) { __wbRun.e(__wbF, __wbE); throw __wbE; } finally { __wbRun.o(__wbF); }"
_PARSE_PREFIX = "(async function () {\n"
_PARSE_SUFFIX = "\n})"
_WRAPPER_NAMES = frozenset({"args", "ChatlayerResponseBuilder", "fetch", "console", "_"})
_FUNCTIONS = frozenset({"FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"})
_LOOPS = frozenset(
    {"ForStatement", "ForInStatement", "ForOfStatement", "WhileStatement", "DoWhileStatement", "WithStatement"}
)
_NOT_STEPPED = frozenset({"FunctionDeclaration", "EmptyStatement"})
_SKIPPED_KEYS = frozenset({"type", "range", "loc"})


@dataclass(frozen=True)
class InstrumentedSource(WrappedSource):
    """A code action wrapped with step hooks; `lines` are the lines where stepping can stop.

    `shifts[line]` lists `(column, length)` of the text inserted on that user line (0-based columns of the
    user's source), so positions V8 reports map back to the user's columns.
    """

    lines: frozenset[int] = frozenset()
    shifts: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)

    def user_position(self, line: int, column: int | None) -> tuple[int | None, int | None]:
        """Map a 1-based script position to the user's source, undoing the inserted hooks."""
        user_line, user_column = WrappedSource.user_position(self, line, column)
        if user_line is None or user_column is None or user_line != line - self.line_offset:
            return user_line, user_column
        return user_line, _unshift(self.shifts.get(user_line, ()), user_column - 1) + 1


def _unshift(inserts: Sequence[tuple[int, int]], column: int) -> int:
    shift = 0
    for at, length in inserts:
        start = at + shift
        if column >= start + length:
            shift += length
        elif column >= start:
            return at
        else:
            break
    return column - shift


@functools.lru_cache(maxsize=256)
def instrument(source: str) -> WrappedSource:
    """The code action with step hooks; the plain wrapping when esprima cannot parse it (V8 will say why)."""
    try:
        tree = esprima.parseScript(_PARSE_PREFIX + source + _PARSE_SUFFIX, {"range": True, "loc": True})
    except esprima.Error:
        return wrap_source(source)
    body = tree.body[0].expression.body
    writer = _Writer(len(_PARSE_PREFIX))
    writer.statements(body.body, _hoisted_vars(body.body), steppable=True)
    text, shifts = writer.apply(source)
    return InstrumentedSource(
        source=source,
        text=_HEADER + text + _FOOTER,
        line_offset=1,
        lines=frozenset(writer.lines),
        shifts=shifts,
    )


def steppable_lines(source: str) -> frozenset[int]:
    """The lines of a code action where the debugger can stop (empty when it does not parse)."""
    wrapped = instrument(source)
    return wrapped.lines if isinstance(wrapped, InstrumentedSource) else frozenset()


class _Writer:
    """Walks the tree and collects insertions (offset in the user's source, text) in source order."""

    def __init__(self, offset: int) -> None:
        self._offset = offset
        self.inserts: list[tuple[int, str]] = []
        self.lines: set[int] = set()

    # --- statements ---

    def statements(self, body: Sequence[Any], names: tuple[str, ...], steppable: bool) -> tuple[str, ...]:
        """Hook and walk a statement list; returns the names in scope after it (for switch cases)."""
        names = names + tuple(s.id.name for s in body if s.type == "FunctionDeclaration" and s.id)
        for statement in body:
            if steppable and statement.type not in _NOT_STEPPED:
                self._insert(statement.range[0], self._hook(statement, names))
            own = _declared(statement)
            self._statement(statement, names + own, steppable)
            names = names + own
        return names

    def _statement(self, node: Any, names: tuple[str, ...], steppable: bool) -> None:
        kind = node.type
        if kind == "BlockStatement":
            self.statements(node.body, names, steppable)
        elif kind == "IfStatement":
            self.walk(node.test, names)
            self._body(node.consequent, names, steppable)
            if node.alternate is not None:
                self._body(node.alternate, names, steppable)
        elif kind in _LOOPS:
            self._loop(node, names, steppable)
        elif kind == "LabeledStatement":
            # The label must stay on the loop itself, so only the loop's own body gets wrapped.
            self._statement(node.body, names, steppable)
        elif kind == "TryStatement":
            self.statements(node.block.body, names, steppable)
            if node.handler is not None:
                caught = _pattern_names(node.handler.param) if node.handler.param else ()
                self.statements(node.handler.body.body, names + caught, steppable)
            if node.finalizer is not None:
                self.statements(node.finalizer.body, names, steppable)
        elif kind == "SwitchStatement":
            self.walk(node.discriminant, names)
            for case in node.cases:
                if case.test is not None:
                    self.walk(case.test, names)
                names = self.statements(case.consequent, names, steppable)
        elif kind == "FunctionDeclaration":
            self.function(node, names, node.id.name if node.id else "")
        else:
            self.walk(node, names)

    def _loop(self, node: Any, names: tuple[str, ...], steppable: bool) -> None:
        head = node.init if node.type == "ForStatement" else getattr(node, "left", None)
        inner = names + _declared(head) if head is not None else names
        for key in ("init", "left", "right", "test", "update", "object"):
            child = getattr(node, key, None)
            if child is not None:
                self.walk(child, inner)
        self._body(node.body, inner, steppable)

    def _body(self, node: Any, names: tuple[str, ...], steppable: bool) -> None:
        """A single-statement body (of if, a loop…): wrapped in a block so a hook can go before it."""
        if node.type == "BlockStatement" or not steppable or node.type in _NOT_STEPPED:
            self._statement(node, names, steppable)
            return
        self._insert(node.range[0], "{" + self._hook(node, names))
        self._statement(node, names + _declared(node), steppable)
        self._insert(node.range[1], "}")

    # --- functions and expressions ---

    def function(self, node: Any, names: tuple[str, ...], name: str) -> None:
        """A nested function: its own frame; async ones get a prologue and an error trap."""
        own = (node.id.name,) if node.type == "FunctionExpression" and node.id else ()
        params = tuple(n for p in node.params for n in _pattern_names(p))
        for param in node.params:
            self.walk(param, names + own)
        body = node.body
        if body.type != "BlockStatement":
            self.walk(body, names + own + params)
            return
        inner = names + own + params + _hoisted_vars(body.body)
        if node.isAsync:
            self._insert(body.range[0] + 1, f"const __wbF = __wbRun.f({_js_string(name)}); try {{")
        self.statements(body.body, inner, steppable=bool(node.isAsync))
        if node.isAsync:
            self._insert(body.range[1] - 1, _EPILOGUE)

    def walk(self, node: Any, names: tuple[str, ...]) -> None:
        """Find the functions (and class static blocks) inside an expression or a plain statement."""
        if node.type in _FUNCTIONS:
            self.function(node, names, node.id.name if node.id else "")
            return
        if node.type == "StaticBlock":
            self.statements(node.body, names, steppable=False)
            return
        hint = _name_hint(node)
        for child in _children(node):
            if hint and child.type in _FUNCTIONS and not child.id:
                self.function(child, names, hint)
            else:
                self.walk(child, names)

    # --- text ---

    def _hook(self, statement: Any, names: tuple[str, ...]) -> str:
        line = statement.loc.start.line - 1
        self.lines.add(line)
        visible = [n for n in dict.fromkeys(names) if n not in _WRAPPER_NAMES and not n.startswith("__wb")]
        getter = "()=>({" + ",".join(f"{n}:()=>{n}" for n in visible) + "})" if visible else "null"
        return f"if(__wbRun.s(__wbF,{line},{getter}))await __wbRun.w(__wbF);"

    def _insert(self, offset: int, text: str) -> None:
        self.inserts.append((offset - self._offset, text))

    def apply(self, source: str) -> tuple[str, dict[int, tuple[tuple[int, int], ...]]]:
        """The instrumented source and, per line, where text went in and how long it is."""
        starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]
        ordered = sorted(enumerate(self.inserts), key=lambda item: (item[1][0], item[0]))
        pieces: list[str] = []
        shifts: dict[int, list[tuple[int, int]]] = {}
        last = 0
        for _, (offset, text) in ordered:
            pieces.append(source[last:offset])
            pieces.append(text)
            last = offset
            line = bisect.bisect_right(starts, offset)
            shifts.setdefault(line, []).append((offset - starts[line - 1], len(text)))
        pieces.append(source[last:])
        return "".join(pieces), {line: tuple(items) for line, items in shifts.items()}


def _js_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _children(node: Any) -> Iterator[Any]:
    for key, value in vars(node).items():
        if key in _SKIPPED_KEYS or key.startswith("_"):
            continue
        if isinstance(value, list):
            yield from (item for item in value if isinstance(item, esprima.nodes.Node))
        elif isinstance(value, esprima.nodes.Node):
            yield value


def _name_hint(node: Any) -> str:
    """The name an anonymous function gets from where it is defined (`const f = async () => …`)."""
    if node.type == "VariableDeclarator" and node.id.type == "Identifier":
        return str(node.id.name)
    if node.type in ("Property", "MethodDefinition") and node.key.type == "Identifier":
        return str(node.key.name)
    if node.type == "AssignmentExpression" and node.left.type == "Identifier":
        return str(node.left.name)
    return ""


def _pattern_names(pattern: Any) -> tuple[str, ...]:
    """The identifiers a binding pattern declares (`{a, b: [c, ...d] = x}` → a, c, d)."""
    if pattern is None:
        return ()
    kind = pattern.type
    if kind == "Identifier":
        return (pattern.name,)
    if kind == "ObjectPattern":
        return tuple(n for p in pattern.properties for n in _pattern_names(p.value if p.type == "Property" else p))
    if kind == "ArrayPattern":
        return tuple(n for element in pattern.elements for n in _pattern_names(element))
    if kind == "AssignmentPattern":
        return _pattern_names(pattern.left)
    if kind == "RestElement":
        return _pattern_names(pattern.argument)
    return ()


def _declared(node: Any) -> tuple[str, ...]:
    """Names a statement (or a loop head) declares in its own block."""
    if node.type == "VariableDeclaration":
        return tuple(n for d in node.declarations for n in _pattern_names(d.id))
    if node.type == "ClassDeclaration" and node.id:
        return (node.id.name,)
    return ()


def _hoisted_vars(body: Sequence[Any]) -> tuple[str, ...]:
    """`var` names anywhere in a function body (outside nested functions): in scope from its start."""
    names: list[str] = []
    stack = list(body)
    while stack:
        node = stack.pop()
        if node.type in _FUNCTIONS or node.type.startswith("Class"):
            continue
        if node.type == "VariableDeclaration":
            if node.kind == "var":
                names.extend(_declared(node))
            continue
        stack.extend(c for c in _children(node) if c.type.endswith(("Statement", "Declaration", "Clause", "Case")))
    return tuple(names)
