"""Benchmark: the sample's conversation tests repeated to 1,000 (or 10,000) conversations, run from the test explorer.

Run it with `python tests/benchmarks/bench_explorer.py [--conversations 1000] [--workers 2] [--loop-runs 2]`. It
copies the train-ticket sample into a temporary folder with its offline convo files (`booking`, `intents`: 9
conversations) repeated until there are enough conversations, shows a real (offscreen) main window with the test
explorer (its dock shown) installed and times its first showing (its first layout and paint: building it before it
shows is start-up, see `bench_window_startup.py`), then what the explorer does: opening the flow and listing the
files (the chat, the graph and the other panels showing the flow for the first time included), Run all on the event
loop (twice by default, once beyond 2,000 conversations: the first run in a process also pays the engine's
one-time warm-ups, such as dateparser compiling its locales on the first date answer), and Run all in worker
processes; each phase ends half a second after the explorer is done (the window showing what it did). Meanwhile a
QTimer ticks every 10 ms: a gap between two ticks is a time the event loop was blocked. Each phase prints its wall
time, its longest block and the most CPU time the loop's thread used in one block (on a busy machine a block is
lengthened by other processes taking the CPU; its CPU time is not), how many blocks were over 50 ms (target: none,
issue 13), and the longest pass of the garbage collector on the loop's thread (and the most CPU time of one). At
the end it prints the five longest blocks and the five that used the most CPU time, each with its phase, its CPU
time (the loop's thread's and the whole process's: more for the process means another thread held the
interpreter) and what the loop's thread was doing: a thread samples that thread's Python stack every few
milliseconds while a block lasts, and the most frequent innermost frames of the workbench (with the frames below
them) name it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import heapq
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workbench.gui.event_loop import WorkbenchEventLoop  # noqa: E402
from workbench.gui.main_window import TYPING_DELAY_SETTING, MainWindow  # noqa: E402
from workbench.gui.test_explorer.panel import ExplorerPanel  # noqa: E402
from workbench.testing.convo_format import load_convo_file  # noqa: E402

SAMPLE = ROOT / "flows" / "train_ticket"
OFFLINE = ("booking.convo.yaml", "intents.convo.yaml")
TICK_MS = 10
LONG_BLOCK = 0.050
LOOP_RUNS_UP_TO = 2000  # conversations run twice on the loop by default; more, once
SAMPLE_EVERY = 0.004  # how often the sampler looks at the loop's thread
SAMPLE_AFTER = 0.020  # a tick this late is a block: the sampler records the loop thread's stack
LONGEST = 5  # blocks printed at the end
AFTERWARDS = 0.5  # seconds of each phase after the explorer is done: the window showing what it did
Block = tuple[float, float, float, str, float, str]
"""A block's length, the loop thread's CPU time in it and the whole process's (seconds), its phase, when it began
(seconds into the phase) and what the loop was doing."""


def _where(frame: FrameType | None) -> str:
    """The innermost frames of the workbench in a stack (file:function, innermost first), or its innermost frame."""
    found: list[str] = []
    innermost = ""
    while frame is not None and len(found) < 3:
        code = frame.f_code
        name = f"{Path(code.co_filename).name}:{code.co_name}"
        innermost = innermost or name
        if "/workbench/" in code.co_filename:
            found.append(name)
        frame = frame.f_back
    if not found:
        return innermost
    return " < ".join(found) + ("" if found[0] == innermost else f" (in {innermost})")


class LoopWatch:
    """Ticks every 10 ms on the event loop; keeps the largest gap between two ticks and counts the long ones, and
    keeps the longest pass of the garbage collector on the loop's thread. A sampling thread records what the loop's
    thread runs while a tick is late; the longest blocks of the whole benchmark are kept with it, and so are the
    blocks in which the loop's thread used the most CPU time."""

    def __init__(self) -> None:
        self.largest = 0.0
        self.most_cpu = 0.0
        self.long = 0
        self.longest_gc = 0.0
        self.most_gc_cpu = 0.0
        self.phase = ""
        self._phase_began = time.perf_counter()
        self.longest: list[Block] = []
        self.busiest: list[tuple[float, Block]] = []
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._last_process = time.process_time()
        self._gc_began = (0.0, 0.0)
        self._thread = threading.get_ident()
        self._samples: Counter[str] = Counter()
        self._sampled_block = 0.0
        self._lock = threading.Lock()
        self._timer = QTimer(interval=TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        gc.callbacks.append(self._collecting)
        self._stopping = threading.Event()
        self._sampler = threading.Thread(target=self._sample, name="block-sampler", daemon=True)
        self._sampler.start()

    def _collecting(self, phase: str, _info: dict[str, int]) -> None:
        if threading.get_ident() != self._thread:
            return
        if phase == "start":
            self._gc_began = (time.perf_counter(), time.thread_time())
        else:
            took = time.perf_counter() - self._gc_began[0]
            self.longest_gc = max(self.longest_gc, took)
            self.most_gc_cpu = max(self.most_gc_cpu, time.thread_time() - self._gc_began[1])
            if took > SAMPLE_EVERY:  # the sampler could not look meanwhile: the collector holds the interpreter
                self._note("garbage collector pass", round(took / SAMPLE_EVERY))

    def _note(self, where: str, samples: int = 1) -> None:
        """Count `samples` of `where` for the block going on."""
        with self._lock:
            if self._sampled_block != self._last:
                self._sampled_block, self._samples = self._last, Counter()
            self._samples[where] += samples

    def _sample(self) -> None:
        while not self._stopping.wait(SAMPLE_EVERY):
            if time.perf_counter() - self._last >= SAMPLE_AFTER:
                self._note(_where(sys._current_frames().get(self._thread)))

    def _tick(self) -> None:
        now, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
        gap, used = now - self._last, cpu - self._last_cpu
        self.largest = max(self.largest, gap)
        self.most_cpu = max(self.most_cpu, used)
        self.long += gap > LONG_BLOCK
        if gap > SAMPLE_AFTER:
            with self._lock:
                samples = self._samples if self._sampled_block == self._last else Counter()
            what = ", ".join(f"{name} ×{n}" for name, n in samples.most_common(2)) or "not sampled"
            block = (gap, used, process - self._last_process, self.phase, self._last - self._phase_began, what)
            heapq.heappush(self.longest, block)
            heapq.heappush(self.busiest, (used, block))
            for kept in (self.longest, self.busiest):
                if len(kept) > LONGEST:
                    heapq.heappop(kept)  # type: ignore[misc]
        self._last, self._last_cpu, self._last_process = now, cpu, process

    def reset(self, phase: str) -> None:
        """Start a new measurement, of `phase`."""
        self.largest = 0.0
        self.most_cpu = 0.0
        self.long = 0
        self.longest_gc = 0.0
        self.most_gc_cpu = 0.0
        self.phase = phase
        self._phase_began = time.perf_counter()
        self._last, self._last_cpu, self._last_process = time.perf_counter(), time.thread_time(), time.process_time()

    def stop(self) -> None:
        """Stop ticking and sampling."""
        self._timer.stop()
        self._stopping.set()
        self._sampler.join()


def make_suite(folder: Path, conversations: int) -> Path:
    """The sample flow in `folder` with its offline convo files copied until there are `conversations`."""
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.convo.yaml", "__pycache__"))
    per_copy = sum(len(load_convo_file(SAMPLE / name).tests) for name in OFFLINE)
    for copy in range(-(-conversations // per_copy)):
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


Phase = tuple[str, float, float, float, int, tuple[float, float], str]
"""What, wall time, longest loop block and most CPU time of the loop's thread in one block (seconds), blocks over
50 ms, the longest gc pass on the loop and the most CPU time of one, summary."""


async def timed(watch: LoopWatch, what: str, work: Callable[[], Awaitable[Any]]) -> Phase:
    """The phase `what` of doing `work` (see `Phase`), without a summary."""
    watch.reset(what)
    began = time.perf_counter()
    await work()
    gc_pass = (watch.longest_gc, watch.most_gc_cpu)
    return what, time.perf_counter() - began, watch.largest, watch.most_cpu, watch.long, gc_pass, ""


async def measure(conversations: int, workers: int, loop_runs: int) -> tuple[list[Phase], list[Block], list[Block]]:
    """The explorer's phases, the longest blocks of them all (longest first) and the blocks that used the most CPU
    time (most first)."""
    rows: list[Phase] = []
    with tempfile.TemporaryDirectory() as temp:
        flow = make_suite(Path(temp) / "flow", conversations)
        settings = QSettings(str(Path(temp) / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue(TYPING_DELAY_SETTING, False)  # measure the window, not the pacing
        window = MainWindow(settings)  # built before it shows, as the app does: start-up, not a block of the loop
        panel = window.docks["tests"].widget()
        assert isinstance(panel, ExplorerPanel)
        watch = LoopWatch()

        async def showing() -> None:
            window.show()
            window.docks["tests"].show()  # the tree in view: it lays out and paints what changes
            window.docks["tests"].raise_()
            await asyncio.sleep(AFTERWARDS)

        rows.append(await timed(watch, "show the window", showing))
        files = len(list(flow.parent.glob("*.convo.yaml")))

        async def listing() -> None:
            await window.open_flow(flow)
            await until(lambda: panel.model.rowCount() == files and not panel.tasks)
            await asyncio.sleep(AFTERWARDS)

        rows.append(await timed(watch, f"open the flow, list {files} files", listing))
        loop_labels = ["run all on the event loop (first)", "run all on the event loop (again)"]
        loop_labels += [f"run all on the event loop (run {n})" for n in range(3, loop_runs + 1)]
        phases = [(label, 0) for label in loop_labels[:loop_runs]]
        if workers >= 2:
            phases.append((f"run all in {workers} worker processes", workers))
        for label, where in phases:
            panel.where.setCurrentIndex(panel.where.findData(where))
            if panel.where.currentData() != where:
                panel.where.addItem(f"In {where} processes", where)
                panel.where.setCurrentIndex(panel.where.count() - 1)

            async def run_all() -> None:
                task = panel.run_all()
                assert task is not None
                await task
                await asyncio.sleep(AFTERWARDS)

            rows.append((*(await timed(watch, label, run_all))[:-1], panel.summary.text()))
        window.bridge.cancel()
        if window.bridge.conversation is not None:
            await window.bridge.conversation.aclose()
        window.close()
        watch.stop()
    busiest = [block for _, block in sorted(watch.busiest, reverse=True)]
    return rows, sorted(watch.longest, reverse=True), busiest


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
        rows, longest, busiest = runner.run(measure(args.conversations, args.workers, loop_runs))
    print(f"test explorer, the sample suite repeated to {args.conversations} conversations")
    for what, wall, block, cpu, long, (collector, collector_cpu), summary in rows:
        print(
            f"  {what:<38} wall {wall:7.2f} s   longest loop block {block * 1000:5.0f} ms (most CPU in a block"
            f" {cpu * 1000:4.0f} ms)   blocks over 50 ms {long:4d}   longest gc pass {collector * 1000:4.0f} ms"
            f" (CPU {collector_cpu * 1000:3.0f} ms)   {summary}"
        )
    for title, blocks in (("longest blocks", longest), ("blocks with the most CPU time", busiest)):
        print(f"the {len(blocks)} {title} (CPU time of the loop's thread and of the process, what the loop ran):")
        for block, cpu, process, phase, began, what in blocks:
            times = f"{block * 1000:5.0f} ms (CPU {cpu * 1000:4.0f} ms, process {process * 1000:4.0f} ms)"
            print(f"  {times}  {phase}, at {began:.1f} s: {what}")


if __name__ == "__main__":
    main()
