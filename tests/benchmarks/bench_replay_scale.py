"""Replay at scale: N one-conversation files of 10 turns against an echo flow, with 1 and 2 worker processes.

Run it with `python tests/benchmarks/bench_replay_scale.py [--pytest] [--rounds R] [N ...]` (default: 1000 10000,
3 rounds). For each N it prints, as medians of R interleaved rounds, turns per second and the peak memory (RSS) of
a fresh process that runs the suite as `workbench test` does; with `--pytest` also of `pytest -n 0` and
`pytest -n 2` (pytest-xdist) collecting and running the same files, timed from the start of the process
(collection included: every xdist worker collects every file).
When `node` and `npm` are on PATH it also installs botium-core 1.15 into a temporary folder (no global install)
and replays the same conversations with Botium's own core and an in-process echo connector, side by side (a
Botium run that takes longer than `--botium-timeout` seconds, 600 unless given, is stopped and its column says so).
Targets (2-core machine): -j 1 at 10,000 files >= 2x Botium and flat or rising from 1,000 to 100,000; peak RSS
under 100 MB for -j 1; -j 2 at least 1.7x -j 1 at 10,000 files.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

TURNS = 10
TIMEOUT = 600


def echo_flow() -> str:
    """A flow that echoes what it is told, five times: each `ask` saves the answer and the next state says it."""
    states = []
    for k in range(TURNS // 2):
        after = f"\n    next: ask{k + 1}" if k + 1 < TURNS // 2 else ""
        states.append(f"  ask{k}:\n    ask: Say something.\n    save: said{k}\n    next: echo{k}\n")
        states.append(f"  echo{k}:\n    say: 'You said: {{said{k}}}'{after}\n")
    return "name: Echo\nstart: ask0\nstates:\n" + "".join(states)


def conversation(n: int) -> list[str]:
    """The ten turns of conversation `n`: five things said, each echoed."""
    return [f"item{n}-{k}" for k in range(TURNS // 2)]


def convo_yaml(n: int) -> str:
    """Conversation `n` as a convo file."""
    turns = "".join(f"      - user: {said}\n      - bot: 'You said: {said}'\n" for said in conversation(n))
    return f"flow: ../echo.yaml\nconversations:\n  - name: echo {n}\n    turns:\n{turns}"


def botium_convo(n: int) -> str:
    """Conversation `n` in Botium's BotiumScript text format."""
    lines = [f"echo {n}", ""]
    for said in conversation(n):
        lines += ["#me", said, "", "#bot", f"You said: {said}", ""]
    return "\n".join(lines)


def write_suite(folder: Path, count: int) -> Path:
    """The echo flow and `count` one-conversation files (under `folder/convos`); returns the convos folder."""
    (folder / "echo.yaml").write_text(echo_flow(), encoding="utf-8")
    convos = folder / "convos"
    convos.mkdir()
    for n in range(count):
        (convos / f"echo_{n:05d}.convo.yaml").write_text(convo_yaml(n), encoding="utf-8")
    return convos


# Runs in a fresh interpreter so that the peak RSS is that of one `workbench test` run alone.
_RUN = """
import json, resource, sys, time
from pathlib import Path
from workbench.testing import suite
from workbench.testing.convo_format import find_convo_files
began = time.perf_counter()
# As `workbench test` runs without a coverage report: nothing is counted.
result = suite.run(suite.stream(find_convo_files([Path(sys.argv[1])])), workers=int(sys.argv[2]), coverage=False)
elapsed = time.perf_counter() - began
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"passed": result.count("passed"), "total": len(result.results), "seconds": elapsed, "rss": rss}))
"""


def replay(convos: Path, workers: int) -> dict[str, float]:
    """Plan and run the suite in a fresh process; its figures (the peak RSS is that process's, in MB)."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(convos), str(workers)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def pytest_replay(convos: Path, count: int, workers: int) -> dict[str, float]:
    """Collect and run the suite with pytest (`-n workers`, pytest-xdist) in a fresh process; its figures (the
    peak RSS is the largest of its processes)."""
    command = [sys.executable, "-m", "pytest", str(convos), "-q", "-p", "no:cacheprovider", "-n", str(workers)]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, cwd=convos.parent)
    seconds = time.perf_counter() - began
    passed = re.search(r"(\d+) passed", done.stdout)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"passed": int(passed.group(1)) if passed else 0, "total": count, "seconds": seconds, "rss": rss}


BOTIUM_SCRIPT = r"""
const path = require('path');
const fs = require('fs');
const BotDriver = require('botium-core').BotDriver;

