"""Hostile iframe pages in a real QtWebEngine: dialogs, scripts that never end, floods of large messages, a page
left over from before a restart, URLs that name nothing. The window stays usable and the panel says what happened."""

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from loop_ticks import LoopTicks

from workbench.engine import events as ev
from workbench.gui.iframe import host
from workbench.gui.iframe.host import HANG_SECONDS
from workbench.gui.iframe.panel import MAX_PENDING_CHARS

LOAD_TIMEOUT = 20_000
TOO_LARGE = 70_000  # characters: over the engine's 64 KB, and over what the bridge lets through (64 KB + 1)


@pytest.fixture
def write_page(tmp_path: Path) -> Callable[[str, str], str]:
    """Write a page whose body runs `script`; its file: URL."""

    def write(name: str, script: str) -> str:
        page = tmp_path / name
        page.write_text(f"<!DOCTYPE html><p>{name}</p><script>{script}</script>", encoding="utf-8")
        return page.as_uri()

    return write


@pytest.fixture
def panel_on(make_bridge, sample_flow, make_panel, qtbot):
    """An iframe panel on a started conversation, showing `url` once it has loaded: (bridge, panel)."""

    def show(url: str):
        bridge = make_bridge(sample_flow, variables={"first_name": "Ann"})
        panel = make_panel(bridge)
        with qtbot.waitSignal(panel.host.content_loaded, timeout=LOAD_TIMEOUT):
            panel.open(url)
        return bridge, panel

    return show


@pytest.fixture
def ticks() -> Iterator[LoopTicks]:
    """The window's loop ticking all through the test."""
    loop = LoopTicks()
    loop.start()
    yield loop
    loop.timer.stop()


def dropped_in(panel) -> int:
    """How many messages the panel's status counts as dropped."""
    shown = panel.status.text().split(" dropped")[0].rsplit(" ", 1)[-1]
    return int(shown) if "dropped" in panel.status.text() else 0


@pytest.mark.parametrize(
    ("call", "answer", "notice"),
    [
        ("alert('Seat <b>12A</b> is taken')", "undefined", "The page called alert('Seat <b>12A</b> is taken')"),
        ("confirm('Book it?')", "true", "The page called confirm('Book it?')"),
        ("prompt('Your name?', 'Ann')", "Ann", "The page called prompt('Your name?')"),
    ],
)
def test_alert_confirm_and_prompt_open_no_dialog_and_the_panel_says_what_the_page_asked(
    panel_on, write_page, run_js, qtbot, call, answer, notice
):
    _, panel = panel_on(write_page("dialog.html", "window.ask = () => String(" + call + ")"))

    assert run_js(panel.host, "ask()") == answer  # at once: no modal dialog waits for someone to close it

    qtbot.waitUntil(lambda: notice in panel.status.text(), timeout=5_000)
    assert "the workbench opens no dialogs and answered OK" in panel.status.text()


def test_a_page_whose_script_never_ends_is_stopped_and_the_next_page_opens(panel_on, write_page, run_js, qtbot, ticks):
    _, panel = panel_on(write_page("loop.html", "window.hang = () => setTimeout(() => { while (true) {} })"))
    run_js(panel.host, "hang(); 'hanging'")

    began = time.perf_counter()
    with qtbot.waitSignal(panel.host.content_loaded, timeout=(HANG_SECONDS + 10) * 1000):
        panel.open(write_page("next.html", ""))
    took = time.perf_counter() - began

    assert run_js(panel.host, "document.body.textContent") == "next.html"
    assert f"The page stopped responding for {HANG_SECONDS} s" in panel.status.text()
    assert HANG_SECONDS - 1 < took < HANG_SECONDS + 8
    assert ticks.longest_gap() < 1.0  # the window answered all along


