"""The session-variable inspector panel: a turn selector above the tree of the session."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLabel, QVBoxLayout, QWidget

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.inspector.history import EMPTY, SessionHistory, Turn, TurnView
from workbench.gui.inspector.model import PROVENANCE_COLUMN, VariableModel
from workbench.gui.inspector.tree import ValueTree
from workbench.gui.language import ActiveLanguage

NOW = "Now"
REFRESH_MS = 50
"""How long the inspector gathers events before it shows them: at most one refresh per this many ms during a
burst (an iframe page posting thousands of messages), so the window never blocks for long."""


class VariableInspector(QWidget):
    """The session of the bridge's conversation as a tree, now (editable) or after an earlier turn (read-only).

        Rows the shown turn changed are highlighted; double-clicking a value edits it (JSON accepted), which sets
        the variable through the engine. The tree follows the engine's session after each burst of events (in place
    when only values changed).
        The "Set by" column (and every row's tool tip) says which write gave a value its value; double-clicking it
        announces where that write happened with `provenance_activated`.
    """

    provenance_activated = Signal(str, object)
    """Show where a value was set: the state, and the line of its code action (an int) or None."""

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._history: SessionHistory | None = None
        self._turns: list[Turn] = []

        self.language = ActiveLanguage(bridge, self)
        self.language_label = QLabel()
        self.language_label.setObjectName("inspector_language")
        self.language_label.setToolTip("The language the conversation speaks now")
        self.language.changed.connect(self._show_language)
        self._show_language()
        self.turn_box = QComboBox()
        self.turn_box.setObjectName("inspector_turns")
        self.turn_box.setToolTip("Show the session variables as they were after an earlier turn")
        self.model = VariableModel(parent=self)
        self.tree = ValueTree(self.model)
        self.tree.setObjectName("inspector_tree")
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.language_label)
        layout.addWidget(self.turn_box)
        layout.addWidget(self.tree)

        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.tree.itemDelegate().closeEditor.connect(lambda *_: self._refresh_timer.start())
        self.tree.doubleClicked.connect(self._on_double_click)
        self.turn_box.currentIndexChanged.connect(self._show)
        self.model.edit_requested.connect(self.bridge.set_variable)
        bridge.event.connect(self._on_event)
        bridge.conversation_changed.connect(self._on_conversation)
        self._on_conversation(bridge.conversation)

    # --- public ---

    def selected_turn(self) -> Turn | None:
        """The turn on show, or None for the live session."""
        row = self.turn_box.currentIndex()
        return self._turns[row] if 0 <= row < len(self._turns) else None

    def select_turn(self, number: int | None) -> None:
        """Show the session after turn `number` (from 1), or the live session for None."""
        row = next((i for i, turn in enumerate(self._turns) if turn.number == number), len(self._turns))
        self.turn_box.setCurrentIndex(row)

    def refresh(self) -> None:
        """Bring the turn list up to date, and the tree too when it shows the live session. While a value is
        being edited this waits for the editor to close (rebuilding the tree would throw the edit away)."""
        self._refresh_timer.stop()
        if self.tree.state() == QAbstractItemView.State.EditingState:
            return
        before = self.selected_turn()
        self._sync_turns()
        after = self.selected_turn()
        if after is None or after != before:
            self._show()

    # --- reacting ---

    def _on_conversation(self, conversation: Conversation | None) -> None:
        self._history = SessionHistory(conversation) if conversation is not None else None
        self._turns = []
        self.turn_box.blockSignals(True)
        self.turn_box.clear()
        self.turn_box.addItem(NOW)
        self.turn_box.blockSignals(False)
        self.turn_box.setEnabled(conversation is not None)
        self.refresh()

    def _on_event(self, event: ev.Event) -> None:
        # A burst of events: at most one refresh per REFRESH_MS.
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _show_language(self) -> None:
        """`Language: Dutch (nl)` for a flow in several languages; nothing for a flow in one."""
        self.language_label.setText(f"Language: {self.language.label}")
        self.language_label.setVisible(self.language.multilingual)

    def _on_double_click(self, index: QModelIndex) -> None:
        write = self.model.node(index).provenance
        if index.column() == PROVENANCE_COLUMN and write is not None and write.state is not None:
            self.provenance_activated.emit(write.state, write.line)

    def _sync_turns(self) -> None:
        """Add the new turns before `Now` and drop those a long conversation's log folded away; after a restart
        (a new log) the list starts over at `Now`."""
        turns = self._history.turns() if self._history else []
        self.turn_box.blockSignals(True)
        self._drop_folded(turns)
        known = len(self._turns)
        # The history starts over on a new log, so the last known turn alone tells whether the list still holds.
        if known and (len(turns) < known or turns[known - 1].started is not self._turns[-1].started):
            while self.turn_box.count() > 1:
                self.turn_box.removeItem(0)
            self.turn_box.setCurrentIndex(0)
            known = 0
        for offset, turn in enumerate(turns[known:]):
            self.turn_box.insertItem(known + offset, turn.label)
        self._turns = turns
        self.turn_box.blockSignals(False)

    def _drop_folded(self, turns: list[Turn]) -> None:
        """Take out of the list the turns before the first one the history still has (the log folded them); the
        live session shows instead of one of them."""
        if not turns or not self._turns or turns[0].number <= self._turns[0].number:
            return
        folded = min(len(self._turns), turns[0].number - self._turns[0].number)
        if self.turn_box.currentIndex() < folded:
            self.turn_box.setCurrentIndex(self.turn_box.count() - 1)
        for _ in range(folded):
            self.turn_box.removeItem(0)
        del self._turns[:folded]

    def _show(self) -> None:
        turn = self.selected_turn()
        self.tree.set_view(self._view(turn), editable=self._history is not None and turn is None)

    def _view(self, turn: Turn | None) -> TurnView:
        if self._history is None:
            return EMPTY
        return self._history.now() if turn is None else self._history.at(turn)
