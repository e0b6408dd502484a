"""The timeline panel: a click on a point rewinds the chat, the graph and the inspector; branches switch back."""

import pytest
from PySide6.QtCore import Qt

from workbench.engine import events as ev
from workbench.engine.timeline import Point
from workbench.gui.chat.panel import ChatPanel
from workbench.gui.graph.panel import GraphPanel
from workbench.gui.inspector.model import VALUE_COLUMN
from workbench.gui.inspector.panel import VariableInspector
from workbench.gui.timeline.panel import TimelinePanel


class Window:
    """The panels that must follow a rewind, on one bridge."""

    def __init__(self, bridge, qtbot):
        self.bridge = bridge
        self.chat = ChatPanel(bridge)
        self.graph = GraphPanel(bridge)
        self.inspector = VariableInspector(bridge)
        self.timeline = TimelinePanel(bridge)
        for panel in (self.chat, self.graph, self.inspector, self.timeline):
            qtbot.addWidget(panel)
        self.timeline.show()
        qtbot.waitExposed(self.timeline)
        self.qtbot = qtbot

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.bridge.busy, timeout=10_000)
        self.timeline.refresh()
        self.inspector.refresh()

    def value(self, path: str):
        index = self.inspector.model.index_for(path, VALUE_COLUMN)
        return self.inspector.model.data(index) if index.isValid() else None

    def labels(self) -> list[str]:
        return [item.text(0) for item in self.timeline.items()]

    def click(self, label: str) -> None:
        item = next(item for item in self.timeline.items() if item.text(0) == label)
        tree = self.timeline.tree
        tree.scrollToItem(item)
        self.qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
        self.settle()

    def bot_texts(self) -> list[str]:
        return [item.engine_event.text for item in self.chat.bubbles() if isinstance(item.engine_event, ev.BotMessage)]


@pytest.fixture
def booked(make_bridge, sample_flow, qtbot) -> Window:
    """Three turns on the sample flow: the start, `Book a ticket`, `Brussels`."""
    bridge = make_bridge(sample_flow, start=False, variables={"first_name": "Ann"})
    window = Window(bridge, qtbot)
    bridge.start()
    window.settle()
    bridge.press("Book a ticket")
    window.settle()
    bridge.send_text("Brussels")
    window.settle()
    return window


def test_the_timeline_lists_turns_with_their_input_and_the_states_inside(booked):
    labels = booked.labels()
    assert labels[0] == "Before the first turn"
    assert "Turn 2 — button: Book a ticket" in labels
    assert labels.index("before ask_destination") == labels.index("Turn 2 — button: Book a ticket") + 1
    tree = booked.timeline.tree
    assert booked.timeline.now_item is tree.topLevelItem(tree.topLevelItemCount() - 1)
    assert booked.timeline.now_item.text(0) == "Turn 3 — user: Brussels"
    assert isinstance(booked.timeline.now_item.data(0, Qt.ItemDataRole.UserRole), Point)
    assert not booked.timeline.branch_box.isEnabled()


def test_a_click_on_a_turn_rewinds_the_chat_the_graph_and_the_inspector(booked):
    assert booked.value("destination") == '"Brussels"'
    chat_before = booked.bot_texts()
    booked.click("Turn 2 — button: Book a ticket")
    assert booked.value("destination") is None
    assert booked.graph.view.current_state == "ask_destination"
    assert booked.bot_texts() == chat_before[: len(booked.bot_texts())]
    assert booked.bot_texts()[-1] == "Where would you like to go?"
    assert booked.labels()[-1] == "before ask_destination"
    assert booked.timeline.branch_box.count() == 2 and booked.timeline.branch_box.isEnabled()

    booked.bridge.send_text("Antwerp")
    booked.settle()
    assert booked.value("destination") == '"Antwerp"'


def test_branches_can_be_switched_back_and_forth(booked):
    booked.click("Turn 2 — button: Book a ticket")
    booked.bridge.send_text("Ghent")
    booked.settle()
    box = booked.timeline.branch_box
    assert [box.itemData(i) for i in range(box.count())] == [0, 1]
    assert box.itemText(1).strip() == "Branch 1 — 3 turns, from branch 0 after turn 2"
    box.activated.emit(0)
    booked.settle()
    assert booked.bridge.conversation.timeline.current.id == 0
    assert booked.value("destination") == '"Brussels"'
    assert box.currentData() == 0
    booked.timeline.switch_branch(1)
    booked.settle()
    assert booked.value("destination") == '"Ghent"'


def test_a_click_on_a_state_runs_it_again_from_there(booked):
    booked.click("before ask_destination")
    assert booked.value("destination") is None
    assert booked.bot_texts()[-1] == "Where would you like to go?"
    rewound = [e for e in booked.bridge.conversation.events if isinstance(e, ev.Rewound)]
    assert len(rewound) == 1


def test_clicking_where_the_conversation_is_does_nothing(booked):
    now = booked.timeline.now_item
    booked.click(now.text(0))
    assert len(booked.bridge.conversation.timeline.branches) == 1
