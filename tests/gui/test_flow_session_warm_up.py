"""Opening a flow warms up the JavaScript engine in the loading thread: V8's library is opened there (once per
process), so that the first route condition of a conversation or a test run does not open it on the event loop.
After a load, what is alive (the window, the flow, the libraries and caches warmed up) is left out of the garbage
collector's full passes, which otherwise stopped the event loop for ~80 ms at a time."""

from __future__ import annotations

import gc
import threading
import weakref

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


def test_after_a_load_what_lives_as_long_as_the_window_is_left_out_of_full_collections():
    _load(SAMPLE_DIR / "train_ticket.yaml")

    assert gc.get_freeze_count() > 0  # the modules, caches and Qt wrappers alive then
    collected: list[str] = []
    weakref.finalize(_cycle(), collected.append, "made after the freeze")
    gc.collect()
    assert collected == ["made after the freeze"]  # a cycle made later is collected as before


class _Node:
    """An object that can be part of a reference cycle."""

    other: _Node


def _cycle() -> _Node:
    """Two objects that hold each other, referenced from nowhere else once returned."""
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    return first
