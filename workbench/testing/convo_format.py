"""The `*.convo.yaml` format: conversation tests read into frozen dataclasses, every problem with its position.

A file holds one conversation (a mapping with `turns`), several (a YAML list of such mappings, or `---`
documents), or a group: a mapping with `conversations:` whose other keys (`flow`, `tags`, `variables`,
`start`, `http`, `timeout`, `strict`, `language`) are defaults for each conversation in it. A conversation's `variables`
are merged over the group's, its `tags` added to them, its `http` entries tried before the group's; the other
keys replace the group's.

`language: nl` runs a conversation in that language (the channel's `locale` is `nl`), `language: all` once per
language of its flow; whether the flow speaks it is checked when the flow is loaded (`runner.check_test`). A
`bot:` expectation may name a translation key instead of a text (`bot: {key: ask_date.ask[0]}`); a `silence: 30`
turn is 30 seconds without user input (simulated, never waited for).

`load_convo_file` never raises: problems (bad YAML, unknown keys, wrong types, bad regular expressions, missing
flow files, include cycles…) come back in `ConvoFile.problems` as `file:line:column: error: message`, and a file
with errors has no tests. Values are checked once, here: what a test gives or expects (`variables`, `vars`, `json`,
`iframe`, a bot's `card` or `media`, an `http` entry's `json` and `body`) must be JSON (no `!!timestamp`, `!!binary`,
`!!set`, `!!omap`, `.nan`, `.inf`, mapping keys that are not text), a canned answer's headers ASCII. Includes nest at
most `MAX_INCLUDE_DEPTH` deep and give a list of turns at most `MAX_INCLUDED_TURNS` turns; a file of turns is read once
however often it is included. The YAML reader is the flow loader's (`yaml_source`), so `yes`/`no`/`on`/`off` stay
strings.

The module's dataclasses are never changed once made. They are not `frozen` only because a frozen dataclass takes four
times as long to make (a suite makes a dozen per file); they compare and hash as frozen ones do.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from workbench.engine.session import refused_start_value
from workbench.flow.build import kind_name
from workbench.flow.documents import not_utf8, read_file_bytes, unreadable_message
from workbench.flow.languages import code_problem
from workbench.flow.model import Loc
from workbench.flow.paths import PathError, parse_path
from workbench.flow.problems import Problem, did_you_mean
from workbench.flow.regex_limits import compile_pattern
from workbench.flow.yaml_source import Document, Duplicate, Pos, YamlSyntaxError, YList, YMap, load_yaml
from workbench.testing.assertions import BotExpectation, ErrorExpectation, TextMatch, fold, is_regex
from workbench.testing.block_yaml import load_block_yaml

SUFFIX = ".convo.yaml"
DEFAULT_TIMEOUT = 30.0

TurnKind = Literal[
    "user",
    "click",
    "bot",
    "state",
    "vars",
    "contexts",
    "json",
    "iframe",
    "iframe_opened",
    "agent",
    "hand_back",
    "offloaded",
    "error",
    "silence",
]
TURN_KINDS: tuple[str, ...] = get_args(TurnKind)
INPUT_KINDS = frozenset({"user", "click", "iframe", "agent", "hand_back", "silence"})
"""Turns that send something to the conversation; the others check what it did."""

SETTING_KEYS = ("flow", "tags", "variables", "start", "http", "timeout", "strict", "language")
_SETTINGS = frozenset(SETTING_KEYS)
CONVERSATION_KEYS = ("name", "description", *SETTING_KEYS, "turns")
GROUP_KEYS = ("description", *SETTING_KEYS, "conversations")
BOT_KEYS = ("text", "contains", "key", "type", "buttons", "quick_replies", "card", "media", "image", "html", "not")
MESSAGE_TYPES = ("text", "buttons", "quick_replies", "media", "carousel", "html", "iframe")
ERROR_KEYS = ("kind", "message")
HTTP_ENTRY_KEYS = ("request", "status", "json", "body", "headers")
REQUEST_KEYS = ("method", "url", "body")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
PASSTHROUGH = "passthrough"
IFRAME_TARGET = "CL_API"
ALL_LANGUAGES = "all"
_DOCUMENT_MARK = re.compile(r"^(---|\.\.\.)(?=\s|$)")
_A_FLOW_FILE = "this is a flow file (it has 'states'), not a conversation test: check it with `workbench validate`"
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # where `str.splitlines` splits besides "\n"
_LINE_IN_MESSAGE = re.compile(r"\bline (\d+), column")  # a second position that a YAML error names in its text
MAX_INCLUDE_DEPTH = 50
"""How deep includes may nest: a file of turns that the conversation includes is at depth 1."""
MAX_INCLUDED_TURNS = 100_000
"""How many turns a list of turns may hold once its includes are read (each include of a file counts again)."""
_JSON_SCALARS = frozenset({str, int, bool, type(None)})
_JSON_WORDS = "JSON (text, numbers, true/false, null, lists and mappings)"
_JSON_VALUE_WORDS = "a JSON value (text, number, true/false, null, list or mapping)"


@dataclass(slots=True, unsafe_hash=True)
class Turn:
    """One step of a conversation: `kind` says what it does, `value` is its checked content, `loc` where it is
    and `text` how it was written (for reports).

    A suite holds every turn of every file at once, so a turn keeps its position and its written value as they
    came from the file (the YAML string itself, JSON for anything else) and builds `loc` and `text` on demand.
    """

    kind: TurnKind
    value: Any
    file: str
    line: int
    column: int
    written: str

    @property
    def loc(self) -> Loc:
        """Where the turn is: `file:line:column` of its list item."""
        return Loc(self.file, self.line, self.column)

    @property
    def text(self) -> str:
        """The turn as written, e.g. `user: hello`."""
        return f"{self.kind}: {self.written}"

    @property
    def is_input(self) -> bool:
        """Whether the turn sends something to the conversation (rather than checking it)."""
        return self.kind in INPUT_KINDS


@dataclass(slots=True, unsafe_hash=True)
class HttpStub:
    """A canned HTTP answer: for `method` and `url` (a template, expanded when the request is made), and,
    when `body` is given, a request body that contains it (subset match)."""

    method: str
    url: str
    loc: Loc
    body: Any = None
    status: int = 200
    content: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """`METHOD URL` as written, for reports."""
        return f"{self.method} {self.url}"


@dataclass(slots=True, unsafe_hash=True)
class ConvoTest:
    """One conversation test, with the file-level defaults already applied."""

    name: str
    file: str
    loc: Loc
    flow: Path
    turns: tuple[Turn, ...]
    tags: tuple[str, ...] = ()
    variables: dict[str, Any] = field(default_factory=dict)
    start: str | None = None
    start_loc: Loc | None = None
    http: tuple[HttpStub, ...] = ()
    passthrough: bool = False
    timeout: float = DEFAULT_TIMEOUT
    strict: bool = False
    language: str | None = None
    """The language the test runs in as written (a code, or `all`); None: the run's, by default the primary."""
    language_loc: Loc | None = None
    keyed: bool = False
    """Whether a `bot` turn names a translation key (looked up in the flow before the test runs)."""

    @property
    def id(self) -> str:
        """`file::name`, unique within a run."""
        return f"{self.file}::{self.name}"


