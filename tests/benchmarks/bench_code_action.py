"""Code actions per second through Sandbox.run_code, against a bare mini-racer eval of the same source, and
what a pristine realm per conversation costs.

Run: `python tests/benchmarks/bench_code_action.py [N] [ROUNDS]`. Targets: >= 1,000 executions/s end to end and
within 1.5x of the bare `eval_cancelable` (the call a sandbox inside an asyncio loop has to use; issue 13).
run_code crosses to the sandbox worker process and back once per action; the bare evals run in this process.
The three are measured in ROUNDS interleaved rounds of N/ROUNDS each (a busy machine slows them alike), and
each figure is the median of its rounds, the ratio the median of the rounds' ratios. CPU time per action is
printed too (this process's and, on Linux, the worker's threads'): it moves less with the machine's load.
Also printed: route decisions per second for bounded conditions (decided in the engine's own V8 context) and
for others (in the worker), and a conversation's first action (a new realm, taken from the worker's spare)
against a later one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
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


async def bench_sandbox(sb: Sandbox, n: int) -> float:
    """Executions per second of run_code, with a check that each one sent the right variable."""
    start = time.perf_counter()
    for i in range(n):
        result = await sb.run_code(SOURCE, {"distance": i})
        assert result.sent and result.error is None
    elapsed = time.perf_counter() - start
    assert result.variables["price"]["amount"] == round((n - 1) * 0.2, 2)
    return n / elapsed


async def bench_conditions(n: int, routes: list[str | None]) -> float:
    """Route decisions per second through first_true (two conditions and a default route)."""
    async with Sandbox() as sb:
        await sb.first_true(routes, {"price": 1, "label": "cheap"})
        start = time.perf_counter()
        for i in range(n):
            assert await sb.first_true(routes, {"price": i % 200, "label": "cheap"}) is not None
        return n / (time.perf_counter() - start)


async def bench_new_realm(n: int) -> tuple[float, float]:
    """Median seconds of a conversation's first code action (a pristine realm) and of a later one."""
    firsts: list[float] = []
    laters: list[float] = []
    async with Sandbox() as sb:
        await sb.run_code(SOURCE, {"distance": 1}, realm="warm-up")
        for i in range(n):
            realm = f"conversation {i}"
            await asyncio.sleep(0.05)  # a conversation's first turn leaves the worker time to make the next spare
            for times in (firsts, laters):
                start = time.perf_counter()
                assert (await sb.run_code(SOURCE, {"distance": i}, realm=realm)).sent
                times.append(time.perf_counter() - start)
            await sb.release(realm)
    return statistics.median(firsts), statistics.median(laters)


async def bench_bare(racer: MiniRacer, n: int, cancelable: bool, first: int = 0) -> float:
    """Executions per second of the same source evaluated directly (args inlined, stub builder); `first` is the
    first distance, so that no round evaluates a script V8 has compiled before."""
    start = time.perf_counter()
    for i in range(first, first + n):
        script = f"(function (args) {{{SOURCE}}})({json.dumps({'distance': i})})"
        if cancelable:
            await racer.eval_cancelable(script)
        else:
            racer.eval(script)
    return n / (time.perf_counter() - start)


def worker_cpu(pid: int | None) -> float:
    """CPU seconds the worker process's threads have used so far (Linux; 0 elsewhere)."""
    total = 0
    with contextlib.suppress(OSError, TypeError):
        for thread in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{thread}/schedstat") as stat:
                total += int(stat.read().split()[0])
    return total / 1e9


async def bench_interleaved(n: int, rounds: int) -> tuple[list[float], list[float]]:
    """Medians over interleaved rounds: run_code, bare eval_cancelable and bare sync eval per second, and the
    bare eval_cancelable / run_code ratio; then CPU µs per action: run_code's in this process and in the
    worker, and the bare eval_cancelable's."""
    each = max(1, n // rounds)
    rates: list[tuple[float, float, float]] = []
    cpu: list[tuple[float, float, float]] = []
    racer = MiniRacer()
    try:
        await racer.eval_cancelable(STUBS)
        async with Sandbox() as sb:
            await sb.run_code(SOURCE, {"distance": 1})
            for r in range(rounds):
                own, worker = time.process_time(), worker_cpu(sb.worker_pid)
                sandbox = await bench_sandbox(sb, each)
                own, worker = time.process_time() - own, worker_cpu(sb.worker_pid) - worker
                bare_own = time.process_time()
                cancelable = await bench_bare(racer, each, True, 2 * r * each)
                bare_own = time.process_time() - bare_own
                rates.append((sandbox, cancelable, await bench_bare(racer, each, False, (2 * r + 1) * each)))
                cpu.append((own * 1e6 / each, worker * 1e6 / each, bare_own * 1e6 / each))
    finally:
        racer.close()
    medians = [statistics.median(column) for column in zip(*rates, strict=True)]
    return [*medians, statistics.median(b / s for s, b, _ in rates)], [
        statistics.median(column) for column in zip(*cpu, strict=True)
    ]


async def main(n: int, rounds: int) -> None:
    """Print the rates and whether the targets are met."""
    (sandbox, bare, bare_sync, ratio), (own_cpu, worker_cpu_each, bare_cpu) = await bench_interleaved(n, rounds)
    bounded = await bench_conditions(n, ["price > 100", "label === 'cheap' && price > 10", None])
    # an arrow function is not in the bounded subset: these go to the worker
    unbounded = await bench_conditions(n, ["[price].some((p) => p > 100)", "label === 'cheap' && price > 10", None])
    first, later = await bench_new_realm(max(10, n // 100))
    print(f"run_code:                   {sandbox:8.0f} executions/s ({1e6 / sandbox:.0f} µs each)")
    print(f"bare eval_cancelable:       {bare:8.0f} executions/s ({1e6 / bare:.0f} µs each)")
    print(f"bare eval (sync, blocking): {bare_sync:8.0f} executions/s ({1e6 / bare_sync:.0f} µs each)")
    print(
        f"ratio bare_cancelable/run_code: {ratio:.2f}x (median of {rounds} rounds); "
        f"bare_sync/run_code: {bare_sync / sandbox:.2f}x"
    )
    print(
        f"CPU per action: run_code {own_cpu + worker_cpu_each:.0f} µs ({own_cpu:.0f} here + {worker_cpu_each:.0f} in "
        f"the worker), bare eval_cancelable {bare_cpu:.0f} µs"
    )
    print(f"first_true, bounded:        {bounded:8.0f} decisions/s ({1e6 / bounded:.0f} µs each, in the engine)")
    print(f"first_true, not bounded:    {unbounded:8.0f} decisions/s ({1e6 / unbounded:.0f} µs each, in the worker)")
    print(f"pristine realm per conversation: first action {first * 1e3:.2f} ms, later ones {later * 1e3:.2f} ms")
    print(
        f"targets: >= 1000/s {'met' if sandbox >= 1000 else 'MISSED'}; "
        f"within 1.5x of bare eval_cancelable {'met' if ratio <= 1.5 else 'MISSED'}"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000, int(sys.argv[2]) if len(sys.argv) > 2 else 5))
