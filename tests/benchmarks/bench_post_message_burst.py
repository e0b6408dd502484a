"""Benchmark: postMessage bursts from an iframe page cost the same at message 1 and message 10,000.

Run it with `python tests/benchmarks/bench_post_message_burst.py [-n 10000] [--burst 300] [--profile]`. An iframe
page alternately posts `UPDATE_SESSION` (two variables) and `SEND_MESSAGE` (a text the flow does not understand,
so each one adds a user bubble and a bot bubble) to a flow that waits in an iframe state. It prints:

1. the engine alone (`Conversation.post_message`, awaited one after the other): µs per message over messages
   1–100 and over the last 100;
2. the same through the whole window (offscreen): the bridge, the chat, the event log, the inspector, the timeline,
   the graph and the iframe panel all follow the conversation; every block of 100 messages is timed whole, so the
   panels' coalesced refreshes (zero-timers) count too;
3. the longest time the event loop was blocked while the window took a burst of `--burst` messages, all posted at
   once through the iframe panel (as a page's `postMessage` calls arrive), measured with a 1 ms QTimer heartbeat;
   beside it, the longest such block in the main thread's own CPU time, which other processes on a busy machine
   do not inflate.

`--profile` adds cProfile's top entries (by own time) for the engine loop, for the window's last 1,000 messages and
for the burst.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.engine.conversation import Conversation  # noqa: E402
from workbench.flow.loader import load_flow_text  # noqa: E402
from workbench.gui.event_loop import WorkbenchEventLoop  # noqa: E402
from workbench.gui.main_window import TYPING_DELAY_SETTING, MainWindow  # noqa: E402

FLOW = """\
name: Burst
start: pick
states:
  pick:
    iframe: {url: "http://127.0.0.1:9/seat_picker.html"}
