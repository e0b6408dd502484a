"""The event log panel: a filterable table of every engine event above the details of the selected one."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.event_log.describe import KINDS, details
from workbench.gui.event_log.model import EVENT_ROLE, EventTableModel, KindFilter

_WIDTHS = {0: "00:00:00.000", 1: "IframeMessageRejected", 2: "ask_destination"}


class EventLogPanel(QWidget):
    """Every event of the bridge's conversation with its time, filterable by kind and text; selecting one shows
    its details (for an HTTP exchange, the request and the response). Starts over with each new conversation and
    each restart."""

    event_selected = Signal(object)
    """The event whose details show now, or None."""

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._at_bottom = True
        """Whether the table follows the newest rows: it did not scroll up from the bottom."""
        self.model = EventTableModel(self)
        self._kinds = KindFilter(KINDS, self)
        self._kinds.setSourceModel(self.model)
        self._text = QSortFilterProxyModel(self)
        self._text.setFilterKeyColumn(-1)
        self._text.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._text.setSourceModel(self._kinds)

        self.kind_menu = QMenu(self)
        self.kind_actions: dict[str, QAction] = {}
        self.kind_button = QToolButton(popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        self.kind_button.setMenu(self.kind_menu)
        self._build_kind_menu()
        self.text_filter = QLineEdit(placeholderText="Filter the log…", clearButtonEnabled=True)
        self.text_filter.textChanged.connect(self._text.setFilterFixedString)
        self.table = self._build_table()
        self.detail = QPlainTextEdit(readOnly=True)
        self.detail.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.detail.setPlaceholderText("Select an event to see all of it.")

        filters = QHBoxLayout()
        filters.addWidget(self.kind_button)
        filters.addWidget(self.text_filter)
        # The log lives in a wide bottom dock: details go beside the table.
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(splitter)

        bridge.event.connect(self._on_event)
        bridge.conversation_changed.connect(self._on_conversation)
        self._on_conversation(bridge.conversation)

    # --- public ---

    def visible_kinds(self) -> set[str]:
        """The kinds of event the table shows."""
        return {kind for kind, action in self.kind_actions.items() if action.isChecked()}

    def set_visible_kinds(self, kinds: set[str]) -> None:
        """Show the events of exactly these kinds."""
        for kind, action in self.kind_actions.items():
            action.blockSignals(True)
            action.setChecked(kind in kinds)
            action.blockSignals(False)
        self._apply_kinds()

    def selected_event(self) -> ev.Event | None:
        """The event whose details show."""
        return self.table.currentIndex().data(EVENT_ROLE)

    def clear(self) -> None:
        """Empty the log."""
        self.model.clear()
        self._show(None)

    # --- building ---

    def _build_kind_menu(self) -> None:
        self.kind_menu.addAction("Show all", lambda: self.set_visible_kinds(set(KINDS)))
        self.kind_menu.addAction("Hide all", lambda: self.set_visible_kinds(set()))
        self.kind_menu.addSeparator()
        for kind in KINDS:
            action = self.kind_menu.addAction(kind)
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(self._apply_kinds)
            self.kind_actions[kind] = action
        self._apply_kinds()

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("event_log_table")
        table.setModel(self._text)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        # Fixed row heights and column widths: nothing is measured per row, so thousands of rows stay cheap.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, sample in _WIDTHS.items():
            header.resizeSection(column, table.fontMetrics().horizontalAdvance(sample) + 16)
        table.selectionModel().currentRowChanged.connect(lambda current, _: self._show(current.data(EVENT_ROLE)))
        # New rows are followed when the table lays itself out (once for all the rows a burst added), not per row.
        table.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        table.verticalScrollBar().rangeChanged.connect(self._follow_bottom)
        return table

    # --- reacting ---

    def _on_conversation(self, conversation: Conversation | None) -> None:
        self.clear()
        if conversation is not None:
            self.model.append(conversation.events)

    def _on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.TurnStarted) and event.input == "restart":
            self.clear()
        self.model.append([event])

    def _apply_kinds(self) -> None:
        kinds = self.visible_kinds()
        self._kinds.set_kinds(kinds)
        shown = "all" if len(kinds) == len(KINDS) else f"{len(kinds)}/{len(KINDS)}"
        self.kind_button.setText(f"Kinds ({shown})")

    def _show(self, event: ev.Event | None) -> None:
        self.detail.setPlainText(details(event) if event is not None else "")
        self.event_selected.emit(event)

    def _on_scrolled(self, value: int) -> None:
        self._at_bottom = value == self.table.verticalScrollBar().maximum()

    def _follow_bottom(self, _minimum: int, maximum: int) -> None:
        if self._at_bottom:
            self.table.verticalScrollBar().setValue(maximum)
