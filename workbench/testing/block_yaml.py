"""A fast reader for the plain block YAML that convo files are mostly written in, giving what `load_yaml` gives.

Most convo files use a small part of YAML: block mappings and lists, scalars on one line (plain, 'single' or
"double" quoted without escapes) and comments. `load_block_yaml` reads exactly that part with string
operations, without PyYAML's node tree and constructor, and gives the same `Document` as
`workbench.flow.yaml_source.load_yaml`: the same values (`yes`/`no` stay strings) and the same position of every
key, value and item (start, end and style). Anything else (flow collections, block scalars, anchors, aliases,
tags, escapes, a scalar over several lines, a quoted or very long key, a duplicate key, nesting deeper than
`MAX_DEPTH`, text that is not valid YAML) gives None: the caller then loads the text with `load_yaml`, which
reports any problem where it is.
"""

from __future__ import annotations

import re
from typing import Any

from workbench.flow.yaml_source import (
    MAX_DEPTH,
    MAX_NUMBER_CHARACTERS,
    PLAIN_TAGGED_STARTS,
    Document,
    Pos,
    YList,
    YMap,
    plain_scalar_tag,
)

# Tabs, carriage returns, YAML's other line breaks, a byte order mark and characters YAML does not allow.
_OUTSIDE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_NOT_PLAIN_START = frozenset("[]{},#&*!|>'\"%@`:")
_INDICATORS = frozenset("-?")  # start a plain scalar only when a non-space follows
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?[0-9]+\.[0-9]+")
_STR, _NULL, _BOOL, _INT, _FLOAT_TAG = (f"tag:yaml.org,2002:{name}" for name in ("str", "null", "bool", "int", "float"))
_MAX_KEY = 1000  # YAML's simple keys end within 1024 characters


class _NotBlockYaml(Exception):
    """The text leaves the subset this module reads."""


# Every line of the text, in one pass (`findall` gives exactly one match per line, an empty one for an empty line):
# its indentation; an entry's dash with the spaces after it; a plain key, the spaces and colon after it and the
# spaces after those (a key that starts with `-` or `?` and a colon, such as `-:x`, is left to PyYAML); and the rest
# (a scalar or a comment). An optional part is written `(…|)`, not `(…)?`: the same match, which `re` finds with a
# fifth fewer steps. A key runs to the first colon (after any spaces) that a space or the line's end follows: taken
# at once (possessively), without trying a character at a time whether the key ends there.
_KEY = r"(?:[^ #'\"\[\]{},&*!|>%@`:?\n-]|[?-][^ #\n:])[^#\n :]*+(?:(?::(?! |$)|(?> +)(?!:(?: |$)))[^#\n :]*+)*+"
_LINES = re.compile(rf"^( *)(-(?: +|$)|)(?:({_KEY})( *:)( +|$)|)(.*)$", re.MULTILINE)


def load_block_yaml(text: str) -> Document | None:
    """The document `load_yaml(text)` gives when `text` is within the plain block subset, else None."""
    if not _plain_ascii(text) and _OUTSIDE.search(text):
        return None
    try:
        return _Reader(text).document()
    except _NotBlockYaml:
        return None


def _plain_ascii(text: str) -> bool:
    """Whether `text` is ASCII without control characters other than new lines (a quicker check than `_OUTSIDE`)."""
    return text.isascii() and not text.encode("ascii").translate(None, _PLAIN_ASCII)


_PLAIN_ASCII = bytes([ord("\n"), *range(0x20, 0x7F)])