@dataclass(slots=True, unsafe_hash=True)
class ConvoFile:
    """What loading a convo file gave: its tests (none when there are errors) and every problem."""

    path: str
    tests: tuple[ConvoTest, ...]
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that stop the file from running."""
        return tuple(p for p in self.problems if p.is_error)

    @property
    def ok(self) -> bool:
        """Whether the file loaded without errors."""
        return not self.errors


@dataclass(slots=True, unsafe_hash=True)
class _Settings:
    """Conversation settings as they cascade from a group to its conversations."""

    flow: Path | None = None
    flow_given: bool = False
    tags: tuple[str, ...] = ()
    variables: dict[str, Any] = field(default_factory=dict)
    start: str | None = None
    start_loc: Loc | None = None
    http: tuple[HttpStub, ...] = ()
    passthrough: bool = False
    timeout: float = DEFAULT_TIMEOUT
    strict: bool = False
    language: str | None = None
    language_loc: Loc | None = None


def load_convo_file(path: str | Path) -> ConvoFile:
    """Load and check the convo file at `path`; problems name the file as `path` was given."""
    file = str(path)
    try:
        text = _read(file)
    except (OSError, ValueError) as exc:
        return ConvoFile(file, (), (Problem(Loc(file, 1, 1), unreadable_message(exc, "convo file")),))
    return _load(text, file, os.path.dirname(file))


def _read(file: str) -> str:
    """The text of `file`, its new lines made "\n" as text mode makes them (a named pipe or a device is refused)."""
    text = read_file_bytes(file).decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def load_convo_text(text: str, filename: str = "<convo>", folder: Path | None = None) -> ConvoFile:
    """Load convo tests from YAML text; `folder` is where relative `flow` and `include` paths start."""
    return _load(text, filename, str(folder or Path.cwd()))


def _load(text: str, filename: str, folder: str) -> ConvoFile:
    reader = _Reader(folder)
    tests = reader.file(text, filename)
    if not reader.problems:
        return ConvoFile(filename, tuple(tests), ())
    problems = tuple(sorted(reader.problems, key=lambda p: (p.loc.file != filename, p.loc.line, p.loc.column)))
    if any(p.is_error for p in problems):
        tests = []
    return ConvoFile(filename, tuple(tests), problems)


def find_convo_files(paths: Iterable[str | Path]) -> list[str]:
    """The convo files named, and the `*.convo.yaml` files under the folders named (not entering linked folders),
    each once, in the order of their paths' parts.

    Paths come back as text: at 100,000 files, `Path` objects and `Path.rglob` took 60 MB where text takes 10."""
    found: dict[str, None] = {}
    for path in map(Path, paths):
        if path.is_dir():
            under = [
                os.path.join(folder, name)
                for folder, _, names in os.walk(path)
                for name in names
                if name.endswith(SUFFIX)
            ]
            # "\0" sorts before any character of a name: the parts of the paths are compared one by one
            found.update(dict.fromkeys(sorted(under, key=lambda file: file.replace(os.sep, "\0"))))
        else:
            found[str(path)] = None
    return list(found)


def document_chunks(text: str) -> list[tuple[int, str]]:
    """The YAML documents of `text`, each as (the number of lines before it, its text); linear in the text.

    A document's first line is the mark that opens it, blanked (`--- x` becomes `    x`) so that columns stay
    right. Directives (`%YAML 1.1`) stay with the document they open, and so does its `---`, as written.
    """
    if "---" not in text and "..." not in text:  # most files: no line can be a document mark
        # and "\n" the only line break (a search for each is quicker than a regular expression): the lines joined
        # again are the text
        if not any(map(text.__contains__, _OTHER_BREAKS)):
            return [(0, text[:-1] if text.endswith("\n") else text)]  # without its last new line
        return [(0, "\n".join(text.splitlines()))]
    lines = text.splitlines()
    chunks: list[tuple[int, str]] = []
    start = 0
    preamble = True  # the document so far has only directives, comments and blank lines
    directive = False  # and at least one directive
    for index, line in enumerate([*lines, "---"]):
        if not _DOCUMENT_MARK.match(line):
            if line.startswith("%"):
                directive = True
            elif preamble and line.strip() and not line.lstrip().startswith("#"):
                preamble = False
            continue
        if preamble and directive and line.startswith("---") and index < len(lines):
            preamble = directive = False  # the `---` after the directives opens their document
            continue
        chunks.append((start, "\n".join(lines[start:index])))
        rest = line[3:]
        if index < len(lines):
            lines[index] = " " * 3 + rest
        start = index
        preamble = not rest.strip() or rest.lstrip().startswith("#")
        directive = False
    return chunks


def _shifted(document: Document, lines: int) -> Document:
    """`document`, read from a text that starts `lines` lines into its file, with every position moved down so."""

    def moved(pos: Pos) -> Pos:
        return Pos(pos.line + lines, pos.column, pos.end_line + lines, pos.end_column, pos.style)

    seen: set[int] = set()
    todo = [document.data]
    while todo:
        value = todo.pop()
        if not isinstance(value, list | tuple | dict) or id(value) in seen:  # an alias repeats a value: moved once
            continue
        seen.add(id(value))
        if isinstance(value, YMap):
            for table in (value.key_pos, value.value_pos):
                for key, pos in table.items():
                    table[key] = moved(pos)
            todo.extend(value.values())
        else:  # a list; or a list of pairs (`!!omap`, `!!pairs`) and its pairs, which have no positions of their own
            if isinstance(value, YList):
                value.item_pos[:] = map(moved, value.item_pos)
            todo.extend(value)
    duplicates = [Duplicate(d.key, moved(d.pos), d.first_line + lines) for d in document.duplicates]
    return Document(document.data, None if document.pos is None else moved(document.pos), duplicates)


def shown_key(key: Any) -> str:
    """A mapping key as YAML writes it: `null`, `true`, `1.5`, `.nan`, `!!binary …`, text as it is."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool):
        return json.dumps(key)
    if isinstance(key, bytes):
        return f"!!binary {base64.b64encode(key).decode('ascii')}"
    if isinstance(key, date):
        return f"!!timestamp {key.isoformat(sep=' ') if isinstance(key, datetime) else key.isoformat()}"
    return kind_name(key)  # a number as YAML writes it, or the kind of anything else


