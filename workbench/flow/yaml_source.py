"""YAML loading that keeps the position of every mapping key and value, and every list item.

Mappings load as `YMap` (a dict) and lists as `YList` (a list); they carry the positions of their children in
side tables, so scalars stay plain Python values. Lines and columns count from 1.

The YAML 1.1 quirks that hurt chatbot flows are switched off: `yes`, `no`, `on`, `off` (any case) are
strings (only `true`/`false` are booleans), so states and answers named `yes` and `no` keep their names;
and dates such as `2024-05-01` stay strings, so every loaded value is JSON-compatible.

What a file can make the workbench hold is bounded by its text: aliases may add at most `MAX_ALIASED_VALUES`
values in all (`MAX_ALIASES` aliases), so an alias bomb ("billion laughs") is refused at the alias that crosses
the line; a whole number may be at most `MAX_NUMBER_CHARACTERS` characters long; lists and mappings may be nested
at most `MAX_DEPTH` levels deep (deeper values would exhaust Python's recursion wherever they are copied or written);
and a value may not hold itself (an alias inside its own anchor, as in `&a [*a]`), which nothing could copy or write.

A value its tag cannot be made from (`0x_`, `!!int x`, `!!timestamp 2024-13-45`, `!!seq a`) is refused at its
position like any other YAML error, in YAML's words.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Hashable, Iterator
from typing import Any, ClassVar, NamedTuple

import yaml

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_STR_TAG = "tag:yaml.org,2002:str"
_YAML_TAG = "tag:yaml.org,2002:"
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
MAX_ALIASES = 10_000
MAX_ALIASED_VALUES = 100_000
"""How many values (scalars, lists, mappings) all the aliases of a file may repeat, counting each alias as
everything its anchor holds."""
MAX_NUMBER_CHARACTERS = 100
MAX_DEPTH = 100
"""How many levels deep lists and mappings may be nested in a file, the top-level one counting as the first."""


def split_lines(text: str) -> list[str]:
    """The lines of `text` as YAML counts them (so that line N of a position is item N-1)."""
    return _LINE_BREAK.split(text)


class Pos(NamedTuple):
    """Where a YAML node is: start and end line and column (from 1), and a scalar's style ('' when plain)."""

    line: int
    column: int
    end_line: int
    end_column: int
    style: str | None = None


class YMap(dict[Any, Any]):
    """A YAML mapping that knows where each of its keys and values is."""

    __slots__ = ("key_pos", "value_pos")

    def __init__(self) -> None:
        super().__init__()
        self.key_pos: dict[Any, Pos] = {}
        self.value_pos: dict[Any, Pos] = {}


class YList(list[Any]):
    """A YAML sequence that knows where each of its items is."""

    __slots__ = ("item_pos",)

    def __init__(self) -> None:
        super().__init__()
        self.item_pos: list[Pos] = []


