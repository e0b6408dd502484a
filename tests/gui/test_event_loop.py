"""The window's event loop lets go of a cancelled timer's callback and context at once (not when it would fire)."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import weakref

from workbench.engine.sandbox import Sandbox
from workbench.gui.event_loop import WorkbenchEventLoop

serving: contextvars.ContextVar[object] = contextvars.ContextVar("serving")


class Conversation:
    """Stands for what a turn's context holds."""


def test_a_cancelled_timeout_does_not_keep_the_conversation_it_was_set_in(qt_loop, qtbot):
    assert isinstance(qt_loop, WorkbenchEventLoop)
    held: list[Conversation] = [Conversation()]
    gone = weakref.ref(held[0])

    async def turn() -> None:
        serving.set(held.pop())
        async with asyncio.timeout(3600):
            await asyncio.sleep(0)

    task = qt_loop.create_task(turn(), context=contextvars.Context())
    qtbot.waitUntil(task.done)
    del task
    gc.collect()
    assert gone() is None


def test_timers_still_fire_and_cancelled_ones_do_not(qt_loop, qtbot):
    fired: list[str] = []
    qt_loop.call_later(0.01, fired.append, "kept")
    qt_loop.call_later(0.01, fired.append, "cancelled").cancel()
    qtbot.waitUntil(lambda: fired == ["kept"])
    qtbot.waitUntil(lambda: qt_loop.time() > 0)  # one more turn of the loop: nothing else arrives
    assert fired == ["kept"]


def test_code_actions_run_and_time_out_on_the_windows_loop(qt_loop, qtbot):
    async def runs() -> tuple[object, object, object]:
        async with Sandbox() as sandbox:
            done = await sandbox.run_code("ChatlayerResponseBuilder().addSessionVariable('x', 2).send()", {})
            again = await sandbox.run_code("ChatlayerResponseBuilder().addSessionVariable('x', 3).send()", {})
            stuck = await sandbox.run_code("while (true) {}", {}, timeout=0.2)
            return done, again, stuck

    task = qt_loop.create_task(runs())
    qtbot.waitUntil(task.done, timeout=20_000)
    done, again, stuck = task.result()
    assert done.variables == {"x": 2} and again.variables == {"x": 3}
    assert stuck.error is not None and stuck.error.kind == "timeout"
