"""Code actions per second through Sandbox.run_code, against a bare mini-racer eval of the same source.

Run: `python tests/benchmarks/bench_code_action.py [N]`. Targets: >= 1,000 executions/s end to end and
within 3x of the bare `eval_cancelable` (the call a sandbox inside an asyncio loop has to use).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from py_mini_racer import MiniRacer

from workbench.engine.sandbox import Sandbox

SOURCE = """
const distance = Number(args.distance);
const price = Math.round(distance * 0.2 * 100) / 100;
const label = price > 100 ? 'expensive' : 'cheap';
ChatlayerResponseBuilder().addSessionVariable('price', {amount: price, label}).send();
"""

STUBS = """
var ChatlayerResponseBuilder = function () {
  return {addSessionVariable(ns, data) { this.v = [ns, data]; return this; }, send() { return this; }};
};
"""


async def bench_sandbox(n: int) -> float:
    """Executions per second of run_code, with a check that each one sent the right variable."""
    async with Sandbox() as sb:
        await sb.run_code(SOURCE, {"distance": 1})
        start = time.perf_counter()
        for i in range(n):
            result = await sb.run_code(SOURCE, {"distance": i})
            assert result.sent and result.error is None
        elapsed = time.perf_counter() - start
        assert result.variables["price"]["amount"] == round((n - 1) * 0.2, 2)
    return n / elapsed


async def bench_bare(n: int, cancelable: bool) -> float:
    """Executions per second of the same source evaluated directly (args inlined, stub builder)."""
    racer = MiniRacer()
    try:
        await racer.eval_cancelable(STUBS)
        start = time.perf_counter()
        for i in range(n):
            script = f"(function (args) {{{SOURCE}}})({json.dumps({'distance': i})})"
            if cancelable:
                await racer.eval_cancelable(script)
            else:
                racer.eval(script)
        return n / (time.perf_counter() - start)
    finally:
        racer.close()


async def main(n: int) -> None:
    """Print the three rates and whether the targets are met."""
    sandbox = await bench_sandbox(n)
    bare = await bench_bare(n, cancelable=True)
    bare_sync = await bench_bare(n, cancelable=False)
    ratio = bare / sandbox
    print(f"run_code:                   {sandbox:8.0f} executions/s ({1e6 / sandbox:.0f} µs each)")
    print(f"bare eval_cancelable:       {bare:8.0f} executions/s ({1e6 / bare:.0f} µs each)")
    print(f"bare eval (sync, blocking): {bare_sync:8.0f} executions/s ({1e6 / bare_sync:.0f} µs each)")
    print(f"ratio bare_cancelable/run_code: {ratio:.2f}x; bare_sync/run_code: {bare_sync / sandbox:.2f}x")
    print(f"targets: >= 1000/s {'met' if sandbox >= 1000 else 'MISSED'}; within 3x {'met' if ratio <= 3 else 'MISSED'}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
