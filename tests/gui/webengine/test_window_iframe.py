"""The seed's iframe page inside the whole window: its button's message shows in the chat and the bot answers."""

import shutil

import pytest
from PySide6.QtCore import Qt

LOAD_TIMEOUT = 15_000


@pytest.fixture
def window(make_window):
    return make_window({"first_name": "Ann"})


def test_clicking_the_seed_pages_button_shows_the_message_in_the_chat(window, qtbot, run_js):
    from tests.gui.conftest import SAMPLE

    task = window.open_flow(SAMPLE)
    qtbot.waitUntil(lambda: task.done() and not window.bridge.busy, timeout=10_000)
    assert window.iframe_panel is None  # QtWebEngine starts only when an iframe is needed
    with qtbot.waitSignal(window.bridge.event, check_params_cb=lambda e: e.kind == "IframeOpened", timeout=10_000):
        window.bridge.send_text("help")
    host = window.iframe_panel.host
    with qtbot.waitSignal(host.content_loaded, timeout=LOAD_TIMEOUT):
        pass  # the panel was created by the IframeOpened event and is loading the page
    run_js(host, "document.querySelector('button').click()")
    texts = lambda: [item.engine_event.text for item in window.chat.bubbles() if hasattr(item.engine_event, "text")]  # noqa: E731
    qtbot.waitUntil(lambda: "I saw that you clicked the button!" in texts(), timeout=10_000)
    assert "You clicked the button" in texts()
    assert window.docks["iframe"].isVisible()


def test_the_seat_picker_opens_at_its_height_beside_a_chat_that_keeps_its_width(window, qtbot, run_js):
    from tests.gui.conftest import SAMPLE

    window.resize(1920, 1080)
    task = window.open_flow(SAMPLE)
    qtbot.waitUntil(lambda: task.done() and not window.bridge.busy, timeout=10_000)
    window.bridge.set_variable("destination", "Ghent")
    with qtbot.waitSignal(window.bridge.event, check_params_cb=lambda e: e.kind == "IframeOpened", timeout=10_000):
        window.bridge.start("pick_seat")  # iframe: {url: seat_picker.html?…, height: 320}
    host = window.iframe_panel.host
    with qtbot.waitSignal(host.content_loaded, timeout=LOAD_TIMEOUT):
        pass
    dock = window.docks["iframe"]
    qtbot.waitUntil(lambda: host.height() >= 320, timeout=5_000)
    assert run_js(host, "document.getElementById('content').getBoundingClientRect().bottom", in_frame=False) <= (
        host.height()
    )  # the whole iframe, with the chat frame around it, is on view
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert window.chat.width() >= 400
    assert not dock.visibleRegion().isEmpty()


def test_saving_the_flow_keeps_the_iframe_page_and_it_still_talks_to_the_bot(make_window, qtbot, run_js, tmp_path):
    from tests.gui.conftest import SAMPLE
    from workbench.engine import events as ev

    shutil.copytree(SAMPLE.parent, tmp_path / "flow")
    flow_file = tmp_path / "flow" / SAMPLE.name
    window = make_window({"first_name": "Ann"})
    task = window.open_flow(flow_file)
    qtbot.waitUntil(lambda: task.done() and not window.bridge.busy, timeout=10_000)
    with qtbot.waitSignal(window.bridge.event, check_params_cb=lambda e: e.kind == "IframeOpened", timeout=10_000):
        window.bridge.send_text("help")
    host = window.iframe_panel.host
    with qtbot.waitSignal(host.content_loaded, timeout=LOAD_TIMEOUT):
        pass
    page = host.url
    conversation = window.bridge.conversation

    flow_file.write_text(flow_file.read_text().replace("This little page shows", "This small page shows"))
    qtbot.waitUntil(lambda: any(isinstance(e, ev.FlowReloaded) for e in conversation.events), timeout=10_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)

    assert window.bridge.conversation is conversation
    assert host.url == page
    run_js(host, "document.querySelector('button').click()")
    texts = lambda: [item.engine_event.text for item in window.chat.bubbles() if hasattr(item.engine_event, "text")]  # noqa: E731
    qtbot.waitUntil(lambda: "I saw that you clicked the button!" in texts(), timeout=10_000)
