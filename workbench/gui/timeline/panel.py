"""The timeline panel: the conversation's turns (labelled with what the user did) and, nested in each, the
states it entered; a click on one goes back there (`Conversation.rewind`), and the branches this makes can
be switched in the box above.

Going back forks a new branch from that point (the old one is kept whole); the chat, the graph and the
inspector follow because the bridge re-announces the conversation after a rewind or a branch switch.
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QComboBox, QLabel, QStyle, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.timeline import Branch, Point, PointScanner, Timeline
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.inspector.history import SessionHistory

POINT_ROLE = Qt.ItemDataRole.UserRole
REFRESH_MS = 100
"""How long the panel gathers turns before it shows them: a tree view lays out all its rows again when one is
added, so a burst of thousands of turns (an iframe page posting) must not add them one at a time."""
_HISTORY_EVENTS = (ev.TurnStarted, ev.TurnFinished, ev.StateEntered)


def branch_label(timeline: Timeline, branch: Branch) -> str:
    """How the branch box names a branch: its id, where it forked and how many turns it has."""
    turns = timeline.scanner(branch).finished_turns()
    depth, parent = 0, branch.parent
    while parent is not None:
        depth, parent = depth + 1, timeline.branch(parent).parent
    text = f"Branch {branch.id} — {turns} turn{'s' if turns != 1 else ''}"
    if branch.parent is not None:
        forked_at = PointScanner(branch.events.prefix(branch.fork)).finished_turns()
        text += f", from branch {branch.parent} after turn {forked_at}"
    return "    " * depth + text


def _tooltip(item: QTreeWidgetItem) -> str:
    point = item.data(0, POINT_ROLE)
    if not isinstance(point, Point):
        return "This turn has not finished"
    if point.kind == "state":
        return f"Go back to just before {point.state} and run it again"
    return "Go back to the end of this turn"


def _set_now(item: QTreeWidgetItem, now: bool, icon: QIcon, tooltip: str) -> None:
    font = QFont(item.font(0))
    font.setBold(now)
    item.setFont(0, font)
    item.setIcon(0, icon)
    item.setToolTip(0, tooltip)


class TimelinePanel(QWidget):
    """The points of the current branch, newest last and marked; a click rewinds the conversation there."""

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.branch_box = QComboBox()
        self.branch_box.setObjectName("timeline_branches")
        self.branch_box.setToolTip("Switch to another branch of the conversation")
        self.tree = QTreeWidget()
        self.tree.setObjectName("timeline_tree")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)  # scrolling to the newest row then costs the same in a long history
        self.tree.setToolTip("Click a turn or a state to go back there; going on from there starts a branch")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.branch_box)
        layout.addWidget(self.tree, 1)
        layout.addWidget(QLabel("Click a point to go back to it."))
        self.now_item: QTreeWidgetItem | None = None
        self._conversation: Conversation | None = None
        self._log: list[ev.Event] | None = None
        self._history: SessionHistory | None = None
        self._branches: tuple[Timeline, int] | None = None
        """The timeline and the number of branches the branch box lists."""
        self._shown = 0
        """How many of the current branch's points the tree shows (those of a running turn aside)."""
        self._entered: list[Point] = []
        """The state points of the turn still going."""
        self._running: QTreeWidgetItem | None = None
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.tree.itemClicked.connect(self._on_clicked)
        self.branch_box.activated.connect(self._on_branch_chosen)
        bridge.event.connect(self._on_event)
        bridge.conversation_changed.connect(self._on_conversation)
        self.refresh()

    # --- public ---

    def items(self) -> list[QTreeWidgetItem]:
        """Every row, turns with their states after them."""
        found: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            turn = self.tree.topLevelItem(i)
            found.append(turn)
            found.extend(turn.child(j) for j in range(turn.childCount()))
        return found

    def rewind(self, point: Point) -> asyncio.Task[Any] | None:
        """Take the conversation back to `point` (on a new branch)."""
        return self.bridge.submit(lambda conversation: conversation.rewind(point))

    def switch_branch(self, branch_id: int) -> asyncio.Task[Any] | None:
        """Go back to the end of branch `branch_id`."""
        return self.bridge.submit(lambda conversation: conversation.switch_branch(branch_id))

    def refresh(self) -> None:
        """Bring the branch box and the points up to date with the conversation. Only what is new since the
        last refresh is added, so a refresh costs the same at turn 10,000 as at turn 1."""
        self._refresh_timer.stop()
        conversation = self.bridge.conversation
        self._fill_branches(conversation)
        self._fill_points(conversation)

    # --- building ---

    def _fill_branches(self, conversation: Conversation | None) -> None:
        if conversation is None:
            self.branch_box.clear()
            self.branch_box.setEnabled(False)
            self._branches = None
            return
        timeline = conversation.timeline
        shown = (timeline, len(timeline.branches))
        if shown != self._branches:
            self._branches = shown
            self.branch_box.clear()
            for branch in timeline.branches:
                self.branch_box.addItem(branch_label(timeline, branch), branch.id)
            self.branch_box.setEnabled(len(timeline.branches) > 1)
        row = self.branch_box.findData(timeline.current.id)
        self.branch_box.setItemText(row, branch_label(timeline, timeline.current))
        self.branch_box.setCurrentIndex(row)

    def _fill_points(self, conversation: Conversation | None) -> None:
        log = conversation.events if conversation is not None else None
        if conversation is not self._conversation or log is not self._log:
            self._start_over(conversation)
        if conversation is None or self._history is None:
            return
        if self._shown <= 1:  # before the first turn, the first point moves with every edit
            self._shown = 0
            self.tree.clear()
            self.now_item = None
        new = conversation.timeline.points(self._shown)
        self._shown += len(new)
        self._drop_folded(conversation.events.start)
        if self._running is not None:  # the running turn is shown again below, with its states so far
            if self.now_item is not None and self._running in (self.now_item, self.now_item.parent()):
                self.now_item = None
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(self._running))
            self._running = None
        added: list[QTreeWidgetItem] = []
        for point in new:
            if point.kind == "state":
                self._entered.append(point)
                continue
            added.append(self._turn_item(self._turn_label(point.turn), point, self._entered))
            self._entered = []
        if self._entered:  # a turn still going (paused, say): its states so far
            self._running = self._turn_item(f"{self._turn_label(self._entered[0].turn)} (running)", None, self._entered)
            added.append(self._running)
        if not added:
            return
        # All of a burst's turns in one insert, painted once: the tree lays its rows out again per insert.
        self.tree.setUpdatesEnabled(False)
        try:
            self.tree.addTopLevelItems(added)
            for item in added:
                item.setExpanded(True)
            last = added[-1]
            self._mark_now(last.child(last.childCount() - 1) if last.data(0, POINT_ROLE) is None else last)
        finally:
            self.tree.setUpdatesEnabled(True)

    def _drop_folded(self, start: int) -> None:
        """Take out the turns a long conversation's log folded away (the points before `start`): they can no
        longer be gone back to."""
        while self.tree.topLevelItemCount():
            first = self.tree.topLevelItem(0)
            point = first.data(0, POINT_ROLE)
            if not isinstance(point, Point) or point.index >= start:
                break
            self.tree.takeTopLevelItem(0)
        else:
            return
        # The earliest turn kept ends at `start`: its end can be gone back to, its states cannot.
        for row in reversed(range(first.childCount())):
            if first.child(row).data(0, POINT_ROLE).index < start:
                first.takeChild(row)

    def _start_over(self, conversation: Conversation | None) -> None:
        self._conversation = conversation
        self._log = conversation.events if conversation is not None else None
        self._history = SessionHistory(conversation) if conversation is not None else None
        self._shown = 0
        self._entered = []
        self._running = None
        self.tree.clear()
        self.now_item = None

    def _turn_label(self, number: int) -> str:
        if number == 0:
            return "Before the first turn"
        turn = self._history.turn(number) if self._history is not None else None
        return turn.label if turn is not None else f"Turn {number}"

    def _turn_item(self, label: str, point: Point | None, entered: list[Point]) -> QTreeWidgetItem:
        item = QTreeWidgetItem([label])
        item.setData(0, POINT_ROLE, point)
        item.setToolTip(0, _tooltip(item))
        for state in entered:
            child = QTreeWidgetItem([f"before {state.state}"])
            child.setData(0, POINT_ROLE, state)
            child.setToolTip(0, _tooltip(child))
            item.addChild(child)
        return item

    def _mark_now(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        previous = self.now_item
        if previous is not None:
            _set_now(previous, False, QIcon(), _tooltip(previous))
        self.now_item = item
        _set_now(
            item, True, self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Where the conversation is now"
        )
        self.tree.scrollToItem(item)

    # --- reacting ---

    def _on_conversation(self, conversation: Conversation | None) -> None:
        self._start_over(conversation)
        self._branches = None
        self.refresh()

    def _on_event(self, event: ev.Event) -> None:
        # A burst of turns: at most one refresh per REFRESH_MS.
        if isinstance(event, _HISTORY_EVENTS) and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _on_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        point = item.data(0, POINT_ROLE)
        if isinstance(point, Point) and item is not self.now_item:
            self.rewind(point)

    def _on_branch_chosen(self, row: int) -> None:
        conversation = self.bridge.conversation
        branch_id = self.branch_box.itemData(row)
        if conversation is not None and branch_id != conversation.timeline.current.id:
            self.switch_branch(branch_id)