def _kind(value: Any) -> str:
    """What a YAML value is, in YAML's words, for messages: `kind_name`, and the ordered lists of pairs that only
    `!!omap` and `!!pairs` make."""
    if isinstance(value, tuple) or type(value) is list:  # `YList` for `!!seq`; a plain list for `!!omap`, `!!pairs`
        return "an ordered list of pairs (!!omap or !!pairs)"
    return kind_name(value)


def json_flaw(value: Any, pos: Pos) -> tuple[Pos, str] | None:
    """Where `value` (a YAML value at `pos`) holds something that JSON cannot, and what it is (to follow "not"), or
    None when JSON can hold all of it: a date, binary data, a set, an ordered list of pairs, `.nan` or `.inf`, a
    mapping key that JSON cannot write as text (a number, `true` or `null` it writes so, as the flow loader's
    values do)."""
    if type(value) in _JSON_SCALARS:
        return None
    seen: set[int] = set()
    todo = [(value, pos)]
    while todo:
        value, pos = todo.pop()
        if type(value) in _JSON_SCALARS:
            continue
        if type(value) is float:
            if math.isfinite(value):
                continue
            return pos, f"{kind_name(value)}, which is not a number JSON can hold"
        if isinstance(value, YMap):
            if id(value) not in seen:
                seen.add(id(value))
                for key in value:
                    if type(key) not in _JSON_SCALARS and not (type(key) is float and math.isfinite(key)):
                        shown = shown_key(key)
                        quoted = f"JSON's keys are text (write it in quotes: '{shown}')"
                        return value.key_pos[key], f"the key {shown}: {quoted}"
                todo.extend((value[key], value.value_pos[key]) for key in reversed(value))
        elif isinstance(value, YList):
            if id(value) not in seen:
                seen.add(id(value))
                todo.extend(reversed(list(zip(value, value.item_pos, strict=True))))
        else:
            return pos, _kind(value)
    return None


def _is_variable_name(key: Any) -> bool:
    """Whether a mapping key names a variable (`order.items[0]`)."""
    if not isinstance(key, str):
        return False
    try:
        parse_path(key)
    except PathError:
        return False
    return True


def _moved_lines(message: str, lines: int) -> str:
    """A YAML error's `message` with the positions it names (`at line 3, column 5`) moved `lines` lines down."""
    if not lines:
        return message
    return _LINE_IN_MESSAGE.sub(lambda match: f"line {int(match[1]) + lines}, column", message)


def _not_ascii(text: str) -> str | None:
    """The first character of `text` that is not ASCII, or None."""
    return None if text.isascii() else next(c for c in text if not c.isascii())


