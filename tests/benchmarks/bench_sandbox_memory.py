"""Memory of a reused realm over many runs: it must stay flat (issue 12, item 7).

Run: `python tests/benchmarks/bench_sandbox_memory.py [N]` (default 100,000). One Sandbox, one realm: a small
code action every run and a route decision every tenth. Prints, at 0, 10k, 50k and N runs, the resident
memory of this process and of the sandbox worker and the realm's V8 heap in use. Target: the V8 heap stays
under 8 MB (V8 collects its garbage once every 2,000 evaluations) and nothing grows run by run.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from workbench.engine.sandbox import Sandbox

SOURCE = """
const distance = Number(args.distance);
const price = Math.round(distance * 0.2 * 100) / 100;
ChatlayerResponseBuilder().addSessionVariable('price', {amount: price, label: price > 100 ? 'expensive' : 'cheap'})
  .addMessage(`That is ${price} euro`).send();
"""
ROUTES = ["price > 100", "price > 10", None]
MB = 2**20


def own_rss() -> int:
    """Resident memory of this process in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def main(n: int) -> None:
    """Run `n` actions and print memory at the checkpoints."""
    checkpoints = sorted({0, min(10_000, n), min(50_000, n), n})
    peak_heap = 0
    async with Sandbox() as sb:
        began = time.perf_counter()
        for i in range(n + 1):
            if i in checkpoints:
                memory = await sb.memory() if i else {}
                if not memory:
                    await sb.run_code(SOURCE, {"distance": 0})
                    memory = await sb.memory()
                heap = sum(memory["heap"].values())
                peak_heap = max(peak_heap, heap)
                print(
                    f"{i:>7} runs: engine RSS {own_rss() / MB:6.1f} MB, worker RSS {memory['rss'] / MB:6.1f} MB, "
                    f"V8 heap in use {heap / MB:5.2f} MB ({time.perf_counter() - began:5.1f} s)",
                    flush=True,
                )
            if i == n:
                break
            result = await sb.run_code(SOURCE, {"distance": i})
            assert result.sent and result.error is None, result.error
            if i % 10 == 0:
                assert await sb.first_true(ROUTES, {"price": i % 200}) is not None
            if i % 1000 == 500:
                peak_heap = max(peak_heap, sum((await sb.memory())["heap"].values()))
    verdict = "met" if peak_heap < 8 * MB else "MISSED"
    print(f"peak V8 heap in use {peak_heap / MB:.2f} MB; target under 8 MB: {verdict}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
