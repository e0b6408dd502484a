"""The tree model of a session snapshot: one row per variable, object key or array item; `internal` and the
active `contexts` last and read-only. The model holds a projection (`TurnView`) and never changes the session
itself: an edit is announced with `edit_requested(path, value)` for the panel to send to the engine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette

from workbench.engine.provenance import Provenance
from workbench.flow.paths import PathError, parse_path
from workbench.gui.graph.theme import mix
from workbench.gui.inspector.history import CONTEXTS, EMPTY, MISSING, TurnView
from workbench.gui.inspector.origin import describe, set_by
from workbench.gui.inspector.values import (
    Path,
    addressable,
    display_text,
    edit_text,
    format_path,
    json_type,
    parse_edit,
)

INTERNAL = "internal"
READ_ONLY = (INTERNAL, CONTEXTS)
"""The branches shown last and never editable: `internal.*` and the active contexts."""
CHANGED_TINT = QColor(255, 176, 0)
"""Amber: rows the shown turn changed, unlike the palette's Highlight (the selection) in light and dark themes."""
_CHANGED_SHARE = 0.3
AnyIndex = QModelIndex | QPersistentModelIndex
NO_INDEX = QModelIndex()


@dataclass(eq=False)
class Node:
    """One row: a value at `path` in the snapshot, whether the turn on show changed it, and the write that gave
    it its value (its own, or that of the nearest object or array above it that was set whole)."""

    key: str | int | None
    value: Any
    path: Path
    parent: Node | None
    row: int
    read_only: bool
    changed: bool = False
    previous: Any = MISSING
    provenance: Provenance | None = None
    children: list[Node] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    """A column of the tree: its title, the text of a row, and whether that text is the value a tester edits."""

    title: str
    text: Callable[[Node], str]
    editable: bool = False


def _name(node: Node) -> str:
    return f"[{node.key}]" if isinstance(node.key, int) else str(node.key)


COLUMNS: tuple[Column, ...] = (
    Column("Name", _name),
    Column("Value", lambda node: display_text(node.value), editable=True),
    Column("Type", lambda node: json_type(node.value)),
    Column("Set by", lambda node: set_by(node.provenance)),
)
"""The inspector's columns."""
VALUE_COLUMN = 1
PROVENANCE_COLUMN = 3
VALUE_COLUMNS = COLUMNS[:PROVENANCE_COLUMN]
"""The columns of a plain JSON tree (no session behind it: a debugger's locals)."""