"""
ORIGIN = "http://127.0.0.1:9"
BLOCK = 100


def message(i: int) -> str:
    """The page's `i`-th postMessage, as a page sends it: a JSON string."""
    if i % 2:
        payload: dict[str, object] = {"text": f"seat {i} please"}
        return json.dumps({"target": "CL_API", "type": "SEND_MESSAGE", "payload": payload})
    payload = {"seat": {"row": i // 2, "letter": "A"}, "picked": i}
    return json.dumps({"target": "CL_API", "type": "UPDATE_SESSION", "payload": payload})


async def timed_blocks(
    n: int, post: Callable[[int], Awaitable[object]], profile: cProfile.Profile | None, profiled: int
) -> list[float]:
    """Post `n` messages one after the other; the wall time of every block of `BLOCK` messages. The last
    `profiled` messages run under `profile`."""
    blocks: list[float] = []
    began = time.perf_counter()
    for i in range(n):
        if profile is not None and i == n - profiled:
            profile.enable()
        await post(i)
        if (i + 1) % BLOCK == 0:
            now = time.perf_counter()
            blocks.append(now - began)
            began = now
    if profile is not None:
        profile.disable()
    return blocks


def top(profile: cProfile.Profile, count: int = 15) -> str:
    """cProfile's top entries by own time."""
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(count)
    return "\n".join(line for line in out.getvalue().splitlines() if line.strip())


async def engine_only(n: int, profile: cProfile.Profile | None) -> list[float]:
    """The engine alone: `n` messages through `Conversation.post_message`."""
    flow = load_flow_text(FLOW, "burst.yaml").flow
    assert flow is not None
    async with Conversation(flow) as conversation:
        await conversation.start()
        return await timed_blocks(n, lambda i: conversation.post_message(message(i), ORIGIN), profile, n)


async def in_window(
    n: int, burst: int, profile: cProfile.Profile | None, burst_profile: cProfile.Profile | None
) -> tuple[list[float], tuple[float, float]]:
    """The window: `n` messages one after the other, then a burst of `burst` posted at once; the block times and
    the longest event-loop blocks during the burst (wall and the main thread's CPU time, seconds)."""
    folder = Path(tempfile.mkdtemp())
    (folder / "burst.yaml").write_text(FLOW)
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue(TYPING_DELAY_SETTING, False)  # measure the window, not the pacing
    window = MainWindow(settings)
    window.show()
    await window.open_flow(folder / "burst.yaml")
    await window.bridge.wait_idle()
    while window.iframe_panel is None:  # the iframe state opens the panel (QtWebEngine starts once, here)
        await asyncio.sleep(0.01)
    panel = window.iframe_panel
    await asyncio.sleep(0.5)

    async def post(i: int) -> None:
        task = window.bridge.post_message(message(i), ORIGIN)
        assert task is not None
        await task

    try:
        blocks = await timed_blocks(n, post, profile, min(n, 1000))
        await asyncio.sleep(0.2)
        longest = await burst_block(panel, burst, n, burst_profile)
    finally:
        window.close()
        await window.shutdown()
    return blocks, longest


async def burst_block(panel: object, burst: int, first: int, profile: cProfile.Profile | None) -> tuple[float, float]:
    """Post `burst` messages at once through the iframe panel, as the page does; the longest gap between two
        heartbeats of a 1 ms timer until the last one was handled, in wall time and in the main thread's CPU time (under
    `profile`, if any)."""
    gaps = [0.0, 0.0]
    last = [time.perf_counter(), time.thread_time()]

    def beat() -> None:
        now = (time.perf_counter(), time.thread_time())
        gaps[:] = [max(gap, at - before) for gap, at, before in zip(gaps, now, last, strict=True)]
        last[:] = now

    heartbeat = QTimer(interval=1, timerType=Qt.TimerType.PreciseTimer)
    heartbeat.timeout.connect(beat)
    heartbeat.start()
    await asyncio.sleep(0.05)
    gaps[:], last[:] = [0.0, 0.0], [time.perf_counter(), time.thread_time()]
    if profile is not None:
        profile.enable()
    for i in range(first, first + burst):
        panel.host.message_posted.emit(ORIGIN, message(i))  # type: ignore[attr-defined]
    while panel.pending:  # type: ignore[attr-defined]
        await asyncio.sleep(0.005)
    await asyncio.sleep(0.05)
    heartbeat.stop()
    if profile is not None:
        profile.disable()
    return gaps[0], gaps[1]


def main(argv: list[str] | None = None) -> None:
    """Run the three measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="messages per run (a multiple of 100)")
    parser.add_argument("--burst", type=int, default=300, help="messages posted at once in the window")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top entries")
    args = parser.parse_args(argv)
    n = max(BLOCK * 2, args.n // BLOCK * BLOCK)

    engine_profile = cProfile.Profile() if args.profile else None
    blocks = asyncio.run(engine_only(n, engine_profile))
    print(f"engine alone, {n} postMessages one after the other")
    print(_blocks_line(blocks, n))
    if engine_profile is not None:
        print(top(engine_profile))

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    QApplication.instance() or QApplication([])
    window_profile = cProfile.Profile() if args.profile else None
    burst_profile = cProfile.Profile() if args.profile else None
    with asyncio.Runner(loop_factory=WorkbenchEventLoop) as runner:
        blocks, longest = runner.run(in_window(n, args.burst, window_profile, burst_profile))
    print(f"window attached (offscreen), {n} postMessages one after the other")
    print(_blocks_line(blocks, n))
    print(
        f"longest event-loop block during a burst of {args.burst} postMessages in the window: "
        f"{longest[0] * 1000:.1f} ms (in the main thread's CPU time: {longest[1] * 1000:.1f} ms)"
    )
    if window_profile is not None and burst_profile is not None:
        print(top(window_profile))
        print(f"the burst of {args.burst}")
        print(top(burst_profile))


def _blocks_line(blocks: list[float], n: int) -> str:
    first, last = blocks[0] / BLOCK * 1e6, blocks[-1] / BLOCK * 1e6
    return f"  messages 1–100: {first:.0f} µs per message   messages {n - 99}–{n}: {last:.0f} µs per message"


if __name__ == "__main__":
    main()
