"""Saving the flow file while a conversation runs: the window keeps the chat, the timeline, the event log and the
provenance, notes the reload in the chat and the log, and goes on with the new version from where it was."""

from pathlib import Path

import pytest
from trip_flow import TRIP, TRIP_ASKING_ANEW, TRIP_WITHOUT_SEAT

from workbench.engine import events as ev
from workbench.gui.debugger.install import controller
from workbench.gui.inspector.model import PROVENANCE_COLUMN
from workbench.gui.timeline.panel import POINT_ROLE


@pytest.fixture
def trip(make_window, qtbot, tmp_path):
    """A window on the trip flow, answered up to `ask_seat`; the flow file is `window.trip_file`."""
    path = tmp_path / "trip.yaml"
    path.write_text(TRIP)
    window = make_window()
    task = window.open_flow(path)
    qtbot.waitUntil(task.done, timeout=10_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    window.bridge.send_text("Ghent")
    settle(window, qtbot)
    window.trip_file = path
    return window


def settle(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
    controller(window).timeline.refresh()
    window.inspector.refresh()


def save(window, qtbot, text: str) -> ev.FlowReloaded:
    """Write the flow file and wait until the conversation has taken the new version."""
    conversation = window.bridge.conversation
    Path(window.trip_file).write_text(text)
    qtbot.waitUntil(lambda: any(isinstance(e, ev.FlowReloaded) for e in conversation.events), timeout=10_000)
    settle(window, qtbot)
    assert window.bridge.conversation is conversation, "the same conversation goes on"
    return next(e for e in conversation.events if isinstance(e, ev.FlowReloaded))


def chat_events(window) -> list[ev.Event]:
    return [item.engine_event for item in window.chat.bubbles()]


def log_events(window) -> list[ev.Event]:
    model = window.event_log.model
    return [model.event_at(row) for row in range(model.rowCount())]


def timeline_labels(window) -> list[str]:
    return [item.text(0) for item in controller(window).timeline.items()]


def test_saving_a_changed_flow_keeps_the_history_and_notes_the_reload(trip, qtbot):
    chat, log, timeline = chat_events(trip), log_events(trip), timeline_labels(trip)
    reloaded = save(trip, qtbot, TRIP.replace("Going to {destination}", "Off to {destination}"))

    assert chat_events(trip)[: len(chat)] == chat
    note = trip.chat.bubbles()[-1]
    assert note.objectName() == "reloadNote" and note.title == "flow reloaded: done changed"
    assert log_events(trip)[: len(log)] == log and reloaded in log_events(trip)
    assert timeline_labels(trip)[: len(timeline)] == timeline
    assert timeline_labels(trip)[-1] == "Turn 3 — reload"
    destination = trip.inspector.model.index_for("destination", PROVENANCE_COLUMN)
    assert trip.inspector.model.data(destination) == "ask · ask_destination"
    assert trip.statusBar().currentMessage() == "Reloaded trip.yaml: changed: done"

    trip.bridge.send_text("12A")
    settle(trip, qtbot)
    bot = [e.text for e in chat_events(trip) if isinstance(e, ev.BotMessage)]
    assert bot[-1] == "Off to Ghent in seat 12A", "the conversation went on from ask_seat with the new version"


def test_when_the_current_state_is_removed_the_chat_says_where_the_conversation_restarts(trip, qtbot):
    save(trip, qtbot, TRIP_WITHOUT_SEAT)
    notes = [item for item in trip.chat.bubbles() if item.objectName() == "reloadNote"]
    assert [n.title for n in notes] == [
        "flow reloaded: ask_destination changed; the current state ask_seat was removed; "
        "the conversation restarts at welcome"
    ]
    assert trip.graph.view.node_item("ask_seat") is None, "the graph shows the new flow"
    assert trip.bridge.conversation.session.current_state == "done"


def test_going_back_in_the_timeline_to_before_the_reload_runs_the_new_version(trip, qtbot):
    save(trip, qtbot, TRIP_ASKING_ANEW)
    timeline = controller(trip).timeline
    item = next(item for item in timeline.items() if item.text(0) == "before ask_destination")
    timeline.rewind(item.data(0, POINT_ROLE))
    settle(trip, qtbot)
    bot = [e.text for e in chat_events(trip) if isinstance(e, ev.BotMessage)]
    assert bot[-1] == "Where would you like to go?"
    assert not any(item.objectName() == "reloadNote" for item in trip.chat.bubbles())
