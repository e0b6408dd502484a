"""A fast reader for the plain block YAML that convo files are mostly written in, giving what `load_yaml` gives.

Most convo files use a small part of YAML: block mappings and lists, scalars on one line (plain, 'single' or
"double" quoted without escapes) and comments. `load_block_yaml` reads exactly that part with string
operations, without PyYAML's node tree and constructor, and gives the same `Document` as
`workbench.flow.yaml_source.load_yaml`: the same values (`yes`/`no` stay strings) and the same position of every
key, value and item (start, end and style). Anything else (flow collections, block scalars, anchors, aliases,
tags, escapes, a scalar over several lines, a quoted or very long key, a duplicate key, text that is not valid
YAML) gives None: the caller then loads the text with `load_yaml`, which reports any problem where it is.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from workbench.flow.yaml_source import MAX_NUMBER_CHARACTERS, Document, Pos, YList, YMap, plain_scalar_tag

# Tabs, carriage returns, YAML's other line breaks, a byte order mark and characters YAML does not allow.
_OUTSIDE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_NOT_PLAIN_START = frozenset("[]{},#&*!|>'\"%@`:")
_INDICATORS = frozenset("-?")  # start a plain scalar only when a non-space follows
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]+")
_STR, _NULL, _BOOL, _INT, _FLOAT_TAG = (f"tag:yaml.org,2002:{name}" for name in ("str", "null", "bool", "int", "float"))
_MAX_KEY = 1000  # YAML's simple keys end within 1024 characters
_new = tuple.__new__  # builds a NamedTuple without its Python-level __new__ (this runs for every node)


class _NotBlockYaml(Exception):
    """The text leaves the subset this module reads."""


# One line: its indentation, an entry's dash, a plain key and its colon, and the rest (a scalar or a comment).
_LINE = re.compile(r"( *)(?:(-)(?: +|$))?(?:([^ #'\"\[\]{},&*!|>%@`:?-][^#]*?|[?-][^ #][^#]*?) *(:)(?: +|$))?(.*)")


class _Line(NamedTuple):
    """What `_LINE` found on a line with content; columns are 0-based."""

    index: int
    indent: int
    entry: bool
    key: str | None
    key_column: int
    after_colon: int
    rest: str
    rest_column: int


def load_block_yaml(text: str) -> Document | None:
    """The document `load_yaml(text)` gives when `text` is within the plain block subset, else None."""
    if _OUTSIDE.search(text):
        return None
    try:
        return _Reader(text).document()
    except _NotBlockYaml:
        return None


class _Reader:
    """One pass over the lines of a document; `self.at` indexes the next unread line with content."""

    def __init__(self, text: str) -> None:
        lines = text.split("\n")
        self.content: list[_Line] = []  # the lines that are not blank or a comment
        for index, line in enumerate(lines):
            m = _LINE.match(line)
            assert m is not None  # every line matches
            indent, dash, key, _, rest = m.groups()
            if dash or key is not None or (rest and rest[0] != "#"):
                self.content.append(
                    _new(_Line, (index, len(indent), bool(dash), key, m.start(3), m.end(4), rest, m.start(5)))
                )
        self.at = 0
        self.last = (len(lines) - 1, len(lines[-1]))  # where the text ends

    def document(self) -> Document:
        if not self.content:
            return Document(None, None, [])
        value, pos = self.node(self.content[0].indent)
        if self.at != len(self.content) or not isinstance(value, YMap | YList):
            raise _NotBlockYaml
        return Document(value, pos, [])

    def end_of(self, column: int) -> tuple[int, int]:
        """Where the collection at `column` ends, 0-based, as libyaml marks it: where the next token starts.

        At the end of the text, libyaml first closes the collections indented deeper than the last line's end,
        then moves to the start of the next line (unless it is at a line's start) and closes the others there.
        """
        if self.at < len(self.content):
            line = self.content[self.at]
            return line.index, line.indent
        index, end = self.last
        return self.last if column > end or end == 0 else (index + 1, 0)

    def node(self, column: int) -> tuple[Any, Pos]:
        """The node that starts at `column` of the current line."""
        line = self.content[self.at]
        if line.entry and column == line.indent:
            return self.sequence(column)
        if line.key is not None and column == line.key_column:
            return self.mapping(column)
        self.at += 1
        return _scalar(line.rest, line.index, column)

    def mapping(self, column: int) -> tuple[YMap, Pos]:
        first = self.content[self.at].index
        data = YMap()
        while True:
            index, _, _, text, key_column, after, rest, rest_column = self.content[self.at]
            if text is None or key_column != column or len(text) > _MAX_KEY:
                raise _NotBlockYaml
            key = _plain(text)
            if key in data:
                raise _NotBlockYaml
            data.key_pos[key] = _new(Pos, (index + 1, column + 1, index + 1, column + len(text) + 1, ""))
            if rest and rest[0] != "#":
                self.at += 1
                data[key], data.value_pos[key] = _scalar(rest, index, rest_column)
            else:
                data[key], data.value_pos[key] = self.below(index, after, column, block=True)
            if not self.continues(column):
                break
        end_line, end_column = self.end_of(column)
        return data, _new(Pos, (first + 1, column + 1, end_line + 1, end_column + 1, None))

    def sequence(self, column: int) -> tuple[YList, Pos]:
        first = self.content[self.at].index
        data = YList()
        while True:
            index, indent, entry, key, key_column, _, rest, rest_column = self.content[self.at]
            if not entry or indent != column:
                break
            if key is not None:
                item, pos = self.mapping(key_column)
            elif rest and rest[0] != "#":
                self.at += 1
                item, pos = _scalar(rest, index, rest_column)
            else:
                item, pos = self.below(index, column + 1, column, block=False)
            data.append(item)
            data.item_pos.append(pos)
            if not self.continues(column):
                break
        end_line, end_column = self.end_of(column)
        return data, _new(Pos, (first + 1, column + 1, end_line + 1, end_column + 1, None))

    def continues(self, column: int) -> bool:
        """Whether the collection at `column` goes on at the next line (deeper lines left over are not read)."""
        if self.at == len(self.content):
            return False
        indent = self.content[self.at].indent
        if indent > column:
            raise _NotBlockYaml  # a scalar going on over several lines, or an error
        return indent == column

    def below(self, index: int, after: int, column: int, block: bool) -> tuple[Any, Pos]:
        """The value of a key or entry at `column` whose line ends at `after`: the node indented below, or null.

        `block` says whether the owner is a mapping key, under which a list may start at `column` too.
        """
        self.at += 1
        if self.at < len(self.content):
            line = self.content[self.at]
            if line.indent > column or (block and line.indent == column and line.entry):
                return self.node(line.indent)
        return None, _new(Pos, (index + 1, after + 1, index + 1, after + 1, ""))


def _scalar(text: str, index: int, column: int) -> tuple[Any, Pos]:
    """The scalar written as `text` (line `index` from `column` on); a comment may follow it."""
    first = text[0]
    if first == "'":
        close = text.find("'", 1)
        while close != -1 and text.startswith("'", close + 1):
            close = text.find("'", close + 2)
        value: Any = text[1:close].replace("''", "'")
        style = "'"
    elif first == '"':
        close = text.find('"', 1)
        value = text[1:close]
        style = '"'
        if "\\" in value:
            raise _NotBlockYaml
    else:
        comment = text.find(" #")
        text = (text[:comment] if comment != -1 else text).rstrip(" ")
        if first in _NOT_PLAIN_START or (first in _INDICATORS and text[1:2] in ("", " ")) or ": " in text:
            raise _NotBlockYaml
        if text[-1] == ":":
            raise _NotBlockYaml
        return _plain(text), _new(Pos, (index + 1, column + 1, index + 1, column + len(text) + 1, ""))
    if close == -1:
        raise _NotBlockYaml  # a quoted scalar going on over several lines
    after = text[close + 1 :]
    tail = after.lstrip(" ")
    if tail and (tail[0] != "#" or tail == after):
        raise _NotBlockYaml  # a quoted key, or something after the closing quote
    return value, _new(Pos, (index + 1, column + 1, index + 1, column + close + 2, style))


def _plain(text: str) -> Any:
    """The value of a plain scalar, resolved as `load_yaml` resolves it (kept for the next time: keys and many
    values come back in every file)."""
    value = _PLAIN.get(text, _UNKNOWN)
    if value is _UNKNOWN:
        value = _resolve(text)
        if len(_PLAIN) < _KEPT_PLAIN:
            _PLAIN[text] = value
    return value


_UNKNOWN = object()
_KEPT_PLAIN = 10_000
_PLAIN: dict[str, Any] = {}


def _resolve(text: str) -> Any:
    tag = plain_scalar_tag(text)
    if tag == _STR:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return text[0] in "tT"
    if tag == _INT and len(text) <= MAX_NUMBER_CHARACTERS and _DECIMAL.fullmatch(text):
        return int(text)
    if tag == _FLOAT_TAG and _FLOAT.fullmatch(text):
        return float(text)
    raise _NotBlockYaml  # merge keys, numbers in YAML 1.1's other notations
