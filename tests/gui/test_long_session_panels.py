"""A long conversation's panels: once the event log has folded its older turns away, the variable inspector and the
timeline still show the right values and turns, whether they watched the fold happen or opened after it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from echo_flow import NAMED_ECHO, talk

from workbench.engine.event_log import KEEP_TURNS
from workbench.engine.timeline import Point
from workbench.flow.model import Flow
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.inspector.model import PROVENANCE_COLUMN, VALUE_COLUMN
from workbench.gui.inspector.panel import NOW, VariableInspector
from workbench.gui.timeline.panel import POINT_ROLE, TimelinePanel

MESSAGES = 2 * KEEP_TURNS + 10
"""Enough messages for the log to fold its older half once."""
LAST_TURN = MESSAGES + 2
"""Turn 1 is the start, turn 2 the name, turn n + 2 the message n."""


class Panels:
    """An inspector and a timeline on one bridge."""

    def __init__(self, bridge: EngineBridge, qtbot) -> None:
        self.inspector = VariableInspector(bridge)
        self.timeline = TimelinePanel(bridge)
        for panel in (self.inspector, self.timeline):
            qtbot.addWidget(panel)
        self.timeline.show()
        qtbot.waitExposed(self.timeline)

    def refresh(self) -> None:
        self.inspector.refresh()
        self.timeline.refresh()

    def cell(self, path: str, column: int = VALUE_COLUMN) -> str | None:
        index = self.inspector.model.index_for(path, column)
        return self.inspector.model.data(index) if index.isValid() else None

    def turn_labels(self) -> list[str]:
        box = self.inspector.turn_box
        return [box.itemText(row) for row in range(box.count())]

    def timeline_turns(self) -> list[str]:
        tree = self.timeline.tree
        return [tree.topLevelItem(row).text(0) for row in range(tree.topLevelItemCount())]

    def timeline_points(self) -> list[Point]:
        return [point for item in self.timeline.items() if isinstance(point := item.data(0, POINT_ROLE), Point)]


@pytest.fixture
def long_talk(make_bridge, flow_from: Callable[[str], Flow], qt_loop, qtbot) -> tuple[EngineBridge, Panels]:
    """A conversation past its log's fold, with panels that watched it all along."""
    bridge = make_bridge(flow_from(NAMED_ECHO), start=False)
    watching = Panels(bridge, qtbot)
    task = qt_loop.create_task(talk(bridge.conversation, MESSAGES))
    qtbot.waitUntil(task.done, timeout=120_000)
    task.result()
    watching.refresh()
    return bridge, watching


def panels_opened(long_talk: tuple[EngineBridge, Panels], qtbot, opened: str) -> Panels:
    """The panels that watched the talk ("before the fold") or new ones ("after the fold"), refreshed."""
    bridge, watching = long_talk
    panels = watching if opened == "before the fold" else Panels(bridge, qtbot)
    panels.refresh()
    return panels


def turn_label(number: int) -> str:
    return f"Turn {number} — user: message {number - 2}"


@pytest.mark.parametrize("opened", ["before the fold", "after the fold"])
def test_the_inspector_shows_the_values_and_the_turns_the_log_still_keeps(long_talk, qtbot, opened):
    log = long_talk[0].conversation.events
    panels = panels_opened(long_talk, qtbot, opened)

    assert log.compacted and log.turns_before > 2
    assert panels.cell("last") == f'"message {MESSAGES}"'
    assert panels.cell("name") == '"Ann"'  # set in turn 2, long folded away
    assert panels.cell("name", PROVENANCE_COLUMN) == "ask · ask_name"
    labels = panels.turn_labels()
    assert labels[0] == turn_label(log.turns_before + 1)
    assert labels[-2:] == [turn_label(LAST_TURN), NOW]
    assert len(labels) == LAST_TURN - log.turns_before + 1

    panels.inspector.select_turn(LAST_TURN - 100)

    assert panels.cell("last") == f'"message {MESSAGES - 100}"'
    assert panels.cell("name") == '"Ann"'
    assert not panels.inspector.model.editable


@pytest.mark.parametrize("opened", ["before the fold", "after the fold"])
def test_the_timeline_lists_only_the_turns_it_can_go_back_to(long_talk, qtbot, opened):
    log = long_talk[0].conversation.events
    panels = panels_opened(long_talk, qtbot, opened)

    turns = panels.timeline_turns()
    assert turns[-1] == turn_label(LAST_TURN)
    assert turns[-2] == turn_label(LAST_TURN - 1)
    assert min(point.index for point in panels.timeline_points()) == log.start
    assert len(turns) == LAST_TURN - log.turns_before + 1  # the earliest point: the end of the last turn folded


def test_going_back_after_the_fold_forks_a_branch_named_after_the_right_turn(long_talk, qtbot):
    _, panels = long_talk
    back_to = next(p for p in panels.timeline_points() if p.kind == "turn" and p.turn == LAST_TURN - 5)

    task = panels.timeline.rewind(back_to)
    assert task is not None
    qtbot.waitUntil(task.done, timeout=10_000)
    panels.refresh()

    box = panels.timeline.branch_box
    assert box.count() == 2
    assert box.itemText(1).endswith(f"from branch 0 after turn {LAST_TURN - 5}")
    assert panels.cell("last") == f'"message {MESSAGES - 5}"'