def test_a_page_that_hangs_as_it_loads_is_stopped_twice_then_left_and_the_conversation_goes_on(
    make_bridge, sample_flow, make_panel, write_page, qtbot
):
    bridge = make_bridge(sample_flow, variables={"first_name": "Ann"})
    panel = make_panel(bridge)
    panel.open(write_page("loop.html", "while (true) {}"))

    qtbot.waitUntil(lambda: "then loaded again" in panel.status.text(), timeout=(HANG_SECONDS + 10) * 1000)
    qtbot.waitUntil(lambda: "stopped again" in panel.status.text(), timeout=(HANG_SECONDS + 10) * 1000)
    assert panel.status.text().endswith("(a script that never ends?) and was stopped again. Open it again to retry.")

    with qtbot.waitSignal(panel.host.content_loaded, timeout=LOAD_TIMEOUT):
        bridge.send_text("help")  # the conversation goes on, and its next page shows
    assert panel.host.url.endswith("/send_message.html")


def test_a_flood_of_large_messages_waits_in_bounded_memory_and_each_is_refused_or_counted_as_dropped(
    panel_on, write_page, run_js, qtbot, ticks
):
    count = 1_000
    script = f"window.flood = () => {{ const big = 'x'.repeat({TOO_LARGE}); for (let i = 0; i < {count}; i++) "
    bridge, panel = panel_on(write_page("flood.html", script + "window.parent.postMessage(big, '*'); }"))
    conversation = bridge.conversation
    start = len(conversation.events)
    most_waiting: list[int] = [0]
    panel.host.message_posted.connect(lambda *_: most_waiting.__setitem__(0, max(most_waiting[0], panel.pending)))

    run_js(panel.host, "flood(); 'posted'")

    def refused() -> int:
        return sum(isinstance(e, ev.IframeMessageRejected) for e in conversation.events[start:])

    qtbot.waitUntil(lambda: refused() + dropped_in(panel) == count and panel.pending == 0, timeout=60_000)
    new = conversation.events[start:]
    assert all(isinstance(e, ev.IframeMessageRejected) and "larger than 64 KB" in e.reason for e in new)
    assert most_waiting[0] <= MAX_PENDING_CHARS // (64 * 1024)
    assert ticks.longest_gap() < 1.0


def test_a_page_posting_faster_than_the_window_takes_it_has_the_rest_dropped_before_they_cross(
    panel_on, write_page, run_js, qtbot
):
    count = 3_000  # of 60 KB each: 180 MB that used to pile up in Qt's transport (the app reached 900 MB)
    script = "window.flood = () => { const big = 'x'.repeat(60000); for (let i = 0; i < 3000; i++) "
    bridge, panel = panel_on(write_page("fast.html", script + "window.parent.postMessage(big, '*'); }"))
    conversation = bridge.conversation
    start = len(conversation.events)
    crossed, dropped_in_page = [0], [0]
    panel.host.message_posted.connect(lambda *_: crossed.__setitem__(0, crossed[0] + 1))
    panel.host.messages_dropped.connect(lambda n: dropped_in_page.__setitem__(0, dropped_in_page[0] + n))

    run_js(panel.host, "flood(); 'posted'")

    def judged() -> int:
        return sum(isinstance(e, ev.IframeMessageRejected) for e in conversation.events[start:])

    qtbot.waitUntil(lambda: judged() + dropped_in(panel) == count and panel.pending == 0, timeout=60_000)
    assert dropped_in_page[0] > 0  # dropped by the bridge in the host page: they never crossed
    assert crossed[0] + dropped_in_page[0] == count
    assert all("not JSON" in e.reason for e in conversation.events[start:] if isinstance(e, ev.IframeMessageRejected))


