"""The event log: every engine event with its time, filters by kind and text, and the details of an HTTP call."""

import re
import time

import pytest
from PySide6.QtCore import Qt

from workbench.engine import events as ev
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.event_log.describe import KINDS, details, summary
from workbench.gui.event_log.model import EVENT_ROLE
from workbench.gui.event_log.panel import EventLogPanel

API_FLOW = """
name: API call
start: call
states:
  call:
    api:
      method: POST
      url: "{api_base}/echo"
      headers: {X-Channel: "{internal.channel}"}
      body: {to: Ghent, passengers: 2}
    next: done
  done:
    say: Done.
"""


@pytest.fixture(scope="module")
def backend_url(sample_backend: str) -> str:
    """The sample backend's URL."""
    return sample_backend


def rows(panel: EventLogPanel) -> list[ev.Event]:
    """The events the table shows, top to bottom."""
    model = panel.table.model()
    return [model.index(row, 0).data(EVENT_ROLE) for row in range(model.rowCount())]


def cells(panel: EventLogPanel, row: int) -> list[str]:
    model = panel.table.model()
    return [model.index(row, column).data() for column in range(model.columnCount())]


def select(panel: EventLogPanel, kind: type[ev.Event]) -> ev.Event:
    """Click the first row of this kind, as the user would."""
    row = next(i for i, event in enumerate(rows(panel)) if isinstance(event, kind))
    panel.table.setCurrentIndex(panel.table.model().index(row, 0))
    return rows(panel)[row]


@pytest.fixture
def logged(make_bridge, sample_flow, qtbot) -> tuple[EngineBridge, EventLogPanel]:
    """A log of two turns after the start: `Book a ticket`, then `Brussels`."""
    bridge = make_bridge(sample_flow, variables={"first_name": "Ann"})
    panel = EventLogPanel(bridge)
    qtbot.addWidget(panel)
    bridge.press("Book a ticket")
    qtbot.waitUntil(lambda: not bridge.busy, timeout=10_000)
    bridge.send_text("Brussels")
    qtbot.waitUntil(lambda: not bridge.busy, timeout=10_000)
    return bridge, panel


def test_every_event_is_logged_with_time_kind_state_and_summary(logged):
    bridge, panel = logged
    assert rows(panel) == bridge.conversation.events
    row = next(i for i, e in enumerate(rows(panel)) if isinstance(e, ev.VariableChanged) and e.name == "destination")
    time_text, kind, state, text = cells(panel, row)
    assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d\d\d", time_text)
    assert (kind, state) == ("VariableChanged", "ask_destination")
    assert text == "destination = Brussels (ask)"
    model = panel.table.model()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == ["Time", "Kind", "State", "Summary"]


def test_the_log_filters_by_kind_and_by_text(logged, qtbot):
    bridge, panel = logged
    everything = len(rows(panel))
    panel.kind_actions["BotMessage"].trigger()
    assert "BotMessage" not in panel.visible_kinds()
    assert panel.kind_button.text() == f"Kinds ({len(KINDS) - 1}/{len(KINDS)})"
    assert not any(isinstance(e, ev.BotMessage) for e in rows(panel))
    panel.set_visible_kinds({"StateEntered", "BotMessage"})
    assert {e.kind for e in rows(panel)} == {"StateEntered", "BotMessage"}
    qtbot.keyClicks(panel.text_filter, "ask_DEST")
    shown = rows(panel)
    assert shown and all("ask_destination" in summary(e) or e.state == "ask_destination" for e in shown)
    panel.text_filter.clear()
    panel.set_visible_kinds(set())
    assert rows(panel) == []
    panel.set_visible_kinds(set(KINDS))
    assert len(rows(panel)) == everything
    bridge.send_text("tomorrow")
    qtbot.waitUntil(lambda: not bridge.busy, timeout=10_000)
    assert rows(panel) == bridge.conversation.events


def test_selecting_an_event_shows_all_of_it(logged, qtbot):
    _, panel = logged
    with qtbot.waitSignal(panel.event_selected) as signal:
        event = select(panel, ev.StateEntered)
    assert signal.args == [event]
    assert panel.selected_event() is event
    assert '"kind": "StateEntered"' in panel.detail.toPlainText()
    assert f'"state": "{event.state}"' in panel.detail.toPlainText()


def test_a_restart_and_a_new_conversation_start_the_log_over(logged, make_bridge, sample_flow, qtbot):
    bridge, panel = logged
    select(panel, ev.StateEntered)
    bridge.restart()
    qtbot.waitUntil(lambda: not bridge.busy, timeout=10_000)
    assert rows(panel) == bridge.conversation.events
    assert rows(panel)[0] == ev.TurnStarted(input="restart")
    assert panel.detail.toPlainText() == ""
    bridge.detach()
    assert rows(panel) == []


def test_an_http_exchange_shows_the_request_and_the_response(make_bridge, flow_from, backend_url, qtbot):
    bridge = make_bridge(flow_from(API_FLOW), variables={"api_base": backend_url})
    panel = EventLogPanel(bridge)
    qtbot.addWidget(panel)
    panel.set_visible_kinds({"HttpExchange"})
    (exchange,) = rows(panel)
    assert exchange.status == 200
    row = cells(panel, 0)
    assert row[1:3] == ["HttpExchange", "call"]
    assert row[3].startswith(f"POST {backend_url}/echo → 200 OK (")
    select(panel, ev.HttpExchange)
    request, response = panel.detail.toPlainText().split("\nRESPONSE")
    assert request.startswith(f"REQUEST (api, state call)\nPOST {backend_url}/echo\n")
    assert "x-channel: workbench" in request.lower()
    assert '{\n  "to": "Ghent",\n  "passengers": 2\n}' in request
    assert "\n200 OK\n" in response
    assert re.search(r"content-type: application/json", response, re.IGNORECASE)
    assert '  "method": "POST",' in response


def test_a_failed_exchange_shows_the_error():
    failed = ev.HttpExchange(
        state="book", source="fetch", method="GET", url="http://127.0.0.1:9/x", error="connection refused"
    )
    text = details(failed)
    assert text.endswith("RESPONSE (0 ms)\nError: connection refused")
    assert summary(failed) == "GET http://127.0.0.1:9/x → connection refused (0 ms)"
    garbage = ev.HttpExchange(state=None, source="api", method="GET", url="u", status=200, response_body="<html>")
    assert details(garbage).endswith("200 OK\n\n<html>")


def test_thousands_of_events_append_quickly(make_bridge, sample_flow, qtbot, show_widget):
    bridge = make_bridge(sample_flow, start=False)
    panel = show_widget(EventLogPanel(bridge), 800, 400)
    qtbot.waitExposed(panel)
    began = time.perf_counter()
    for n in range(5_000):
        bridge.event.emit(ev.CodeLog(state="code", level="log", message=f"line {n}"))
    assert time.perf_counter() - began < 5
    assert len(rows(panel)) == 5_000
    bar = panel.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=5_000)


def test_a_change_of_language_and_a_bot_wide_event_read_as_one_line_each():
    assert summary(ev.LanguageChanged(language="nl", previous="en", reason="preferredLanguage")) == (
        "en → nl (preferredLanguage)"
    )
    changed = ev.EventTriggered(name="city", type="variables_changed", state="on_change", variables=("city",))
    assert summary(changed) == "city: city changed → on_change"
    silent = ev.EventTriggered(name="Still there", type="silence", state="still_there", seconds=30)
    assert summary(silent) == "Still there: 30 s of silence → still_there"