class EchoConnector {
  constructor({ queueBotSays }) { this.queueBotSays = queueBotSays; }
  Validate() { return Promise.resolve(); }
  Build() { return Promise.resolve(); }
  Start() { return Promise.resolve(); }
  UserSays(msg) {
    setImmediate(() => this.queueBotSays({ sender: 'bot', messageText: 'You said: ' + msg.messageText }));
    return Promise.resolve();
  }
  Stop() { return Promise.resolve(); }
  Clean() { return Promise.resolve(); }
}

async function main() {
  const folder = process.argv[2];
  const driver = new BotDriver({ CONTAINERMODE: (args) => new EchoConnector(args), SCRIPTING_ENABLE_MEMORY: false });
  const compiler = driver.BuildCompiler();
  const began = process.hrtime.bigint();
  compiler.ReadScriptsFromDirectory(folder);
  compiler.ExpandConvos();
  const container = await driver.Build();
  let passed = 0;
  for (const convo of compiler.convos) {
    await container.Start();
    await convo.Run(container);
    await container.Stop();
    passed += 1;
  }
  await container.Clean();
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ passed, total: compiler.convos.length, seconds, rss }));
}

main().catch((err) => { console.error(err); process.exit(1); });
"""


def install_botium(folder: Path) -> str | None:
    """Install botium-core 1.15 under `folder`; None when done, else why the Botium column is skipped."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node or npm is not on PATH"
    done = subprocess.run(
        ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "botium-core@1.15"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if done.returncode != 0:
        return "npm install botium-core@1.15 failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    (folder / "bench.js").write_text(BOTIUM_SCRIPT, encoding="utf-8")
    return None


def botium(folder: Path, count: int, timeout: float = TIMEOUT) -> dict[str, float]:
    """Replay `count` conversations with Botium's core (written at the first round); its figures (raises
    `subprocess.TimeoutExpired` after `timeout` seconds)."""
    convos = folder / f"convos_{count}"
    if not convos.exists():
        convos.mkdir()
        for n in range(count):
            (convos / f"echo_{n:05d}.convo.txt").write_text(botium_convo(n), encoding="utf-8")
    done = subprocess.run(
        ["node", str(folder / "bench.js"), str(convos)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=folder,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    """The figures of several rounds: the median time, the highest peak memory."""
    return {**runs[0], "seconds": statistics.median(r["seconds"] for r in runs), "rss": max(r["rss"] for r in runs)}


def column(figures: dict[str, float]) -> str:
    """Turns per second and peak RSS, as the table shows them."""
    assert figures["passed"] == figures["total"], figures
    return f"{figures['total'] * TURNS / figures['seconds']:>9,.0f} turns/s {figures['rss']:>6.0f} MB"


def main() -> None:
    """Write each suite to a temporary folder, replay it with -j 1, -j 2 and Botium in interleaved rounds, print
    the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 10000], help="files per suite (1000 10000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per size, interleaved (default 3)")
    parser.add_argument("--pytest", action="store_true", help="also pytest -n 0 and -n 2")
    parser.add_argument(
        "--botium-timeout", type=float, default=TIMEOUT, help=f"stop a Botium run after this many seconds ({TIMEOUT})"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "botium").mkdir()
        skipped = install_botium(root / "botium")
        if skipped:
            print(f"Botium column skipped: {skipped}")
        print(f"medians of {args.rounds} interleaved rounds")
        print(f"{'files':>7} | {'workbench -j 1':>26} | {'workbench -j 2':>26} | {'botium-core 1.15':>26}")
        for count in args.counts:
            folder = root / f"suite_{count}"
            folder.mkdir()
            convos = write_suite(folder, count)
            ones, twos, bots = [], [], []
            other = "skipped" if skipped else ""
            for _ in range(args.rounds):
                ones.append(replay(convos, 1))
                twos.append(replay(convos, 2))
                if not other:
                    try:
                        bots.append(botium(root / "botium", count, args.botium_timeout))
                    except subprocess.TimeoutExpired:
                        other = f"over {args.botium_timeout:g} s"
            one, two = median(ones), median(twos)
            other = other or column(median(bots))
            print(f"{count:>7} | {column(one):>26} | {column(two):>26} | {other:>26}", flush=True)
            ratios = ", ".join(f"{a['seconds'] / b['seconds']:.2f}x" for a, b in zip(ones, twos, strict=True))
            print(textwrap.indent(f"-j 2 / -j 1: {one['seconds'] / two['seconds']:.2f}x (rounds: {ratios})", " " * 10))
            if args.pytest:
                serial, spread = pytest_replay(convos, count, 0), pytest_replay(convos, count, 2)
                print(f"{'pytest':>7} | {'-n 0 ' + column(serial):>26} | {'-n 2 ' + column(spread):>26} |", flush=True)
                print(textwrap.indent(f"-n 2 / -n 0: {serial['seconds'] / spread['seconds']:.2f}x", " " * 10))


if __name__ == "__main__":
    main()
