"""Opening a flow warms up the JavaScript engine in the loading thread: V8's library is opened there (once per
process), so that the first route condition of a conversation or a test run does not open it on the event loop."""

from __future__ import annotations

import threading

from py_mini_racer import MiniRacer
from py_mini_racer import _dll as mini_racer_library
from qa_helpers import SAMPLE_DIR

from workbench.engine.sandbox_context import warm_up as warm_up_javascript
from workbench.gui.flow_session import _load


def test_loading_a_flow_in_a_thread_opens_the_javascript_engine_there():
    thread = threading.Thread(target=_load, args=(SAMPLE_DIR / "train_ticket.yaml",))
    thread.start()
    thread.join()

    assert mini_racer_library._dll_handle is not None
    warm_up_javascript()  # again: nothing more to do
    assert MiniRacer().eval("[1, 2].map(x => x * 2).join()") == "2,4"
