"""The iframe panel in a real QtWebEngine: pages post with window.parent.postMessage, the engine decides."""

import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from workbench.engine import events as ev

PAGES = Path(__file__).resolve().parent / "pages"
ROOT = Path(__file__).resolve().parents[3]
LOAD_TIMEOUT = 20_000  # the first QtWebEngine page of a cold run takes about a second; leave room for slow machines


@pytest.fixture
def hostile_page(make_bridge, sample_flow, make_panel, qtbot):
    """A started conversation, and an iframe panel on it showing pages/hostile.html: (bridge, panel)."""
    bridge = make_bridge(sample_flow, variables={"first_name": "Ann"})
    panel = make_panel(bridge)
    with qtbot.waitSignal(panel.host.content_loaded, timeout=LOAD_TIMEOUT):
        panel.open((PAGES / "hostile.html").as_uri())
    return bridge, panel


def test_the_seed_pages_button_sends_a_chat_message_and_the_bot_answers(
    make_bridge, sample_flow, make_panel, run_js, qtbot
):
    bridge = make_bridge(sample_flow, variables={"first_name": "Ann"})
    panel = make_panel(bridge)
    with qtbot.waitSignal(panel.host.content_loaded, timeout=LOAD_TIMEOUT):
        bridge.send_text("help")
    assert panel.host.url == (sample_flow.folder / "send_message.html").resolve().as_uri()
    assert panel.host.frame_url.startswith("http://127.0.0.1:")
    assert panel.address.text() == panel.host.url

    run_js(panel.host, "document.querySelector('button').click()")

    answer = ev.BotMessage(state="button_clicked", text="I saw that you clicked the button!")
    qtbot.waitUntil(lambda: answer in bridge.conversation.events, timeout=10_000)
    events = bridge.conversation.events
    said = events.index(ev.UserMessage(text="You clicked the button", via="iframe"))
    assert said < events.index(answer)
    accepted = next(e for e in events if isinstance(e, ev.IframeMessageAccepted))
    assert accepted.origin == panel.host.frame_url.rsplit("/", 1)[0]
    assert accepted.type == "SEND_MESSAGE"
    assert "accepted: SEND_MESSAGE" in panel.status.text()


def test_the_seat_picker_sets_the_seat_and_goes_on_to_the_email_question(
    make_bridge, sample_flow, make_panel, run_js, qtbot
):
    variables = {"first_name": "Ann", "destination": "Ghent", "passengers": 2}
    bridge = make_bridge(sample_flow, start=False, variables=variables)
    panel = make_panel(bridge)
    with qtbot.waitSignal(panel.host.content_loaded, timeout=LOAD_TIMEOUT):
        bridge.start("pick_seat")
    assert panel.host.frame_url.endswith("/seat_picker.html?to=Ghent&passengers=2")
    assert (
        run_js(panel.host, "document.getElementById('title').textContent") == "Pick a seat to Ghent for 2 passenger(s)"
    )

    run_js(panel.host, "document.getElementById('seat-12A').click()")

    session = bridge.conversation.session
    qtbot.waitUntil(lambda: session.current_state == "ask_email" and not bridge.busy, timeout=10_000)
    assert session.get("seat") == "12A"
    bridge.send_text("ann@example.com")
    qtbot.waitUntil(lambda: session.current_state == "summary", timeout=10_000)


def test_garbage_reaches_the_engine_and_is_refused_with_reasons(hostile_page, run_js, qtbot):
    bridge, panel = hostile_page
    conversation = bridge.conversation
    before = conversation.session.snapshot()
    start = len(conversation.events)

    count = run_js(panel.host, "postGarbage()")
    qtbot.waitUntil(lambda: _count(conversation.events[start:], ev.IframeMessageRejected) == count, timeout=10_000)
    qtbot.waitUntil(lambda: panel.pending == 0 and not bridge.busy, timeout=10_000)

    new = conversation.events[start:]
    assert all(isinstance(e, ev.IframeMessageRejected) for e in new)
    reasons = [e.reason for e in new]
    assert all(reasons)
    for expected in (
        "not JSON",
        "expected an object",
        "target is 'OTHER'",
        "unknown type",
        "payload.text",
        "payload must be an object",
        "internal.* variables are read-only",
        "payload has no variables",
        "no dialog state 'no_such_state'",
        "payload needs one of",
        "larger than 64 KB",
    ):
        assert any(expected in reason for reason in reasons), expected
    assert conversation.session.snapshot() == before
    assert panel.status.text().startswith("Last message rejected: ")


