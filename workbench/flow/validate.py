"""Checks on a built flow: JavaScript syntax, templates, reachability, variables nobody sets and contexts.

The loader builds the model and notes, in `Facts`, where the things these checks need came from in the file.

Variables: a `{var}` in a template (or `{var: name}` in a value) draws the warning "never set" unless the first
part of its path is set somewhere in the flow: a `variables:` default, an ask's `save`, the `set` of a button, a
state or a route, an API action's `save`, an entity name, a literal `addSessionVariable('name', …)` in a code
action, or one of the built-ins `sys`, `internal`, `locale`, `preferredLanguage` (the conversation's language, as
a channel or the flow sets it) and `input` (the user's last message); in a flow with a variables-changed event,
`events` too (`events.variablesChanged`). Some actions set variables the loader cannot see: an API action without
`save` (its JSON answer becomes session variables, Chatlayer style), an iframe (its page sends UPDATE_SESSION with
any names) and a code action that names variables at run time (`addSessionVariable(name, …)` with a non-literal
name, or `addSessionVariables`). A flow with any of those gets no "never set" warnings at all: a warning that is
often wrong would teach people to ignore warnings.

Reachability: from `start`, through `next` routes, buttons, quick replies and carousel buttons, `on_error`
and `give_up_goto`. The NLU fallback, the state for too long a message (`settings.max_message_length`), the
language detection state (`languages.detection`), the states of bot-wide events (`events:`), states with an
`intent`, the system states (`not_understood`, `error_occurred`, `bot_disabled`, `offloading_*`), and states named
in a code action's string literal or in a `{state: name}` value count as reachable from anywhere. An iframe can
also jump to any state; those jumps cannot be seen here.

Contexts: two states may share an intent when their `required_context` sets differ (Chatlayer then picks by
the active contexts); the same intent with the same set (or none) on two states is an error.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from workbench.flow.model import Choice, CodeAction, Flow, SayItem, State
from workbench.flow.paths import PathError, parse_path
from workbench.flow.problems import Reporter, did_you_mean
from workbench.flow.template import TemplateError, parse
from workbench.flow.yaml_source import Pos

SYSTEM_STATES = frozenset(
    {
        "not_understood",
        "error_occurred",
        "bot_disabled",
        "offloading_opened",
        "offloading_closed",
        "offloading_disabled",
    }
)
BUILTIN_VARIABLES = frozenset({"sys", "internal", "locale", "preferredLanguage", "input"})

_SET_BY_CODE = re.compile(r"addSessionVariable\(\s*['\"]([\w.]+)")
_DYNAMIC_CODE = re.compile(r"addSessionVariable\(\s*[^'\"\s]|addSessionVariables\s*\(")
_CALLS_SEND = re.compile(r"\bsend\s*\(")
_STRING_LITERAL = re.compile(r"""['"`]([^'"`\n]+)['"`]""")
_ESPRIMA_LINE = re.compile(r"^Line \d+: ")
_CODE_PREFIX = "(async () => {\n"
_CODE_SUFFIX = "\n})()"
_END_OF_CODE = "unexpected end of code; is a '{', '(' or '[' left open?"


@dataclass
class Facts:
    """What the loader noted for these checks, each with its position in the file."""

    templates: list[tuple[str, Pos]] = field(default_factory=list)
    var_refs: list[tuple[str, Pos]] = field(default_factory=list)
    conditions: list[tuple[str, Pos]] = field(default_factory=list)
    codes: list[tuple[CodeAction, Pos]] = field(default_factory=list)
    jumps: set[str] = field(default_factory=set)
    intents: list[tuple[str, str, Pos]] = field(default_factory=list)
    """(state, intent) of every state with an `intent`, where the intent is named."""
    required: list[tuple[str, Pos]] = field(default_factory=list)
    """Every context named in a `required_context`."""
    languages: dict[str, Pos] = field(default_factory=dict)
    """Where each secondary language is declared."""


@lru_cache(maxsize=8192)
def js_syntax_error(source: str) -> tuple[str, int, int] | None:
    """Esprima's complaint about a JavaScript script as (message, line, column), or None when it parses."""
    import esprima  # here, not at the top: a flow without JavaScript need not load the parser

    try:
        esprima.parseScript(source)
    except esprima.Error as exc:
        return _ESPRIMA_LINE.sub("", str(exc.message)), int(exc.lineNumber), int(exc.column)
    return None


@lru_cache(maxsize=8192)
def condition_error(condition: str) -> tuple[str, int, int] | None:
    """What is wrong with a route condition, which must be one JavaScript expression, or None."""
    import esprima

    try:
        program = esprima.parseScript(condition)
    except esprima.Error as exc:
        return _ESPRIMA_LINE.sub("", str(exc.message)), int(exc.lineNumber), int(exc.column)
    if len(program.body) != 1 or program.body[0].type != "ExpressionStatement":
        return "a condition must be one expression", 1, 1
    return None


def column_in_file(pos: Pos, value: str, index: int, lines: list[str]) -> int:
    """The file column of character `index` of a scalar written as one plain or quoted line.

    For any other scalar (block scalars, escapes, folded lines) the scalar's own column.
    """
    if pos.style not in ("", None, "'", '"') or not 1 <= pos.line <= len(lines):
        return pos.column
    start = pos.column - 1 + (1 if pos.style else 0)
    if not _written_as(lines[pos.line - 1], start, value):
        return pos.column
    return start + 1 + max(0, min(index, len(value)))


def near_names(name: str, choices: Collection[str]) -> list[str]:
    """The few of `choices` closest to `name`, for `did_you_mean`: difflib over thousands of names, once for each
    of thousands of misspellings, is quadratic; rapidfuzz shortlists them in C."""
    from rapidfuzz import fuzz, process  # here: only a flow with a misspelled name needs it

    near = process.extract(name, choices, scorer=fuzz.ratio, limit=5, score_cutoff=50)
    return [choice for choice, _score, _index in near]


@lru_cache(maxsize=64)
def _written_as(line: str, start: int, value: str) -> bool:
    """Whether `line` holds `value` at `start`; cached, as a template with many placeholders asks once for each
    (the strings' hashes are cached, so a repeated question costs nothing)."""
    return line[start : start + len(value)] == value


def check_flow(flow: Flow, facts: Facts, lines: list[str], reporter: Reporter) -> None:
    """Report JavaScript errors, malformed templates, unreachable states and variables that nothing sets."""
    _check_conditions(facts, lines, reporter)
    code_sets, dynamic = _check_code(facts, lines, reporter)
    used = _check_templates(facts, lines, reporter)
    _check_reachable(flow, facts, reporter)
    _check_contexts(flow, facts, reporter)
    if not dynamic and not _has_dynamic_action(flow):
        _check_variables(flow, used, code_sets, reporter)


def _check_conditions(facts: Facts, lines: list[str], reporter: Reporter) -> None:
    for condition, pos in facts.conditions:
        found = condition_error(condition)
        if found is None:
            continue
        message, line, column = found
        col = column_in_file(pos, condition, column - 1, lines) if line == 1 else pos.column
        reporter.error(pos.line, col, f"invalid JavaScript in condition: {message}")


def _check_code(facts: Facts, lines: list[str], reporter: Reporter) -> tuple[set[str], bool]:
    """Check each code action; return the variables they set by literal name and whether any sets others."""
    names: set[str] = set()
    dynamic = False
    for action, pos in facts.codes:
        source = action.source
        names.update(_SET_BY_CODE.findall(source))
        dynamic = dynamic or bool(_DYNAMIC_CODE.search(source))
        facts.jumps.update(_STRING_LITERAL.findall(source))
        found = js_syntax_error(f"{_CODE_PREFIX}{source}{_CODE_SUFFIX}")
        if found is not None:
            message, line, column = found
            if line - 1 > len(source.splitlines()):
                message, line, column = _END_OF_CODE, line - 1, 0
            at_line, at_column = _code_position(action, pos, line - 1, column, lines)
            reporter.error(at_line, at_column, f"invalid JavaScript in code action: {message}")
        elif not _CALLS_SEND.search(source):
            reporter.warning(pos.line, pos.column, "code action never calls send(); its results will be ignored")
    return names, dynamic


def _code_position(action: CodeAction, pos: Pos, code_line: int, column: int, lines: list[str]) -> tuple[int, int]:
    """Where line `code_line`, column `column` (0: after its end) of a code action is in the flow file."""
    source_lines = action.source.splitlines() or [""]
    code_line = max(1, min(code_line, len(source_lines)))
    if column <= 0:
        column = len(source_lines[code_line - 1]) + 1
    if pos.style == "|":
        return action.line + code_line - 1, action.indent + column
    if len(source_lines) == 1:
        return pos.line, column_in_file(pos, action.source, column - 1, lines)
    return pos.line, pos.column


def _check_templates(facts: Facts, lines: list[str], reporter: Reporter) -> list[tuple[str, int, int]]:
    """Report malformed templates; return every variable a template uses, with its line and column."""
    used: list[tuple[str, int, int]] = []
    for text, pos in facts.templates:
        if "{" not in text:
            continue
        try:
            placeholders = parse(text)
        except TemplateError as exc:
            reporter.error(pos.line, column_in_file(pos, text, exc.column - 1, lines), str(exc))
            continue
        for p in placeholders:
            used.append((p.path, pos.line, column_in_file(pos, text, p.start, lines)))
    for path, pos in facts.var_refs:
        try:
            parse_path(path)
        except PathError:
            reporter.error(pos.line, pos.column, f"'var' must be a variable name, not '{path}'")
            continue
        used.append((path, pos.line, pos.column))
    return used


def _items(state: State) -> Iterator[SayItem]:
    yield from state.say
    if state.ask is not None:
        yield from state.ask.prompt
        yield from state.ask.retry
        yield from state.ask.give_up


def _choices(state: State) -> Iterator[Choice]:
    for item in _items(state):
        yield from item.buttons
        yield from item.quick_replies
        for card in item.cards:
            yield from card.buttons


def _targets(state: State) -> Iterator[str]:
    """The states this state can lead to."""
    for route in state.next:
        yield route.goto
    if state.on_error:
        yield state.on_error
    if state.ask is not None and state.ask.give_up_goto:
        yield state.ask.give_up_goto
    for choice in _choices(state):
        if choice.goto:
            yield choice.goto


def _check_reachable(flow: Flow, facts: Facts, reporter: Reporter) -> None:
    if flow.start not in flow.states:
        return  # already an error; every state would be reported unreachable
    roots = {flow.start, *SYSTEM_STATES, *facts.jumps}
    roots.update(name for name in (flow.nlu.fallback, flow.settings.too_long, flow.languages.detection) if name)
    roots.update(event.goto for event in flow.events)
    roots.update(name for name, state in flow.states.items() if state.intent)
    seen: set[str] = set()
    todo = [name for name in roots if name in flow.states]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(t for t in _targets(flow.states[name]) if t in flow.states and t not in seen)
    for name, state in flow.states.items():
        if name not in seen:
            reporter.warning(
                state.loc.line,
                state.loc.column,
                f"state '{name}' is unreachable from the start state '{flow.start}'",
            )
        elif state.kind == "router" and not state.next:
            reporter.warning(state.loc.line, state.loc.column, f"state '{name}' does nothing: no action and no 'next'")


def _check_contexts(flow: Flow, facts: Facts, reporter: Reporter) -> None:
    """Report an intent that two states share without contexts that tell them apart, a required context that
    no state outputs, and a required context without an intent (it has no effect)."""
    owners: dict[tuple[str, frozenset[str]], str] = {}
    for name, intent, pos in facts.intents:
        required = frozenset(flow.states[name].required_context) if name in flow.states else frozenset()
        other = owners.setdefault((intent, required), name)
        if other != name:
            same = f" with the same required context ({', '.join(sorted(required))})" if required else ""
            reporter.error(
                pos.line,
                pos.column,
                f"intent '{intent}' already jumps to state '{other}'{same}; "
                "give them different 'required_context' to tell them apart",
            )
    given = {context for state in flow.states.values() for context in state.output_context}
    for context, pos in facts.required:
        if context not in given:
            hint = did_you_mean(context, given)
            reporter.warning(pos.line, pos.column, f"no state has output context '{context}'{hint}")
    for name, state in flow.states.items():
        if state.required_context and not state.intent:
            reporter.warning(
                state.loc.line,
                state.loc.column,
                f"state '{name}' has a 'required_context' but no 'intent': the context has no effect",
            )


def _has_dynamic_action(flow: Flow) -> bool:
    return any(
        state.iframe is not None or (state.api is not None and not state.api.save) for state in flow.states.values()
    )


def _set_variables(flow: Flow, code_sets: set[str]) -> set[str]:
    names = set(BUILTIN_VARIABLES) | set(flow.variables) | set(flow.nlu.entities) | code_sets
    if any(event.kind == "variables_changed" for event in flow.events):
        names.add("events")  # events.variablesChanged: the names that set off a variables-changed event
    for state in flow.states.values():
        if state.ask is not None:
            names.add(state.ask.save)
        if state.api is not None:
            names.update(state.api.save)
        for choice in _choices(state):
            names.update(choice.set)
        names.update(state.set)
        for route in state.next:
            names.update(route.set)
    return {_root(name) for name in names if name}


def _root(path: str) -> str:
    try:
        return str(parse_path(path)[0])
    except PathError:
        return path


def _check_variables(flow: Flow, used: list[tuple[str, int, int]], code_sets: set[str], reporter: Reporter) -> None:
    known = _set_variables(flow, code_sets)
    close = [name for name in known if name not in BUILTIN_VARIABLES]
    hints: dict[str, str] = {}  # once per unknown name: a template may use it thousands of times
    for path, line, column in used:
        root = _root(path)
        if root in known:
            continue
        if root not in hints:
            hints[root] = did_you_mean(root, near_names(root, close))
        hint = hints[root]
        reporter.warning(line, column, f"variable '{path}' is never set in this flow{hint}")
