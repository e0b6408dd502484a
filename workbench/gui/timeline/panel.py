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
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QLabel, QStyle, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.timeline import Branch, Point, Timeline, points
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.inspector.history import SessionHistory

POINT_ROLE = Qt.ItemDataRole.UserRole
_HISTORY_EVENTS = (ev.TurnStarted, ev.TurnFinished, ev.StateEntered)


def branch_label(timeline: Timeline, branch: Branch) -> str:
    """How the branch box names a branch: its id, where it forked and how many turns it has."""
    turns = max(p.turn for p in points(branch.events) if p.kind == "turn")
    depth, parent = 0, branch.parent
    while parent is not None:
        depth, parent = depth + 1, timeline.branch(parent).parent
    text = f"Branch {branch.id} — {turns} turn{'s' if turns != 1 else ''}"
    if branch.parent is not None:
        forked_at = max(p.turn for p in points(branch.events[: branch.fork]) if p.kind == "turn")
        text += f", from branch {branch.parent} after turn {forked_at}"
    return "    " * depth + text


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
        self.tree.setToolTip("Click a turn or a state to go back there; going on from there starts a branch")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.branch_box)
        layout.addWidget(self.tree, 1)
        layout.addWidget(QLabel("Click a point to go back to it."))
        self.now_item: QTreeWidgetItem | None = None
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
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
        """Rebuild the branch box and the points from the conversation."""
        self._refresh_timer.stop()
        conversation = self.bridge.conversation
        self._fill_branches(conversation)
        self._fill_points(conversation)

    # --- building ---

    def _fill_branches(self, conversation: Conversation | None) -> None:
        self.branch_box.clear()
        if conversation is None:
            self.branch_box.setEnabled(False)
            return
        timeline = conversation.timeline
        for branch in timeline.branches:
            self.branch_box.addItem(branch_label(timeline, branch), branch.id)
        self.branch_box.setCurrentIndex(self.branch_box.findData(timeline.current.id))
        self.branch_box.setEnabled(len(timeline.branches) > 1)

    def _fill_points(self, conversation: Conversation | None) -> None:
        self.tree.clear()
        self.now_item = None
        if conversation is None:
            return
        labels = {turn.number: turn.label for turn in SessionHistory(conversation).turns()}
        states: dict[int, list[Point]] = {}
        last: QTreeWidgetItem | None = None
        for point in conversation.timeline.points():
            if point.kind == "state":
                states.setdefault(point.turn, []).append(point)
                continue
            label = labels.get(point.turn, f"Turn {point.turn}") if point.turn else "Before the first turn"
            last = self._turn_item(label, point, states.pop(point.turn, []))
        for turn, running in states.items():  # a turn still going (paused, say): its states so far
            last = self._turn_item(f"{labels.get(turn, f'Turn {turn}')} (running)", None, running)
        self.tree.expandAll()
        if last is not None:
            self._mark_now(last.child(last.childCount() - 1) if last.data(0, POINT_ROLE) is None else last)

    def _turn_item(self, label: str, point: Point | None, entered: list[Point]) -> QTreeWidgetItem:
        item = QTreeWidgetItem([label])
        item.setData(0, POINT_ROLE, point)
        item.setToolTip(0, "Go back to the end of this turn" if point else "This turn has not finished")
        for state in entered:
            child = QTreeWidgetItem([f"before {state.state}"])
            child.setData(0, POINT_ROLE, state)
            child.setToolTip(0, f"Go back to just before {state.state} and run it again")
            item.addChild(child)
        self.tree.addTopLevelItem(item)
        return item

    def _mark_now(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        self.now_item = item
        font = QFont(item.font(0))
        font.setBold(True)
        item.setFont(0, font)
        item.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        item.setToolTip(0, "Where the conversation is now")
        self.tree.scrollToItem(item)

    # --- reacting ---

    def _on_conversation(self, _conversation: Conversation | None) -> None:
        self.refresh()

    def _on_event(self, event: ev.Event) -> None:
        if isinstance(event, _HISTORY_EVENTS):
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