def test_frames_nested_in_the_page_are_not_heard_and_the_page_cannot_reach_past_postmessage(
    hostile_page, run_js, qtbot
):
    bridge, panel = hostile_page
    conversation = bridge.conversation
    before = conversation.session.snapshot()
    start = len(conversation.events)
    heard: list[str] = []
    panel.host.message_posted.connect(lambda origin, data: heard.append(data))

    with qtbot.waitSignal(panel.host.message_posted, timeout=10_000):
        run_js(panel.host, "postFromNestedFrames()")
    qtbot.wait(300)  # anything a nested frame posted would have arrived by now
    assert heard == ['{"target":"REPORT","nested":"done"}']

    with qtbot.waitSignal(panel.host.message_posted, timeout=10_000) as reported:
        run_js(panel.host, "tryToEscape()")
    attempts = json.loads(reported.args[1])["attempts"]
    assert attempts["hostDocument"] == "blocked"
    assert attempts["qt"] == "undefined"
    assert attempts["hostQt"] == "blocked"
    qtbot.wait(300)  # a top navigation would take the host page away
    assert run_js(panel.host, "document.getElementById('content') !== null", in_frame=False)
    assert run_js(panel.host, "typeof window.qt", in_frame=False) == "undefined"
    with qtbot.waitSignal(panel.host.message_posted, timeout=10_000):
        run_js(panel.host, "postBurst(1)")

    qtbot.waitUntil(lambda: panel.pending == 0 and not bridge.busy, timeout=10_000)
    assert conversation.session.snapshot() == before
    # the two reports and the one garbage message, refused; nothing from the nested frames
    assert [type(e) for e in conversation.events[start:]] == [ev.IframeMessageRejected] * 3


def test_a_burst_of_a_thousand_messages_is_handled_in_order_and_the_window_stays_responsive(
    hostile_page, run_js, qtbot
):
    bridge, panel = hostile_page
    conversation = bridge.conversation
    before = conversation.session.snapshot()
    start = len(conversation.events)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()

    began = time.perf_counter()
    run_js(panel.host, "postBurst(1000)")
    qtbot.waitUntil(
        lambda: (
            _count(conversation.events[start:], ev.IframeMessageRejected, ev.IframeMessageAccepted) == 1000
            and panel.pending == 0
            and not bridge.busy
        ),
        timeout=30_000,
    )
    took = time.perf_counter() - began
    timer.stop()

    new = conversation.events[start:]
    assert _count(new, ev.IframeMessageRejected) == 500
    burst = [e.value for e in new if isinstance(e, ev.VariableChanged)]
    assert burst == list(range(1, 1000, 2))  # in the order posted, and nothing else changed
    assert conversation.session.snapshot() == {**before, "burst": 999}
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    print(f"\n1,000 messages handled in {took:.2f} s; {len(ticks)} timer ticks, longest gap {max(gaps) * 1000:.0f} ms")
    assert len(ticks) >= took / 0.010 / 4
    assert max(gaps) < 0.25


def test_a_new_conversation_takes_the_old_page_away(make_bridge, sample_flow, make_panel, qtbot):
    bridge = make_bridge(sample_flow, variables={"first_name": "Ann"})
    panel = make_panel(bridge)
    with qtbot.waitSignal(panel.host.content_loaded, timeout=LOAD_TIMEOUT):
        bridge.send_text("help")
    bridge.detach()
    assert panel.host.url == ""
    assert panel.address.text() == "No iframe opened yet."


def test_only_web_pages_and_local_files_open(make_bridge, sample_flow, make_panel):
    panel = make_panel(make_bridge(sample_flow, start=False))
    panel.open("javascript:alert(1)")
    assert panel.host.url == ""
    assert "cannot show 'javascript:alert(1)'" in panel.address.text()


def test_the_window_does_not_start_qtwebengine_until_an_iframe_is_needed():
    probe = (
        "import sys, workbench.gui.main_window, workbench.gui.iframe, workbench.gui.iframe.page_server; "
        "print(sorted(m for m in sys.modules if m.startswith('PySide6.QtWebEngine')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def _count(events: list[ev.Event], *kinds: type[ev.Event]) -> int:
    return sum(isinstance(e, kinds) for e in events)