class YamlSyntaxError(Exception):
    """YAML that cannot be read, with the position of the trouble (from 1)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class Duplicate(NamedTuple):
    """A mapping key given twice: where the second one is, and the line of the first."""

    key: Any
    pos: Pos
    first_line: int


def _pos(node: yaml.Node) -> Pos:
    start, end = node.start_mark, node.end_mark
    style = node.style if isinstance(node, yaml.ScalarNode) else None
    return Pos(start.line + 1, start.column + 1, end.line + 1, end.column + 1, style)


class _PositionLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The fast (C, when available) safe loader, building `YMap`/`YList` and noting duplicate keys."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL_TAG, _TIMESTAMP_TAG)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[Duplicate] = []

    def construct_ymap(self, node: yaml.MappingNode) -> Iterator[YMap]:
        """Build a mapping, recording the position of every key and value."""
        if not isinstance(node, yaml.MappingNode):
            raise _wrong_kind(node)
        data = YMap()
        yield data
        own = len(node.value)
        if any(key.tag == _MERGE_TAG for key, _ in node.value):
            own -= sum(1 for key, _ in node.value if key.tag == _MERGE_TAG)
            self.flatten_mapping(node)
        merged = len(node.value) - own
        seen: dict[Any, int] = {}
        for index, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=False)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    None, None, "found a list or mapping used as a key", key_node.start_mark
                )
            key_pos = _pos(key_node)
            if index >= merged:
                if key in seen:
                    self.duplicates.append(Duplicate(key, key_pos, seen[key]))
                else:
                    seen[key] = key_pos.line
            data[key] = self.construct_object(value_node, deep=False)
            data.key_pos[key] = key_pos
            data.value_pos[key] = _pos(value_node)

    def construct_ylist(self, node: yaml.SequenceNode) -> Iterator[YList]:
        """Build a list, recording the position of every item."""
        if not isinstance(node, yaml.SequenceNode):
            raise _wrong_kind(node)
        data = YList()
        yield data
        for child in node.value:
            data.append(self.construct_object(child, deep=False))
            data.item_pos.append(_pos(child))

    def construct_bounded_int(self, node: yaml.ScalarNode) -> int:
        """A whole number, refused when it is too long to be meant (Python would reject or take long over it)."""
        text = str(node.value)
        if len(text) > MAX_NUMBER_CHARACTERS:
            problem = f"a whole number of {len(text)} characters is too long (at most {MAX_NUMBER_CHARACTERS})"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
        return int(self.construct_yaml_int(node))

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Build any node; one its tag cannot be made from is refused at its position, in YAML's words (the
        constructors of PyYAML's tags fail on such values with whatever Python error their code meets)."""
        try:
            return _construct_object(self, node, deep)  # as a function: this runs for every node
        except yaml.constructor.ConstructorError:
            wanted = _WANTED.get(node.tag)
            if wanted is None or isinstance(node, wanted[0]):
                raise
            raise _wrong_kind(node) from None  # PyYAML's "expected a scalar node, but found sequence"
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
            if not isinstance(node, yaml.ScalarNode):
                raise  # not a value of this node's own: a bug, which the callers report as one
            raise yaml.constructor.ConstructorError(None, None, _unreadable(node), node.start_mark) from None


_construct_object = _BaseLoader.construct_object


_PositionLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_PositionLoader.add_constructor("tag:yaml.org,2002:map", _PositionLoader.construct_ymap)
_PositionLoader.add_constructor("tag:yaml.org,2002:seq", _PositionLoader.construct_ylist)
_PositionLoader.add_constructor("tag:yaml.org,2002:int", _PositionLoader.construct_bounded_int)


def _kind_checked(construct: Any, kind: type[yaml.Node]) -> Any:
    """`construct` (one of PyYAML's, building its value after it has handed it out) refusing a node not of `kind`
    before it starts, where `construct_object` is still at that node."""

    def checked(loader: _PositionLoader, node: yaml.Node) -> Any:
        if not isinstance(node, kind):
            raise _wrong_kind(node)
        return construct(loader, node)

    return checked


def _add_kind_checked(tag: str, kind: type[yaml.Node]) -> None:
    _PositionLoader.add_constructor(tag, _kind_checked(_BaseLoader.yaml_constructors[tag], kind))


_add_kind_checked("tag:yaml.org,2002:omap", yaml.SequenceNode)
_add_kind_checked("tag:yaml.org,2002:pairs", yaml.SequenceNode)
_add_kind_checked("tag:yaml.org,2002:set", yaml.MappingNode)


_WANTED: dict[str, tuple[type[yaml.Node], str]] = {
    _YAML_TAG + "int": (yaml.ScalarNode, "a whole number"),
    _YAML_TAG + "float": (yaml.ScalarNode, "a number"),
    _YAML_TAG + "bool": (yaml.ScalarNode, "true or false"),
    _YAML_TAG + "null": (yaml.ScalarNode, "null"),
    _YAML_TAG + "timestamp": (yaml.ScalarNode, "a date"),
    _YAML_TAG + "binary": (yaml.ScalarNode, "base64 text"),
    _STR_TAG: (yaml.ScalarNode, "a string"),
    _YAML_TAG + "seq": (yaml.SequenceNode, "a list"),
    _YAML_TAG + "omap": (yaml.SequenceNode, "a list"),
    _YAML_TAG + "pairs": (yaml.SequenceNode, "a list"),
    _YAML_TAG + "map": (yaml.MappingNode, "a mapping"),
    _YAML_TAG + "set": (yaml.MappingNode, "a mapping"),
}
"""What each of YAML's tags is made from: the kind of node, and how a message calls the value it needs."""
_SCALAR_KINDS = {_YAML_TAG + "int": "a number", _YAML_TAG + "float": "a number", _BOOL_TAG: "a boolean"}
_SHOWN_CHARACTERS = 40


