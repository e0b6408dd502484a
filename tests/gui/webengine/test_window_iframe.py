"""The seed's iframe page inside the whole window: its button's message shows in the chat and the bot answers."""

import pytest

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
