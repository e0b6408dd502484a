"""Benchmark: from pressing Enter in the chat to the bot's bubble being painted, in milliseconds.

Run it with `python tests/benchmarks/bench_chat_latency.py [-n 200]`. It builds the chat pane on the sample flow in
a real (offscreen) QApplication with a qasync loop, then repeats: type a message that gives a message-only turn
(the flow's `not_understood` answer), press Enter, and wait until the bot's new bubble receives its first paint
event. The chat keeps growing, as a long conversation does; the figure covers the engine's turn, building the
bubble, the layout, following to the bottom and painting.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.engine import events as ev  # noqa: E402
from workbench.engine.conversation import Conversation  # noqa: E402
from workbench.flow.loader import load_flow_or_raise  # noqa: E402
from workbench.gui.chat import ChatPanel  # noqa: E402
from workbench.gui.engine_bridge import EngineBridge  # noqa: E402
from workbench.gui.event_loop import WorkbenchEventLoop  # noqa: E402

SAMPLE = ROOT / "flows" / "train_ticket" / "train_ticket.yaml"
MESSAGE = "what a lovely day"


class PaintWatch(QObject):
    """Resolves `painted` when the watched widget gets its first paint event."""

    def __init__(self) -> None:
        super().__init__()
        self.painted: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note the time of the first paint."""
        if event.type() == QEvent.Type.Paint and not self.painted.done():
            self.painted.set_result(time.perf_counter())
        return False


async def measure(n: int) -> tuple[list[float], list[float]]:
    """Run `n` message-only turns through the chat pane: the Enter-to-painted time of each and the engine's own
    time for each turn, in ms."""
    flow = load_flow_or_raise(SAMPLE)
    bridge = EngineBridge()
    conversation = Conversation(flow, variables={"first_name": "Ann"})
    bridge.attach(conversation)
    panel = ChatPanel(bridge)
    panel.resize(480, 720)
    panel.show()
    bridge.start()
    await bridge.wait_idle()
    watch: PaintWatch | None = None
    engine: list[float] = []

    def on_event(event: ev.Event) -> None:
        # Connected after the panel, so the panel has already added the bubble for this event.
        if isinstance(event, ev.BotMessage) and watch is not None:
            panel.bubbles()[-1].installEventFilter(watch)
        elif isinstance(event, ev.TurnFinished):
            engine.append(event.duration * 1000)

    bridge.event.connect(on_event)
    times: list[float] = []
    try:
        for _ in range(n):
            watch = PaintWatch()
            QTest.keyClicks(panel.input_box, MESSAGE)
            began = time.perf_counter()
            QTest.keyClick(panel.input_box, Qt.Key.Key_Return)
            painted = await asyncio.wait_for(watch.painted, timeout=5)
            times.append((painted - began) * 1000)
            await bridge.wait_idle()
    finally:
        bridge.detach()
        await conversation.aclose()
    return times, engine


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the median and 95th percentile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="how many turns to time")
    args = parser.parse_args(argv)
    QApplication.instance() or QApplication([])
    with asyncio.Runner(loop_factory=WorkbenchEventLoop) as runner:
        times, engine = runner.run(measure(args.n))
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
    first, last = times[: len(times) // 10 or 1], times[-(len(times) // 10 or 1) :]
    print(f"chat latency, Enter to bot bubble painted, {len(times)} turns")
    print(f"  median {statistics.median(times):.1f} ms   p95 {p95:.1f} ms   max {max(times):.1f} ms")
    print(f"  of which the engine's turn: median {statistics.median(engine):.1f} ms")
    print(f"  first 10%: median {statistics.median(first):.1f} ms   last 10%: median {statistics.median(last):.1f} ms")


if __name__ == "__main__":
    main()