def _tag_name(tag: str) -> str:
    """A tag as a YAML file writes it: `!!int` for YAML's own, any other as it is."""
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


def _node_kind(node: yaml.Node) -> str:
    """What a node is, in the words of the messages: a list, a mapping, or the kind its text would be."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if node.style:
        return "a string"
    tag = plain_scalar_tag(str(node.value))
    return "null" if tag == _YAML_TAG + "null" else _SCALAR_KINDS.get(tag, "a string")


def _wrong_kind(node: yaml.Node) -> yaml.constructor.ConstructorError:
    """The error of a tag given a node of the wrong kind, such as `!!seq a`."""
    needs = _WANTED[node.tag][1] if node.tag in _WANTED else "another kind of value"
    problem = f"{_tag_name(node.tag)} needs {needs}, not {_node_kind(node)}"
    return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


def _unreadable(node: yaml.ScalarNode) -> str:
    """Why a scalar's tag cannot make a value of its text: a plain one YAML took for a number, or a tagged one."""
    text = str(node.value)
    shown = f"'{text}'" if len(text) <= _SHOWN_CHARACTERS else f"'{text[:_SHOWN_CHARACTERS]}…'"
    if not node.style and plain_scalar_tag(text) == node.tag:
        return f"{shown} is not a number YAML can read (quote it to keep it as text)"
    wanted = _WANTED.get(node.tag)
    if wanted is None:
        return f"{_tag_name(node.tag)} {shown} cannot be read"
    return f"{_tag_name(node.tag)} {shown} is not {wanted[1]}"


PLAIN_TAGGED_STARTS: frozenset[str] = frozenset(_PositionLoader.yaml_implicit_resolvers)
"""The first characters of the plain scalars `plain_scalar_tag` tries a pattern on (it has none for any character):
a plain scalar that starts with another character is a string."""


def plain_scalar_tag(text: str) -> str:
    """The tag `load_yaml` resolves a plain (unquoted) scalar written as `text` to, e.g. `tag:yaml.org,2002:int`."""
    table = _PositionLoader.yaml_implicit_resolvers
    for resolvers in (table.get(text[:1]), table.get(None)):
        for tag, regexp in resolvers or ():
            if regexp.match(text):
                return tag
    return _STR_TAG


def _check_aliases(text: str) -> None:
    """Raise `YamlSyntaxError` at the alias that makes the aliases repeat too much (see the module docstring), or
    at an alias inside the list or mapping its anchor names (a value that would hold itself).

    Read from the event stream, where every alias still has its own position and each anchor's size is known
    once its node ends.
    """
    sizes: dict[str, int] = {}
    open_nodes: list[list[Any]] = []  # [anchor, values so far] of each list or mapping being read
    open_anchors: set[str] = set()  # the anchors of those (an anchor names one node: PyYAML refuses a second)
    aliases = repeated = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            open_nodes.append([event.anchor, 1])
            if event.anchor:
                open_anchors.add(event.anchor)
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = open_nodes.pop()
            open_anchors.discard(anchor)
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor in open_anchors:
                raise _holds_itself(event)
            anchor, size = None, sizes.get(event.anchor, 1)
            aliases += 1
            repeated += size
            if aliases > MAX_ALIASES or repeated > MAX_ALIASED_VALUES:
                raise _too_many(event, aliases, repeated)
        else:
            continue
        if anchor:
            sizes[anchor] = size
        if open_nodes:
            open_nodes[-1][1] += size