class _Reader:
    """One pass over the lines of a document; `self.at` indexes the next unread line with content.

    Each line with content is a tuple: its line number (from 1), the column (from 1) of its first character, its
    dash and the spaces after it (empty when it is no list entry), its plain key (None without one), the column where
    the key (or what follows the entry's dash) starts, the column just after the key's colon, the rest of the line
    and the column where the rest starts.
    """

    __slots__ = ("at", "content", "depth", "last")

    def __init__(self, text: str) -> None:
        content = []
        append = content.append
        line = 0
        for line, (indent, dash, key, colon, spaces, rest) in enumerate(_LINES.findall(text), 1):
            if key:
                start = len(indent) + 1
                column = start + len(dash)
                after = column + len(key) + len(colon)
                append((line, start, dash, key, column, after, rest, after + len(spaces)))
            elif dash or (rest and rest[0] != "#"):
                start = len(indent) + 1
                column = start + len(dash)
                append((line, start, dash, None, column, column, rest, column))
        self.content = content
        self.at = 0
        self.depth = 0  # of the list or mapping being read
        self.last = (line, len(text) - text.rfind("\n"))  # where the text ends (its last line and column, from 1)

    def document(self) -> Document:
        if not self.content:
            return Document(None, None, [])
        value, pos = self.node(self.content[0][1])
        if self.at != len(self.content) or not isinstance(value, YMap | YList):
            raise _NotBlockYaml
        return Document(value, pos, [])

    def end_of_text(self, column: int) -> tuple[int, int]:
        """Where the collection at `column` ends when the text does, as libyaml marks it (elsewhere a collection ends
        where the next token starts: at the next line with content).

        libyaml first closes the collections indented deeper than the last line's end, then moves to the start of
        the next line (unless it is at a line's start) and closes the others there.
        """
        line, end = self.last
        return self.last if column > end or end == 1 else (line + 1, 1)

    def node(self, column: int) -> tuple[Any, Pos]:
        """The node that starts at `column` of the current line."""
        line, indent, entry, key, key_column, _, rest, _ = self.content[self.at]
        if entry and column == indent:
            return self.sequence(column)
        if key is not None and column == key_column:
            return self.mapping(column)
        self.at += 1
        return _scalar(rest, line, column)

    def enter(self) -> None:
        """Go one list or mapping deeper; too deep is left to `load_yaml`, which says where."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _NotBlockYaml

    def mapping(self, column: int) -> tuple[YMap, Pos]:
        self.enter()
        content = self.content
        count = len(content)
        at = self.at
        first = content[at][0]
        data = dict.__new__(YMap)  # without YMap's Python-level `__init__` (this runs for every mapping)
        data.key_pos = key_pos = {}
        data.value_pos = value_pos = {}
        while True:
            line, _, _, text, key_column, after, rest, rest_column = content[at]
            if text is None or key_column != column:
                raise _NotBlockYaml
            size = len(text)
            if size > _MAX_KEY:
                raise _NotBlockYaml
            key = _PLAIN.get(text, _UNKNOWN)
            if key is _UNKNOWN:
                key = _plain(text)
            if key in data:
                raise _NotBlockYaml
            key_pos[key] = _POSITIONS[line, column, line, column + size, ""]
            if rest and rest[0] != "#":
                at += 1
                data[key], value_pos[key] = _scalar(rest, line, rest_column)
            else:
                self.at = at
                data[key], value_pos[key] = self.below(line, after, column, block=True)
                at = self.at
            if at == count:
                break
            indent = content[at][1]
            if indent != column:
                if indent > column:
                    raise _NotBlockYaml  # a scalar going on over several lines, or an error
                break
        self.at = at
        self.depth -= 1
        end_line, end_column = content[at][:2] if at < count else self.end_of_text(column)
        return data, _POSITIONS[first, column, end_line, end_column, None]

    def sequence(self, column: int) -> tuple[YList, Pos]:
        self.enter()
        content = self.content
        count = len(content)
        at = self.at
        first = content[at][0]
        data = list.__new__(YList)  # as `mapping` makes a mapping
        data.item_pos = item_pos = []
        shallow = self.depth < MAX_DEPTH  # an entry's mapping is one level deeper
        while True:
            line, indent, entry, key, key_column, _, rest, rest_column = content[at]
            if not entry or indent != column:
                break
            if key is None:
                if rest and rest[0] != "#":
                    at += 1
                    item, pos = _scalar(rest, line, rest_column)
                else:
                    self.at = at
                    item, pos = self.below(line, column + 1, column, block=False)
                    at = self.at
            else:
                at += 1
                following = content[at] if at < count else None
                # most entries (`- user: hi`): one key and its scalar, no line below at the key's column or deeper;
                # their mapping made here as `mapping` makes it, a call less for each
                if (
                    (following is None or following[1] < key_column)
                    and rest
                    and rest[0] != "#"
                    and shallow
                    and len(key) <= _MAX_KEY
                ):
                    name = _PLAIN.get(key, _UNKNOWN)
                    if name is _UNKNOWN:
                        name = _plain(key)
                    item = dict.__new__(YMap)
                    item[name], value_pos = _scalar(rest, line, rest_column)
                    item.key_pos = {name: _POSITIONS[line, key_column, line, key_column + len(key), ""]}
                    item.value_pos = {name: value_pos}
                    end_line, end_column = following[:2] if following else self.end_of_text(key_column)
                    pos = _POSITIONS[line, key_column, end_line, end_column, None]
                else:
                    self.at = at - 1
                    item, pos = self.mapping(key_column)
                    at = self.at
            data.append(item)
            item_pos.append(pos)
            if at == count:
                break
            indent = content[at][1]
            if indent != column:
                if indent > column:
                    raise _NotBlockYaml  # a scalar going on over several lines, or an error
                break
        self.at = at
        self.depth -= 1
        end_line, end_column = content[at][:2] if at < count else self.end_of_text(column)
        return data, _POSITIONS[first, column, end_line, end_column, None]

    def below(self, line: int, after: int, column: int, block: bool) -> tuple[Any, Pos]:
        """The value of a key or entry at `column` whose line ends at `after`: the node indented below, or null.

        `block` says whether the owner is a mapping key, under which a list may start at `column` too.
        """
        self.at += 1
        if self.at < len(self.content):
            _, indent, entry, *_ = self.content[self.at]
            if indent > column or (block and indent == column and entry):
                return self.node(indent)
        return None, _POSITIONS[line, after, line, after, ""]


def _scalar(text: str, line: int, column: int) -> tuple[Any, Pos]:
    """The scalar written as `text` (on `line` from `column` on); a comment may follow it."""
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
        if first in PLAIN_TAGGED_STARTS:
            value = _PLAIN.get(text, _UNKNOWN)
            if value is _UNKNOWN:
                value = _plain(text)
        else:  # a string, whatever follows (most user texts)
            value = text
        return value, _POSITIONS[line, column, line, column + len(text), ""]
    if close == -1:
        raise _NotBlockYaml  # a quoted scalar going on over several lines
    after = text[close + 1 :]
    if after:
        tail = after.lstrip(" ")
        if tail and (tail[0] != "#" or tail == after):
            raise _NotBlockYaml  # a quoted key, or something after the closing quote
    return value, _POSITIONS[line, column, line, column + close + 1, style]


class _Positions(dict[tuple[int, int, int, int, str | None], Pos]):
    """The `Pos` of each position (start, end, style) met, made once: the same positions come back in file after
    file, and finding one costs less than making it (this runs for every key, value and node)."""

    __slots__ = ()

    def __missing__(self, position: tuple[int, int, int, int, str | None]) -> Pos:
        pos = tuple.__new__(Pos, position)  # without the NamedTuple's Python-level __new__
        if len(self) < _KEPT_POSITIONS:
            self[pos] = pos
        return pos


_KEPT_POSITIONS = 10_000
_POSITIONS = _Positions()


def _plain(text: str) -> Any:
    """The value of a plain scalar, resolved as `load_yaml` resolves it (kept for the next time: keys and many
    values come back in every file; the callers look in `_PLAIN` first)."""
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