def _written(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


@lru_cache(maxsize=1024)
def _joined(folder: str, path: str) -> str:
    """`path` taken from `folder`, normalised (the same few for every file of a suite)."""
    return os.path.normpath(os.path.join(folder, path))


@lru_cache(maxsize=256)
def _flow_file(path: str) -> Path:
    """One `Path` for each flow file, however many conversations name it."""
    return Path(path)


class _Reader:
    """Reads one convo file (and the files it includes), collecting every problem."""

    def __init__(self, folder: str) -> None:
        self.root_folder = folder
        self.problems: list[Problem] = []
        self._including: list[Path] = []
        self._keyed = False  # a bot turn of the conversation being read names a translation key
        # each file of turns read, by its path and its name in messages: its turns, how many levels deep its own
        # includes go (1: none), whether a bot turn names a translation key; a file that two others include (or one
        # twice) is read once
        self._included: dict[tuple[Path, str], tuple[list[Turn], int, bool]] = {}
        self._heights: list[int] = []  # for each file of turns being read, how deep its includes go so far
        self._too_many_turns = False  # the conversation being read has been told its includes give too many turns

    # --- reporting ------------------------------------------------------------------------------------------

    def error(self, file: str, pos: Pos, message: str) -> None:
        self.problems.append(Problem(Loc(file, pos.line, pos.column), message))

    def type_error(self, file: str, pos: Pos, what: str, expected: str, value: Any) -> None:
        self.error(file, pos, f"{what} must be {expected}, not {_kind(value)}")

    def check_keys(self, file: str, m: YMap, allowed: Sequence[str], where: str) -> None:
        for key in m:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f" (expected one of: {', '.join(allowed)})"
                self.error(file, m.key_pos[key], f"unknown key '{shown_key(key)}' in {where}{hint}")

    def json_value(self, value: Any, pos: Pos, file: str, what: str, expected: str = _JSON_WORDS) -> bool:
        """Whether JSON can hold `value` (`json_flaw`); if not, say so where the part it cannot hold is."""
        flaw = json_flaw(value, pos)
        if flaw is not None:
            self.error(file, flaw[0], f"{what} must be {expected}, not {flaw[1]}")
        return flaw is None

    # --- documents ------------------------------------------------------------------------------------------

    def documents(self, text: str, file: str) -> list[tuple[Any, Pos]]:
        """The non-empty YAML documents of a file with their positions; bad YAML is reported."""
        if text.startswith("\ufeff"):
            text = text[1:]
        loaded: list[tuple[Any, Pos]] = []
        for before, chunk in document_chunks(text):
            if not chunk.strip(" \n"):  # an empty document (of `---` lines, say): nothing to read
                continue
            try:
                document = load_block_yaml(chunk) or load_yaml(chunk)  # the fast reader, else the full one
            except YamlSyntaxError as exc:
                message = _moved_lines(str(exc), before)
                self.problems.append(Problem(Loc(file, exc.line + before, exc.column), f"invalid YAML: {message}"))
                continue
            if before:
                document = _shifted(document, before)
            for dup in document.duplicates:
                key = shown_key(dup.key)
                self.error(file, dup.pos, f"duplicate key '{key}' (first given on line {dup.first_line})")
            if document.pos is not None:
                loaded.append((document.data, document.pos))
        return loaded

    def file(self, text: str, file: str) -> list[ConvoTest]:
        documents = self.documents(text, file)
        if not documents and not self.problems:
            self.error(file, Pos(1, 1, 1, 1), "the convo file is empty")
        tests: list[ConvoTest] = []
        for data, pos in documents:
            if isinstance(data, YMap) and "states" in data and data.keys().isdisjoint(("turns", "conversations")):
                self.error(file, data.key_pos["states"], _A_FLOW_FILE)
                continue
            if isinstance(data, YList):
                for item, item_pos in zip(data, data.item_pos, strict=True):
                    tests += self.conversation_or_group(item, item_pos, file, _Settings())
            else:
                tests += self.conversation_or_group(data, pos, file, _Settings())
        self.check_names(tests)
        return tests

    def check_names(self, tests: list[ConvoTest]) -> None:
        first: dict[str, ConvoTest] = {}
        for test in tests:
            if test.name in first:
                self.problems.append(
                    Problem(
                        test.loc,
                        f"two conversations are named '{test.name}' (the first on line {first[test.name].loc.line}); "
                        "names must be unique in a file",
                    )
                )
            else:
                first[test.name] = test

    def conversation_or_group(self, data: Any, pos: Pos, file: str, base: _Settings) -> list[ConvoTest]:
        if not isinstance(data, YMap):
            self.type_error(file, pos, "a conversation", "a mapping with 'turns'", data)
            return []
        if "conversations" in data:
            self.check_keys(file, data, GROUP_KEYS, "a group of conversations")
            settings = self.settings(data, file, base)
            items = data["conversations"]
            if not isinstance(items, YList):
                self.type_error(file, data.value_pos["conversations"], "'conversations'", "a list", items)
                return []
            tests: list[ConvoTest] = []
            for item, item_pos in zip(items, items.item_pos, strict=True):
                if isinstance(item, YMap) and "conversations" in item:
                    self.error(file, item.key_pos["conversations"], "groups of conversations do not nest")
                    continue
                tests += self.conversation_or_group(item, item_pos, file, settings)
            return tests
        test = self.conversation(data, pos, file, base)
        return [test] if test is not None else []

    def conversation(self, m: YMap, pos: Pos, file: str, base: _Settings) -> ConvoTest | None:
        self.check_keys(file, m, CONVERSATION_KEYS, "a conversation")
        settings = self.settings(m, file, base)
        name = m.get("name")
        if name is not None and not isinstance(name, str):
            self.type_error(file, m.value_pos["name"], "'name'", "a string", name)
        if not isinstance(name, str) or not name.strip():
            name = f"{Path(file).name.removesuffix(SUFFIX)} (line {pos.line})"
        if "turns" not in m:
            self.error(file, pos, "missing required key 'turns' in a conversation")
            return None
        if settings.flow is None:
            if not settings.flow_given:
                self.error(file, pos, "missing required key 'flow' (the flow file this conversation tests)")
            return None
        self._keyed = self._too_many_turns = False
        turns = self.turns(m["turns"], m.value_pos["turns"], file, self.root_folder)
        return ConvoTest(
            name=name.strip(),
            file=file,
            loc=Loc(file, pos.line, pos.column),
            flow=settings.flow,
            turns=tuple(turns),
            tags=settings.tags,
            variables=settings.variables,
            start=settings.start,
            start_loc=settings.start_loc,
            http=settings.http,
            passthrough=settings.passthrough,
            timeout=settings.timeout,
            strict=settings.strict,
            language=settings.language,
            language_loc=settings.language_loc,
            keyed=self._keyed,
        )

    # --- settings -------------------------------------------------------------------------------------------

    def settings(self, m: YMap, file: str, base: _Settings) -> _Settings:
        if _SETTINGS.isdisjoint(m):  # most conversations of a group: the group's settings as they are
            return base
        flow, flow_given = base.flow, base.flow_given or "flow" in m
        if "flow" in m:
            flow = self.flow_path(m["flow"], m.value_pos["flow"], file)
        tags = base.tags
        if "tags" in m:
            tags = tuple(dict.fromkeys(base.tags + self.tags(m["tags"], m.value_pos["tags"], file)))
        variables = base.variables
        if "variables" in m:
            value = m["variables"]
            if isinstance(value, YMap):
                variables = {**base.variables, **value}
                for name, start_value in value.items():
                    if not isinstance(name, str):
                        self.error(
                            file, value.key_pos[name], f"'variables': '{shown_key(name)}' is not a variable name"
                        )
                    elif (refused := refused_start_value(name, start_value)) is not None:
                        self.error(file, value.key_pos[name], f"'variables': {refused}")
                    elif type(start_value) not in _JSON_SCALARS:
                        what = f"'variables': '{name}'"
                        self.json_value(start_value, value.value_pos[name], file, what, _JSON_VALUE_WORDS)
            else:
                self.type_error(file, m.value_pos["variables"], "'variables'", "a mapping of names to values", value)
        start, start_loc = base.start, base.start_loc
        if "start" in m:
            start = self.plain(m, "start", file, str, "a state name")
            start_loc = Loc(file, m.value_pos["start"].line, m.value_pos["start"].column)
        http, passthrough = base.http, base.passthrough
        if "http" in m:
            stubs, passthrough = self.http(m["http"], m.value_pos["http"], file)
            passthrough = passthrough or base.passthrough
            http = stubs + base.http
        timeout = base.timeout
        if "timeout" in m:
            value = m["timeout"]
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 and math.isfinite(value):
                timeout = float(value)
            elif value == math.inf:
                self.type_error(file, m.value_pos["timeout"], "'timeout'", "a finite number of seconds", value)
            else:
                self.type_error(file, m.value_pos["timeout"], "'timeout'", "a positive number of seconds", value)
        strict = base.strict
        if "strict" in m:
            strict = bool(self.plain(m, "strict", file, bool, "true or false"))
        language, language_loc = base.language, base.language_loc
        if "language" in m:
            language = self.language(m["language"], m.value_pos["language"], file)
            language_loc = Loc(file, m.value_pos["language"].line, m.value_pos["language"].column)
        return _Settings(
            flow,
            flow_given,
            tags,
            variables,
            start,
            start_loc,
            http,
            passthrough,
            timeout,
            strict,
            language,
            language_loc,
        )

    def language(self, value: Any, pos: Pos, file: str) -> str | None:
        if value == ALL_LANGUAGES:
            return value
        problem = code_problem(value)
        if problem is None:
            return value
        self.error(file, pos, f"'language': {problem}, or `{ALL_LANGUAGES}` for every language of the flow")
        return None

    def plain(self, m: YMap, key: str, file: str, kind: type, expected: str) -> Any:
        value = m[key]
        if isinstance(value, kind):
            return value
        self.type_error(file, m.value_pos[key], f"'{key}'", expected, value)
        return None

    def flow_path(self, value: Any, pos: Pos, file: str) -> Path | None:
        if not isinstance(value, str):
            self.type_error(file, pos, "'flow'", "the path of a flow file", value)
            return None
        if not value.strip():
            self.error(file, pos, "'flow' is empty: it must be the path of a flow file")
            return None
        path = _joined(self.root_folder, value)
        if not os.path.isfile(path):
            if os.path.isdir(path):
                self.error(file, pos, f"'flow' names a folder, not a flow file: {value} (looked at {path})")
            elif os.path.exists(path):
                self.error(file, pos, f"'flow' names {value}, which is not a regular file (a named pipe or a device?)")
            else:
                self.error(file, pos, f"flow file not found: {value} (looked for {path})")
            return None
        return _flow_file(path)

    def tags(self, value: Any, pos: Pos, file: str) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        if isinstance(value, YList) and all(isinstance(t, str) for t in value):
            return tuple(value)
        self.type_error(file, pos, "'tags'", "a list of strings", value)
        return ()

    def http(self, value: Any, pos: Pos, file: str) -> tuple[tuple[HttpStub, ...], bool]:
        if value == PASSTHROUGH:
            return (), True
        if not isinstance(value, YList):
            self.type_error(file, pos, "'http'", f"a list of canned answers or '{PASSTHROUGH}'", value)
            return (), False
        stubs = [self.http_entry(item, item_pos, file) for item, item_pos in zip(value, value.item_pos, strict=True)]
        return tuple(s for s in stubs if s is not None), False

    def http_entry(self, value: Any, pos: Pos, file: str) -> HttpStub | None:
        where = "an 'http' entry"
        if not isinstance(value, YMap):
            self.type_error(file, pos, "each item of 'http'", "a mapping with 'request'", value)
            return None
        self.check_keys(file, value, HTTP_ENTRY_KEYS, where)
        if "request" not in value:
            self.error(file, pos, f"missing required key 'request' in {where} (e.g. 'POST {{api_base}}/tickets')")
            return None
        request = self.request(value["request"], value.value_pos["request"], file)
        if request is None:
            return None
        method, url, body = request
        if body is not None and not self.json_value(body, value["request"].value_pos["body"], file, "'body'"):
            return None
        status = value.get("status", 200)
        if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
            self.type_error(file, value.value_pos.get("status", pos), "'status'", "an HTTP status (100-599)", status)
            status = 200
        if "json" in value and "body" in value:
            self.error(file, value.key_pos["body"], f"{where} answers with 'json' or 'body', not both")
        content = b""
        headers: dict[str, str] = {}
        if "json" in value:
            if self.json_value(value["json"], value.value_pos["json"], file, "'json'"):
                content = json.dumps(value["json"], ensure_ascii=False).encode()
            headers["content-type"] = "application/json"
        elif "body" in value:
            body_value = value["body"]
            if not isinstance(body_value, str):
                self.type_error(file, value.value_pos["body"], "'body'", "a string (use 'json' for data)", body_value)
            else:
                content = body_value.encode()
        if "headers" in value:
            raw = value["headers"]
            if isinstance(raw, YMap):
                headers.update(self.headers(raw, file))
            else:
                self.type_error(file, value.value_pos["headers"], "'headers'", "a mapping of names to strings", raw)
        return HttpStub(
            method=method,
            url=url,
            loc=Loc(file, pos.line, pos.column),
            body=body,
            status=status,
            content=content,
            headers=tuple(headers.items()),
        )

    def headers(self, raw: YMap, file: str) -> dict[str, str]:
        """The headers of a canned answer, their names in lower case; what HTTP cannot send is reported."""
        headers: dict[str, str] = {}
        for name, value in raw.items():
            if not isinstance(name, str):
                self.error(file, raw.key_pos[name], f"a header name must be text, not {shown_key(name)}")
                continue
            if not name.strip():
                self.error(file, raw.key_pos[name], "a header name cannot be empty")
                continue
            if (bad := _not_ascii(name)) is not None:
                self.error(
                    file, raw.key_pos[name], f"header name '{name}' may hold only ASCII characters (not '{bad}')"
                )
                continue
            if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
                value = str(value)
            if not isinstance(value, str):
                self.type_error(file, raw.value_pos[name], f"header '{name}'", "text or a number", value)
            elif (bad := _not_ascii(value)) is not None:
                self.error(file, raw.value_pos[name], f"header '{name}' may hold only ASCII characters (not '{bad}')")
            else:
                headers[name.lower()] = value
        return headers

    def request(self, value: Any, pos: Pos, file: str) -> tuple[str, str, Any] | None:
        if isinstance(value, str):
            method, _, url = value.strip().partition(" ")
            if not url:
                method, url = "GET", method
            body = None
        elif isinstance(value, YMap):
            self.check_keys(file, value, REQUEST_KEYS, "'request'")
            method = value.get("method", "GET")
            url = value.get("url")
            body = value.get("body")
            if not isinstance(url, str) or not isinstance(method, str):
                self.error(file, pos, "'request' needs a 'url' (a string) and optionally a 'method'")
                return None
        else:
            self.type_error(file, pos, "'request'", "'METHOD URL' or a mapping", value)
            return None
        method = method.upper()
        if method not in HTTP_METHODS:
            self.error(file, pos, f"unknown HTTP method '{method}' (use one of {', '.join(HTTP_METHODS)})")
            return None
        return method, url.strip(), body

    # --- turns ----------------------------------------------------------------------------------------------

    def turns(self, value: Any, pos: Pos, file: str, folder: str) -> list[Turn]:
        if not isinstance(value, YList):
            self.type_error(file, pos, "'turns'", "a list", value)
            return []
        turns: list[Turn] = []
        for item, item_pos in zip(value, value.item_pos, strict=True):
            if not isinstance(item, YMap) or len(item) != 1:
                self.bad_turn(item, item_pos, file)
                continue
            ((kind, raw),) = item.items()
            reader = _TURN_READERS.get(kind)
            if reader is None:
                if kind == "include":
                    included = self.include(raw, item.value_pos[kind], file, folder)
                    if len(turns) + len(included) <= MAX_INCLUDED_TURNS:
                        turns += included
                    elif not self._too_many_turns:
                        self._too_many_turns = True
                        limit = f"{MAX_INCLUDED_TURNS:,}"
                        message = f"cannot include {raw}: the includes give more than {limit} turns (at most {limit})"
                        self.error(file, item.value_pos[kind], message)
                else:
                    self.unknown_turn(kind, item.key_pos[kind], file)
                continue
            value = reader(self, raw, item.value_pos[kind], file)
            if value is not None:
                written = raw if type(raw) is str else _written(raw)
                turns.append(Turn(kind, value, file, item_pos.line, item_pos.column, written))
        return turns

    def include(self, value: Any, pos: Pos, file: str, folder: str) -> list[Turn]:
        if not isinstance(value, str):
            self.type_error(file, pos, "'include'", "the path of a file of turns", value)
            return []
        if not value.strip():
            self.error(file, pos, "'include' is empty: it must be the path of a file of turns")
            return []
        if "\0" in value:
            self.error(file, pos, "cannot include a path with a NUL character in it")
            return []
        path = Path(os.path.realpath(os.path.join(folder, value)))  # a symbolic link loop is left for the read
        if path in self._including:
            chain = " → ".join(p.name for p in [*self._including, path])
            self.error(file, pos, f"include cycle: {chain}")
            return []
        shown = str(Path(file).parent / value)
        read = self._included.get((path, shown))
        if read is None:
            if len(self._including) >= MAX_INCLUDE_DEPTH:
                self.error(file, pos, f"cannot include {value}: includes nest more than {MAX_INCLUDE_DEPTH} deep here")
                return []
            read = self._included[path, shown] = self.read_included(value, pos, file, path, shown)
        turns, height, keyed = read
        if len(self._including) + height > MAX_INCLUDE_DEPTH:  # read before, where it nested less deep
            self.error(file, pos, f"cannot include {value}: includes nest more than {MAX_INCLUDE_DEPTH} deep here")
            return []
        self._keyed |= keyed
        if self._heights:
            self._heights[-1] = max(self._heights[-1], height)
        return turns

    def read_included(self, value: str, pos: Pos, file: str, path: Path, shown: str) -> tuple[list[Turn], int, bool]:
        """The turns of the file of turns at `path` (`value` as written, `shown` as messages name it), how many levels
        deep its includes go, and whether one of its bot turns names a translation key."""
        try:
            text = _read(str(path))
        except (OSError, UnicodeDecodeError) as exc:
            reason = not_utf8(exc) if isinstance(exc, UnicodeDecodeError) else exc.strerror or str(exc)
            self.error(file, pos, f"cannot include {value}: {reason}")
            return [], 1, False
        documents = self.documents(text, shown)
        if len(documents) != 1:
            self.error(file, pos, f"{value} must hold one YAML document: a list of turns")
            return [], 1, False
        data, data_pos = documents[0]
        if isinstance(data, YMap) and set(data) == {"turns"}:
            data, data_pos = data["turns"], data.value_pos["turns"]
        keyed, self._keyed = self._keyed, False
        self._including.append(path)
        self._heights.append(0)
        try:
            turns = self.turns(data, data_pos, shown, str(path.parent))
            return turns, 1 + self._heights[-1], self._keyed
        finally:
            self._heights.pop()
            self._including.pop()
            self._keyed = self._keyed or keyed

    def bad_turn(self, item: Any, pos: Pos, file: str) -> None:
        """Report a turn that is not a mapping of one key."""
        if isinstance(item, YMap) and len(item) > 1:
            keys = ", ".join(map(shown_key, item))
            self.error(file, pos, f"a turn has one key, like 'user: hello'; this one has {len(item)}: {keys}")
        else:
            self.type_error(file, pos, "each turn", "a mapping with one key, like 'user: hello'", item)

    def unknown_turn(self, kind: Any, pos: Pos, file: str) -> None:
        hint = did_you_mean(kind, (*TURN_KINDS, "include")) or f" (expected one of: {', '.join(TURN_KINDS)})"
        self.error(file, pos, f"unknown turn '{shown_key(kind)}'{hint}")

    def turn_user(self, raw: Any, pos: Pos, file: str) -> str | None:
        if isinstance(raw, str):  # as typed: white space only, or nothing, is what some users send
            return raw
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return str(raw)
        self.type_error(file, pos, "'user'", "the text the user types", raw)
        return None

    def turn_agent(self, raw: Any, pos: Pos, file: str) -> str | None:
        if isinstance(raw, str):
            return raw
        self.type_error(file, pos, "'agent'", "the text the agent says", raw)
        return None

    def turn_click(self, raw: Any, pos: Pos, file: str) -> str | int | None:
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 1:
            return raw
        if isinstance(raw, str) and raw.strip():
            return raw
        self.type_error(file, pos, "'click'", "a button title or number (from 1)", raw)
        return None

    def turn_state(self, raw: Any, pos: Pos, file: str) -> str | None:
        if isinstance(raw, str) and raw:
            return raw
        self.type_error(file, pos, "'state'", "a state name", raw)
        return None

    def turn_silence(self, raw: Any, pos: Pos, file: str) -> float | None:
        if isinstance(raw, int | float) and not isinstance(raw, bool) and raw > 0 and math.isfinite(raw):
            return float(raw)
        positive = "finite" if raw == math.inf else "positive"
        self.type_error(file, pos, "'silence'", f"a {positive} number of seconds without user input", raw)
        return None

    def turn_hand_back(self, raw: Any, pos: Pos, file: str) -> tuple[str | None] | None:
        if raw is None or (isinstance(raw, str) and raw):
            return (raw,)
        self.type_error(file, pos, "'hand_back'", "a state name or null", raw)
        return None

    def turn_offloaded(self, raw: Any, pos: Pos, file: str) -> tuple[bool] | None:
        if isinstance(raw, bool):
            return (raw,)
        self.type_error(file, pos, "'offloaded'", "true or false", raw)
        return None

    def turn_vars(self, raw: Any, pos: Pos, file: str) -> dict[str, Any] | None:
        if not isinstance(raw, YMap) or not raw:
            self.type_error(file, pos, "'vars'", "a mapping of variables to expected values", raw)
            return None
        for key, expected in raw.items():
            if not _is_variable_name(key):
                self.error(file, raw.key_pos[key], f"'{shown_key(key)}' is not a variable name")
                return None
            if not self.json_value(expected, raw.value_pos[key], file, f"'vars': '{key}'", _JSON_VALUE_WORDS):
                return None
        self.regexes(raw, pos, file)
        return dict(raw)

    def turn_contexts(self, raw: Any, pos: Pos, file: str) -> dict[str, int | None] | None:
        if not isinstance(raw, YMap) or not raw:
            expected = "a mapping of contexts to their remaining lifespan (null: not active)"
            self.type_error(file, pos, "'contexts'", expected, raw)
            return None
        for name, lifespan in raw.items():
            if not isinstance(name, str) or not name:
                self.error(file, raw.key_pos[name], f"'{shown_key(name)}' is not a context name")
                return None
            if lifespan is not None and (not isinstance(lifespan, int) or isinstance(lifespan, bool) or lifespan < 1):
                what = f"the lifespan of context '{name}'"
                self.type_error(file, raw.value_pos[name], what, "a positive whole number or null", lifespan)
                return None
        return {str(name): lifespan for name, lifespan in raw.items()}

    def turn_json(self, raw: Any, pos: Pos, file: str) -> Any:
        if raw is None:
            self.error(file, pos, "'json' needs the (part of the) JSON Builder message expected")
            return None
        if not self.json_value(raw, pos, file, "'json'"):
            return None
        self.regexes(raw, pos, file)
        return raw

    def turn_iframe(self, raw: Any, pos: Pos, file: str) -> dict[str, Any] | None:
        if not isinstance(raw, YMap):
            self.type_error(file, pos, "'iframe'", "a message like {type: UPDATE_SESSION, payload: {…}}", raw)
            return None
        if "type" not in raw:
            self.error(file, pos, "'iframe' needs a 'type': SEND_MESSAGE, UPDATE_SESSION or GO_TO_DIALOGSTATE")
            return None
        if not self.json_value(raw, pos, file, "'iframe'"):
            return None
        return {"target": IFRAME_TARGET, **raw}

    def turn_iframe_opened(self, raw: Any, pos: Pos, file: str) -> str | None:
        if isinstance(raw, str) and raw.strip():
            return raw.strip() if self.text_match(raw, pos, file) else None
        self.type_error(file, pos, "'iframe_opened'", "the page's URL (a template) or a /regex/", raw)
        return None

    def turn_error(self, raw: Any, pos: Pos, file: str) -> ErrorExpectation | None:
        if isinstance(raw, str) and raw.strip():
            match = self.text_match(raw, pos, file, "contains")
            return ErrorExpectation(kind=raw, message=match, either=True) if match else None
        if not isinstance(raw, YMap) or not raw:
            self.type_error(file, pos, "'error'", "an error kind, a text, or {kind, message}", raw)
            return None
        self.check_keys(file, raw, ERROR_KEYS, "'error'")
        kind = raw.get("kind")
        message = raw.get("message")
        if kind is not None and not isinstance(kind, str):
            self.type_error(file, raw.value_pos["kind"], "'kind'", "a string", kind)
            return None
        match = None
        if message is not None:
            if not isinstance(message, str):
                self.type_error(file, raw.value_pos["message"], "'message'", "a string or a /regex/", message)
                return None
            match = self.text_match(message, raw.value_pos["message"], file, "contains")
            if match is None:
                return None
        return ErrorExpectation(kind=kind, message=match)

    def turn_bot(self, raw: Any, pos: Pos, file: str) -> BotExpectation | None:
        if isinstance(raw, str):
            if not is_regex(raw):  # most bot turns: a plain text, expected exactly (as `TextMatch.parse` reads it)
                return BotExpectation((TextMatch("exact", fold(raw)),))
            match = self.text_match(raw, pos, file)
            return BotExpectation(texts=(match,)) if match else None
        if not isinstance(raw, YMap) or not raw:
            self.type_error(file, pos, "'bot'", "the expected text, a /regex/ or a mapping", raw)
            return None
        self.check_keys(file, raw, BOT_KEYS, "'bot'")
        before = len(self.problems)
        texts = [
            self.text_match(raw[key], raw.value_pos[key], file, "contains" if key == "contains" else None)
            for key in ("text", "contains")
            if key in raw
        ]
        if "key" in raw:
            texts.append(self.key_match(raw["key"], raw.value_pos["key"], file))
        kind = raw.get("type")
        if kind is not None and kind not in MESSAGE_TYPES:
            self.error(file, raw.value_pos["type"], f"'type' must be one of {', '.join(MESSAGE_TYPES)}")
        buttons = self.titles(raw, "buttons", file)
        replies = self.titles(raw, "quick_replies", file)
        cards: tuple[Any, ...] = ()
        if "card" in raw:
            card = raw["card"]
            cards = tuple(card) if isinstance(card, YList) else (card,)
            if not all(isinstance(c, YMap) for c in cards):
                self.type_error(file, raw.value_pos["card"], "'card'", "a mapping (or a list of them)", card)
        for key in ("card", "media", "image"):
            if key in raw:
                self.json_value(raw[key], raw.value_pos[key], file, f"'{key}'")
        media = raw.get("media")
        if "image" in raw:
            media = {"type": "image", "url": raw["image"]}
        html = self.text_match(raw["html"], raw.value_pos["html"], file) if "html" in raw else None
        negated: tuple[BotExpectation, ...] = ()
        if "not" in raw:
            inner = self.turn_bot(raw["not"], raw.value_pos["not"], file)
            negated = (inner,) if inner else ()
        if len(self.problems) > before:
            return None
        return BotExpectation(
            texts=tuple(t for t in texts if t is not None),
            type=kind,
            buttons=buttons,
            quick_replies=replies,
            cards=cards,
            media=media,
            html=html,
            negated=negated,
        )

    def titles(self, m: YMap, key: str, file: str) -> tuple[str, ...] | None:
        if key not in m:
            return None
        value = m[key]
        if isinstance(value, YList) and all(isinstance(t, str | int) and not isinstance(t, bool) for t in value):
            return tuple(str(t) for t in value)
        self.type_error(file, m.value_pos[key], f"'{key}'", "a list of titles", value)
        return None

    def text_match(self, raw: Any, pos: Pos, file: str, mode: Literal["contains"] | None = None) -> TextMatch | None:
        if not isinstance(raw, str):
            self.type_error(file, pos, "the expected text", "a string", raw)
            return None
        try:
            return TextMatch.parse(raw, mode)
        except re.error as exc:
            self.error(file, pos, f"invalid regular expression {raw}: {exc}")
            return None

    def key_match(self, raw: Any, pos: Pos, file: str) -> TextMatch | None:
        if not isinstance(raw, str) or not raw.strip():
            self.type_error(file, pos, "'key'", "a translation key, like ask_date.ask[0]", raw)
            return None
        self._keyed = True
        return TextMatch("key", raw.strip())

    def regexes(self, value: Any, pos: Pos, file: str) -> None:
        """Report bad `/regex/` strings inside an expected value."""
        if isinstance(value, str) and is_regex(value):
            try:
                compile_pattern(value[1:-1])
            except re.error as exc:
                self.error(file, pos, f"invalid regular expression {value}: {exc}")
        elif isinstance(value, YMap):
            for key, child in value.items():
                self.regexes(child, value.value_pos[key], file)
        elif isinstance(value, YList):
            for child, child_pos in zip(value, value.item_pos, strict=True):
                self.regexes(child, child_pos, file)


_TURN_READERS: dict[Any, Callable[[_Reader, Any, Pos, str], Any]] = {
    kind: getattr(_Reader, f"turn_{kind}") for kind in TURN_KINDS
}