class VariableModel(QAbstractItemModel):
    """A session snapshot as a tree, with the rows the shown turn changed highlighted."""

    edit_requested = Signal(str, object)
    """A tester edited the value at a dotted path (`user.address.city`, `items[0]`) into this value."""

    def __init__(
        self,
        columns: Sequence[Column] = COLUMNS,
        parent: QObject | None = None,
        *,
        changed_note: str = "Changed by this turn",
    ) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.changed_note = changed_note
        self._root = self._build(EMPTY)
        self._editable = False

    # --- contents ---

    def set_view(self, view: TurnView, *, editable: bool) -> None:
        """Show `view`; `editable` says whether values may be edited (only the live session may). When the rows
        are the same as before (only values changed) they are updated in place: the view keeps its layout."""
        root = self._build(view)
        self._editable = editable
        if not _same_rows(self._root, root):
            self.beginResetModel()
            self._root = root
            self.endResetModel()
            return
        self._root.value = root.value
        self._update(self._root, root)

    def _update(self, old: Node, new: Node) -> None:
        """Give `old`'s rows (the same as `new`'s) the contents of `new`'s, and announce the rows that read
        differently now (each announcement makes the view measure the row again)."""
        for mine, theirs in zip(old.children, new.children, strict=True):
            if _reads_differently(mine, theirs):
                mine.value, mine.read_only, mine.changed = theirs.value, theirs.read_only, theirs.changed
                mine.previous, mine.provenance = theirs.previous, theirs.provenance
                last = len(self.columns) - 1
                self.dataChanged.emit(self.createIndex(mine.row, 0, mine), self.createIndex(mine.row, last, mine))
            else:
                mine.value = theirs.value
            self._update(mine, theirs)

    @property
    def editable(self) -> bool:
        """Whether values may be edited."""
        return self._editable

    def node(self, index: AnyIndex) -> Node:
        """The row behind `index` (the invisible root for an invalid index)."""
        return index.internalPointer() if index.isValid() else self._root

    def index_for(self, path: str | Path, column: int = 0) -> QModelIndex:
        """The index of the row at `path` (dotted or a tuple), or an invalid index."""
        try:
            parts = parse_path(path) if isinstance(path, str) else path
        except PathError:
            return QModelIndex()
        node: Node | None = self._root
        for part in parts:
            node = next((child for child in node.children if child.key == part), None) if node else None
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.row, column, node)

    def _build(self, view: TurnView) -> Node:
        root = Node(key=None, value=view.snapshot, path=(), parent=None, row=0, read_only=True)
        names = [name for name in view.snapshot if name not in READ_ONLY]
        names += [name for name in READ_ONLY if name in view.snapshot]
        for name in names:
            self._add(root, name, view.snapshot[name], view, read_only=name in READ_ONLY)
        return root

    def _add(self, parent: Node, key: str | int, value: Any, view: TurnView, *, read_only: bool) -> None:
        path = (*parent.path, key)
        node = Node(key, value, path, parent, len(parent.children), read_only or not addressable(path))
        node.changed = view.changed(path, value)
        node.previous = view.previous(path) if node.changed else MISSING
        node.provenance = view.writes.get(path, parent.provenance)
        parent.children.append(node)
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for child_key, child_value in items:
            self._add(node, child_key, child_value, view, read_only=read_only)

    # --- QAbstractItemModel ---

    def index(self, row: int, column: int, parent: AnyIndex = NO_INDEX) -> QModelIndex:
        """The index of a child row of `parent`."""
        children = self.node(parent).children
        if 0 <= row < len(children) and 0 <= column < len(self.columns):
            return self.createIndex(row, column, children[row])
        return QModelIndex()

    def parent(self, index: AnyIndex = NO_INDEX) -> QModelIndex:
        """The index of the row that holds `index`."""
        if not index.isValid():
            return QModelIndex()
        up = self.node(index).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: AnyIndex = NO_INDEX) -> int:
        """How many rows `parent` holds (only the first column has children)."""
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: AnyIndex = NO_INDEX) -> int:
        """How many columns the tree has."""
        return len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Rows are selectable; the value of a user variable is editable while the live session shows."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable and self.columns[index.column()].editable and not self.node(index).read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, editor text, highlight, dimmed read-only rows and tool tips."""
        if not index.isValid():
            return None
        node = self.node(index)
        column = self.columns[index.column()]
        match role:
            case Qt.ItemDataRole.DisplayRole:
                return column.text(node)
            case Qt.ItemDataRole.EditRole:
                return edit_text(node.value) if column.editable else column.text(node)
            case Qt.ItemDataRole.BackgroundRole if node.changed:
                return _changed_background()
            case Qt.ItemDataRole.ForegroundRole if node.read_only:
                return QGuiApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
            case Qt.ItemDataRole.ToolTipRole:
                return _tooltip(node, self.changed_note)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Announce the edited value (JSON when the text parses, else the text) unless it is unchanged."""
        if role != Qt.ItemDataRole.EditRole or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        node = self.node(index)
        parsed = parse_edit(value) if isinstance(value, str) else value
        if parsed == node.value and type(parsed) is type(node.value):
            return False
        self.edit_requested.emit(format_path(node.path), parsed)
        return True


def _same_rows(old: Node, new: Node) -> bool:
    """Whether two trees have the same rows: the same keys in the same order, all the way down."""
    return len(old.children) == len(new.children) and all(
        mine.key == theirs.key and _same_rows(mine, theirs)
        for mine, theirs in zip(old.children, new.children, strict=True)
    )


def _reads_differently(old: Node, new: Node) -> bool:
    """Whether a row's cells or tool tip would change from `old`'s to `new`'s (an object or an array shows only
    its size, which the same rows keep: its members are rows of their own)."""
    return (
        not _same_value(old.value, new.value)
        or old.changed != new.changed
        or not _same_value(old.previous, new.previous)
        or old.provenance != new.provenance
        or old.read_only != new.read_only
    )


def _same_value(old: Any, new: Any) -> bool:
    if type(old) is not type(new):
        return False
    return (isinstance(old, dict | list | tuple) and len(old) == len(new)) or old == new


def _changed_background() -> QBrush:
    """Amber mixed into the base colour: soft yellow on a light theme, dark amber on a dark one; text stays
    readable."""
    return QBrush(mix(QGuiApplication.palette().color(QPalette.ColorRole.Base), CHANGED_TINT, _CHANGED_SHARE))


def _tooltip(node: Node, changed_note: str) -> str:
    lines = [format_path(node.path)]
    if node.changed:
        was = "new" if node.previous is MISSING else f"was {display_text(node.previous)}"
        lines.append(f"{changed_note} ({was})")
    if node.read_only:
        lines.append("Read-only")
    if node.provenance is not None:
        lines.append(describe(node.provenance))
    return "\n".join(lines)