def _check_depth(root: yaml.Node) -> None:
    """Raise `YamlSyntaxError` at the first list or mapping nested deeper than `MAX_DEPTH`, aliases expanded.

    Each list and mapping's height (how many levels it holds) is worked out once, bottom up, without recursion;
    a node that holds itself (a recursive alias) counts nothing in itself: `_check_aliases` has refused it before.
    """
    heights: dict[int, int] = {}
    todo: list[tuple[yaml.Node, bool]] = [(root, False)]
    while todo:
        node, children_done = todo.pop()
        if children_done:
            heights[id(node)] = 1 + max((heights.get(id(child), 0) for child in _children(node)), default=0)
        elif id(node) not in heights and not isinstance(node, yaml.ScalarNode):
            heights[id(node)] = 0  # being walked
            todo.append((node, True))
            todo.extend((child, False) for child in _children(node))
    if heights.get(id(root), 0) <= MAX_DEPTH:
        return
    node = root
    for _ in range(MAX_DEPTH):
        node = max(_children(node), key=lambda child: heights.get(id(child), 0))
    message = f"lists and mappings are nested more than {MAX_DEPTH} levels deep here (at most {MAX_DEPTH})"
    raise YamlSyntaxError(message, node.start_mark.line + 1, node.start_mark.column + 1)


def _children(node: yaml.Node) -> list[yaml.Node]:
    """The values of a list or mapping node (a mapping's keys are scalars: the loader refuses any other)."""
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return [value for _, value in node.value]


def _holds_itself(alias: yaml.AliasEvent) -> YamlSyntaxError:
    message = (
        f"this value holds itself (alias *{alias.anchor} inside &{alias.anchor}); YAML that refers to itself cannot "
        "be a flow's or a test's value"
    )
    return YamlSyntaxError(message, alias.start_mark.line + 1, alias.start_mark.column + 1)


def _too_many(alias: yaml.AliasEvent, aliases: int, repeated: int) -> YamlSyntaxError:
    if aliases > MAX_ALIASES:
        message = f"the alias *{alias.anchor} is one alias too many (a file may have {MAX_ALIASES})"
    else:
        message = (
            f"the alias *{alias.anchor} brings what the file's aliases repeat to {repeated} values, more than "
            f"the {MAX_ALIASED_VALUES} a file may repeat (an alias bomb?)"
        )
    return YamlSyntaxError(message, alias.start_mark.line + 1, alias.start_mark.column + 1)


class Document(NamedTuple):
    """A loaded YAML document: its value, the root's position (None for an empty file) and duplicate keys."""

    data: Any
    pos: Pos | None
    duplicates: list[Duplicate]


def load_yaml(text: str) -> Document:
    """Load one YAML document with positions; raises `YamlSyntaxError` for text that is not valid YAML."""
    loader = _PositionLoader(text)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        if "*" in text:
            _check_aliases(text)
        node = loader.get_single_node()
        if node is None:
            return Document(None, None, [])
        _check_depth(node)
        data = loader.construct_document(node)
        return Document(data, _pos(node), loader.duplicates)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc) from None
    except yaml.reader.ReaderError as exc:
        before = split_lines(text[: exc.position])
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        message = f"character U+{code:04X} is not allowed in YAML"
        raise YamlSyntaxError(message, len(before), len(before[-1]) + 1) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(str(exc).strip() or "the text is not valid YAML", 1, 1) from None
    finally:
        loader.dispose()
        if gc_was_enabled:
            gc.enable()


# Constructs that open at one place and close later. When one does not close, PyYAML notices where it stopped
# reading (often the end of the file, or a line further on) while the cause is where the construct opened: the
# error's context mark. Any construct still open at the end of the stream (an unclosed quote) is one of them.
_UNCLOSED = ("a flow sequence", "a flow mapping", "a simple key")
_WHILE = re.compile(r"^while (?:scanning|parsing) ")


def _syntax_error(exc: yaml.MarkedYAMLError) -> YamlSyntaxError:
    """The error at the mark that points at the cause: where an unclosed construct opened, else where it failed."""
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    opened, noticed = exc.context_mark, exc.problem_mark
    unclosed = context.endswith(_UNCLOSED) or "end of stream" in problem
    if (
        opened is not None
        and noticed is not None
        and unclosed
        and (opened.line, opened.column) != (noticed.line, noticed.column)
    ):
        construct = _WHILE.sub("", context)
        where = f"line {noticed.line + 1}, column {noticed.column + 1}"
        return YamlSyntaxError(
            f"in {construct} that starts here: {problem} at {where}", opened.line + 1, opened.column + 1
        )
    mark = noticed or opened
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if problem and context:
        return YamlSyntaxError(f"{problem} ({context})", line, column)
    return YamlSyntaxError(problem or context or "unreadable YAML", line, column)
