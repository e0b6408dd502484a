"""Benchmark: the sample's conversation tests repeated to 1,000 (or 10,000) conversations, run from the test explorer.

Run it with `python tests/benchmarks/bench_explorer.py [--conversations 1000] [--workers 2] [--loop-runs 2]`. It
copies the train-ticket sample into a temporary folder with its offline convo files (`booking`, `intents`: 8
conversations) repeated until there are enough conversations, opens the flow in a real (offscreen) main window with
the test explorer installed, and times what the explorer does: listing the files, Run all on the event loop (twice
by default, once beyond 2,000 conversations: the first run in a process also pays the engine's one-time warm-ups,
such as dateparser compiling its locales on the first date answer), and Run all in worker processes. Meanwhile a
QTimer ticks every 10 ms: a gap between two ticks is a time the event loop was blocked. Each phase prints its wall
time, its longest block and how many blocks were over 50 ms (target: none, issue 13), and the longest pass of the
garbage collector on the loop's thread (unlike a block, not lengthened by other processes taking the CPU).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.gui.event_loop import WorkbenchEventLoop  # noqa: E402
from workbench.gui.main_window import TYPING_DELAY_SETTING, MainWindow  # noqa: E402
from workbench.gui.test_explorer.panel import ExplorerPanel  # noqa: E402

SAMPLE = ROOT / "flows" / "train_ticket"
OFFLINE = ("booking.convo.yaml", "intents.convo.yaml")
PER_COPY = 8
TICK_MS = 10
LONG_BLOCK = 0.050
LOOP_RUNS_UP_TO = 2000  # conversations run twice on the loop by default; more, once


class LoopWatch:
    """Ticks every 10 ms on the event loop; keeps the largest gap between two ticks and counts the long ones, and
    keeps the longest pass of the garbage collector on the loop's thread."""

    def __init__(self) -> None:
        self.largest = 0.0
        self.long = 0
        self.longest_gc = 0.0
        self._last = time.perf_counter()
        self._gc_began = 0.0
        self._thread = threading.get_ident()
        self._timer = QTimer(interval=TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        gc.callbacks.append(self._collecting)

    def _collecting(self, phase: str, _info: dict[str, int]) -> None:
        if threading.get_ident() != self._thread:
            return
        if phase == "start":
            self._gc_began = time.perf_counter()
        else:
            self.longest_gc = max(self.longest_gc, time.perf_counter() - self._gc_began)

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self._last
        self.largest = max(self.largest, gap)
        self.long += gap > LONG_BLOCK
        self._last = now

    def reset(self) -> None:
        """Start a new measurement."""
        self.largest = 0.0
        self.long = 0
        self.longest_gc = 0.0
        self._last = time.perf_counter()


def make_suite(folder: Path, conversations: int) -> Path:
    """The sample flow in `folder` with its offline convo files copied until there are `conversations`."""
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.convo.yaml", "__pycache__"))
    for copy in range(-(-conversations // PER_COPY)):
        for name in OFFLINE:
            shutil.copy(SAMPLE / name, folder / f"{copy:04d}-{name}")
    return folder / "train_ticket.yaml"


async def until(condition: Callable[[], bool], timeout: float = 600) -> None:
    """Wait (on the loop) until `condition()` holds."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the explorer did not finish in time")
        await asyncio.sleep(0.01)


Phase = tuple[str, float, float, int, float, str]
"""What, wall time and longest loop block (seconds), blocks over 50 ms, longest gc pass on the loop, summary."""


async def timed(watch: LoopWatch, work: Callable[[], Awaitable[Any]]) -> tuple[float, float, int, float]:
    """Wall time and longest loop block of `work`, in seconds, its blocks over 50 ms and its longest gc pass."""
    watch.reset()
    began = time.perf_counter()
    await work()
    return time.perf_counter() - began, watch.largest, watch.long, watch.longest_gc


async def measure(conversations: int, workers: int, loop_runs: int) -> list[Phase]:
    """The explorer's phases."""
    rows: list[Phase] = []
    with tempfile.TemporaryDirectory() as temp:
        flow = make_suite(Path(temp) / "flow", conversations)
        settings = QSettings(str(Path(temp) / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue(TYPING_DELAY_SETTING, False)  # measure the window, not the pacing
        window = MainWindow(settings)
        window.show()
        panel = window.docks["tests"].widget()
        assert isinstance(panel, ExplorerPanel)
        await asyncio.sleep(0.5)  # the window's own start-up (first layout and paint) is not measured here
        watch = LoopWatch()
        files = len(list(flow.parent.glob("*.convo.yaml")))

        async def listing() -> None:
            await window.open_flow(flow)
            await until(lambda: len(panel.model.files()) == files)

        rows.append((f"open the flow, list {files} files", *await timed(watch, listing), ""))
        loop_labels = ["run all on the event loop (first)", "run all on the event loop (again)"]
        loop_labels += [f"run all on the event loop (run {n})" for n in range(3, loop_runs + 1)]
        phases = [(label, 0) for label in loop_labels[:loop_runs]]
        phases.append((f"run all in {workers} worker processes", workers))
        for label, where in phases:
            if where and workers < 2:
                continue
            panel.where.setCurrentIndex(panel.where.findData(where))
            if panel.where.currentData() != where:
                panel.where.addItem(f"In {where} processes", where)
                panel.where.setCurrentIndex(panel.where.count() - 1)

            async def run_all() -> None:
                task = panel.run_all()
                assert task is not None
                await task

            rows.append((label, *await timed(watch, run_all), panel.summary.text()))
        window.bridge.cancel()
        if window.bridge.conversation is not None:
            await window.bridge.conversation.aclose()
        window.close()
    return rows


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the wall time and the longest loop block of each phase."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1000, help="how many conversations to run")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the last run (0: skip)")
    parser.add_argument(
        "--loop-runs", type=int, help=f"runs on the event loop (default 2, or 1 beyond {LOOP_RUNS_UP_TO} conversations)"
    )
    args = parser.parse_args(argv)
    loop_runs = args.loop_runs if args.loop_runs is not None else 2 if args.conversations <= LOOP_RUNS_UP_TO else 1
    QApplication.instance() or QApplication([])
    with asyncio.Runner(loop_factory=WorkbenchEventLoop) as runner:
        rows = runner.run(measure(args.conversations, args.workers, loop_runs))
    print(f"test explorer, the sample suite repeated to {args.conversations} conversations")
    for what, wall, block, long, collector, summary in rows:
        print(
            f"  {what:<38} wall {wall:7.2f} s   longest loop block {block * 1000:5.0f} ms"
            f"   blocks over 50 ms {long:4d}   longest gc pass {collector * 1000:5.0f} ms   {summary}"
        )


if __name__ == "__main__":
    main()