def test_a_restart_takes_the_old_page_away_so_it_cannot_write_to_the_new_session(panel_on, write_page, qtbot):
    update = "{target: 'CL_API', type: 'UPDATE_SESSION', payload: {tick: n++}}"
    bridge, panel = panel_on(
        write_page("ticker.html", f"let n = 0; setInterval(() => parent.postMessage({update}, '*'), 5)")
    )
    session = lambda: bridge.conversation.session  # noqa: E731 - a restart replaces the session
    qtbot.waitUntil(lambda: isinstance(session().get("tick"), int), timeout=10_000)

    bridge.restart()
    qtbot.waitUntil(lambda: panel.host.url == "" and not bridge.busy and panel.pending == 0, timeout=10_000)
    qtbot.wait(300)  # what the old page still posted would have arrived by now

    assert session().get("tick") is None
    assert panel.address.text() == "No iframe opened yet."


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::1", "it is not a valid URL"),
        ("https://", "it is not a valid URL"),
        ("file://", "it names a folder, not a file"),
        ("file:///", "it names a folder, not a file"),
    ],
)
def test_a_url_that_names_no_page_is_refused_with_the_reason(make_bridge, sample_flow, make_panel, url, reason):
    panel = make_panel(make_bridge(sample_flow, start=False))
    panel.open(url)
    assert panel.host.url == ""
    assert panel.address.text() == f"cannot show '{url}' in an iframe: {reason}"


def test_a_local_pages_fragment_and_odd_characters_reach_it(
    make_bridge, sample_flow, make_panel, tmp_path, run_js, qtbot
):
    page = tmp_path / "seat #1 é'\"<b>.html"
    page.write_text("<p>odd</p>", encoding="utf-8")
    panel = make_panel(make_bridge(sample_flow, start=False))
    with qtbot.waitSignal(panel.host.content_loaded, timeout=LOAD_TIMEOUT):
        panel.open(page.as_uri() + "?to=<Ghent>#seats")
    assert run_js(panel.host, "decodeURIComponent(location.pathname)") == "/seat #1 é'\"<b>.html"
    assert run_js(panel.host, "decodeURIComponent(location.search) + location.hash") == "?to=<Ghent>#seats"
    assert run_js(panel.host, "document.body.textContent") == "odd"


def test_a_page_that_fills_its_memory_ends_at_the_heap_limit_with_a_notice_and_the_next_page_opens(
    panel_on, write_page, run_js, qtbot
):
    eat = "const kept = []; setInterval(() => { for (let i = 0; i < 20; i++) kept.push(new Array(1e6).fill(0.5)) })"
    _, panel = panel_on(write_page("greedy.html", f"window.eat = () => {{ {eat} }}"))
    run_js(panel.host, "eat(); 'eating'")

    # 512 MB of JavaScript heap (PAGE_HEAP_MB), not the 4 GB V8 would otherwise give each page
    qtbot.waitUntil(lambda: "crashed (out of memory?)" in panel.status.text(), timeout=20_000)
    assert panel.status.text().endswith("Open it again to retry.")
    with qtbot.waitSignal(panel.host.content_loaded, timeout=LOAD_TIMEOUT):
        panel.open(write_page("next.html", ""))
    assert run_js(panel.host, "document.body.textContent") == "next.html"


def test_a_page_that_never_finishes_loading_is_not_taken_for_a_hung_one(
    make_bridge, sample_flow, make_panel, qtbot, monkeypatch
):
    monkeypatch.setattr(host, "HANG_SECONDS", 1)
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def serve_forever_slowly() -> None:
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            accepted.append(connection)
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>still loading")

    threading.Thread(target=serve_forever_slowly, daemon=True).start()
    panel = make_panel(make_bridge(sample_flow, variables={"first_name": "Ann"}))
    try:
        panel.open(f"http://127.0.0.1:{listener.getsockname()[1]}/slow.html")
        qtbot.waitUntil(lambda: bool(accepted), timeout=LOAD_TIMEOUT)
        qtbot.wait(3_000)  # three times the (shortened) hang limit
        assert "stopped responding" not in panel.status.text()
    finally:
        listener.close()
        for connection in accepted:
            connection.close()
