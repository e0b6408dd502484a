"""What debug mode costs when nothing stops: the same code actions run plain and instrumented.

Run: `python tests/benchmarks/bench_debug_overhead.py [N]`. Two actions through `Sandbox.run_code`: a
docs-style action that fetches from the sample backend on 127.0.0.1, and a pure computation with a loop
and a nested async function. Debug mode runs them instrumented under a debugger with no breakpoints and no
step pending (uncaught errors would stop). Target: debug mode under 10x plain.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from workbench.engine.debugger import Debugger
from workbench.engine.http_port import perform
from workbench.engine.sandbox import FetchHandler, Sandbox, StepHandler
from workbench.engine.session import Session
from workbench.sample import start_sample_backend, stop_sample_backend

FETCHING = """
const b = ChatlayerResponseBuilder();
const response = await fetch(`${args.base}/price?to=${encodeURIComponent(args.to)}`);
if (!response.ok) throw new Error(`no price for ${args.to}`);
const route = await response.json();
const price = Math.round(route.distance_km * 0.2 * 100) / 100;
b.addSessionVariable('price', price);
b.addMessage(`That is ${price} euro`);
b.send();
"""

COMPUTING = """
async function fee(amount) {
  const rate = amount > 50 ? 0.05 : 0.1;
  return amount * rate;
}
let total = 0;
for (let i = 0; i < 20; i++) {
  total += i * Number(args.distance);
}
const extra = await fee(total);
ChatlayerResponseBuilder().addSessionVariable('price', {total, extra}).send();
"""


class _Target:
    """A stand-in conversation for the debugger: pauses would be emitted here (none happen)."""

    def __init__(self) -> None:
        self.session = Session()

    def emit(self, event: Any) -> None:
        raise AssertionError(f"nothing should stop, got {event}")


def fetcher(client: httpx.AsyncClient) -> FetchHandler:
    """fetch() over the engine's HTTP path, like a code action's."""

    async def fetch(url: str, options: dict[str, Any]) -> dict[str, Any]:
        result = await perform(client, method=options["method"], url=url, headers={}, content=None, timeout=5.0)
        return {"status": result.status, "headers": result.headers, "body": result.text()}

    return fetch


async def per_run(
    sandbox: Sandbox,
    source: str,
    args: Any,
    n: int,
    fetch: FetchHandler | None,
    step: Callable[[Any], StepHandler | None],
) -> float:
    """Seconds per execution after a warm-up, checking that every run sent; `step(args)` makes each run's
    step handler (None: plain)."""
    for _ in range(20):
        assert (await sandbox.run_code(source, args, fetch=fetch, step=step(args))).sent
    began = time.perf_counter()
    for _ in range(n):
        result = await sandbox.run_code(source, args, fetch=fetch, step=step(args))
        assert result.sent and result.error is None, result.error
    return (time.perf_counter() - began) / n


async def main(n: int) -> None:
    """Print plain and debug-mode time per execution for both actions, and the ratios."""
    server, base_url = start_sample_backend()
    debugger = Debugger()
    debugger.attach(_Target())
    try:
        async with Sandbox() as sandbox, httpx.AsyncClient() as client:
            cases = [
                ("docs-style action with fetch", FETCHING, {"base": base_url, "to": "Brussels"}, fetcher(client)),
                ("computation, loop, async call", COMPUTING, {"distance": 7}, None),
            ]
            worst = 0.0
            for name, source, args, fetch in cases:
                plain = await per_run(sandbox, source, args, n, fetch, lambda _: None)
                debug = await per_run(sandbox, source, args, n, fetch, lambda a: debugger.probe("bench", a, []))
                ratio = debug / plain
                worst = max(worst, ratio)
                print(f"{name}:")
                print(f"  plain:                      {plain * 1e6:8.0f} µs per execution")
                print(f"  debug mode, no breakpoints: {debug * 1e6:8.0f} µs per execution ({ratio:.2f}x)")
            print(f"target: debug mode under 10x plain: {'met' if worst < 10 else 'MISSED'} (worst {worst:.2f}x)")
    finally:
        stop_sample_backend(server)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
