"""GUI test fixtures: a qasync event loop inside pytest-qt's QApplication, and a bridge on a real conversation."""

import asyncio
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
import qasync
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QWidget

from workbench.engine.conversation import Conversation
from workbench.flow.loader import load_flow_or_raise
from workbench.flow.model import Flow
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.event_loop import WorkbenchEventLoop
from workbench.gui.main_window import TYPING_DELAY_SETTING, MainWindow

# QtWebEngine (the iframe panel) needs this before the QApplication that pytest-qt creates.
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)

W = TypeVar("W", bound=QWidget)

SAMPLE = Path(__file__).resolve().parents[2] / "flows" / "train_ticket" / "train_ticket.yaml"


@pytest.fixture
def qt_loop(qapp, qtbot) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop driven by Qt's event processing (qtbot.wait/waitUntil run it).

    A task that failed and that nobody awaited fails the test. The loop's handler only collects such errors: the
    default one formats their tracebacks from the garbage collector, and on Python 3.11 that formatting (which
    calls ast.parse) can run inside another ast.parse, such as pytest's assertion rewriting, and break it with
    "SystemError: AST constructor recursion depth mismatch".
    """
    unhandled: list[str] = []
    loop = WorkbenchEventLoop(qapp, already_running=True)
    loop.set_exception_handler(lambda _loop, context: unhandled.append(_unhandled(context)))
    # run_in_executor's threads are QThreads: they must be finished before the process exits.
    executor = qasync.QThreadExecutor(1)
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    # Let them unwind now, on this loop, rather than be dropped half-way by a later test.
    qtbot.waitUntil(lambda: all(task.done() for task in pending), timeout=10_000)
    gc.collect()  # so that a failed task nobody kept is reported here, by this test
    executor.shutdown(wait=True)
    asyncio.set_event_loop(None)
    # qasync's already_running mode marks the loop as running for the whole thread; undo that, or every later
    # test that calls asyncio.run() would be told another loop is running.
    asyncio.events._set_running_loop(None)
    if unhandled:
        pytest.fail("\n".join(unhandled), pytrace=False)


def _unhandled(context: dict) -> str:
    exc = context.get("exception")
    return f"{context.get('message', 'unhandled error')}: {exc!r}" if exc is not None else context.get("message", "")


@pytest.fixture
def sample_flow() -> Flow:
    """The bundled train-ticket flow."""
    return load_flow_or_raise(SAMPLE)


@pytest.fixture
def tiny_flow(flow_from) -> Flow:
    """Two message states, hello then bye: a flow that fits any view."""
    return flow_from("""
        name: Tiny
        start: hello
        states:
          hello:
            say: Hi
            next: bye
          bye:
            say: Bye
    """)


@pytest.fixture
def show_widget(qtbot) -> Callable[[W, int, int], W]:
    """Show a widget at a size (width, height) and return it; pytest-qt closes and deletes it after the test."""

    def show(widget: W, width: int, height: int) -> W:
        qtbot.addWidget(widget)
        widget.resize(width, height)
        widget.show()
        return widget

    return show


@pytest.fixture
def make_bridge(qt_loop, qtbot) -> Iterator[Callable[..., EngineBridge]]:
    """Build a bridge attached to a real conversation on `flow` (started unless `start=False`)."""
    made: list[tuple[EngineBridge, Conversation]] = []

    def build(flow: Flow, *, start: bool = True, variables: dict | None = None) -> EngineBridge:
        bridge = EngineBridge()
        conversation = Conversation(flow, variables=variables)
        bridge.attach(conversation)
        made.append((bridge, conversation))
        if start:
            bridge.start()
            qtbot.waitUntil(lambda: not bridge.busy, timeout=10_000)
        return bridge

    yield build
    for bridge, conversation in made:
        bridge.detach()
        task = qt_loop.create_task(conversation.aclose())
        qtbot.waitUntil(task.done, timeout=5_000)


@pytest.fixture
def make_window(qt_loop, qtbot, tmp_path) -> Iterator[Callable[..., MainWindow]]:
    """Build shown main windows (settings in a temporary file); closed, shut down and deleted afterwards."""
    made: list[MainWindow] = []

    def build(variables: dict | None = None, settings: QSettings | None = None) -> MainWindow:
        if settings is None:
            settings = QSettings(str(tmp_path / f"settings{len(made)}.ini"), QSettings.Format.IniFormat)
            settings.setValue(TYPING_DELAY_SETTING, False)  # tests see bot messages at once (a test turns it on)
        window = MainWindow(settings, variables)
        window.show()
        made.append(window)
        return window

    yield build
    for window in made:
        window.close()
        task = qt_loop.create_task(window.shutdown())
        qtbot.waitUntil(task.done, timeout=10_000)
        # Delete the window (and its web pages) now: QtWebEngine crashes at exit if its profile goes first.
        with qtbot.waitSignal(window.destroyed, timeout=5_000):
            window.deleteLater()
