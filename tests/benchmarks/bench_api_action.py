"""Benchmark: the API action against the local train ticket backend, in requests per second.

Run it with `python tests/benchmarks/bench_api_action.py [-n 500] [--concurrency 1]`. Each run books a ticket
(`POST /tickets`, Chatlayer format: a session namespace and a text message) through `actions.api.run`, so the
figure includes template rendering, the HTTP round trip on one keep-alive client and applying the response.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from workbench.engine import events as ev  # noqa: E402
from workbench.engine.actions import api as api_action  # noqa: E402
from workbench.engine.actions.base import ActionContext, Ports  # noqa: E402
from workbench.engine.session import Session  # noqa: E402
from workbench.flow.model import ApiAction, Flow, Route, State  # noqa: E402
from workbench.sample import start_sample_backend, stop_sample_backend  # noqa: E402


async def bench(base: str, n: int, concurrency: int) -> float:
    """Run the API action `n` times (`concurrency` at once) and return the requests per second."""
    api = ApiAction(
        method="POST",
        url="{api_base}/tickets",
        body={"to": {"var": "destination"}, "passengers": "{passengers}", "email": "{email}"},
    )
    state = State(name="book", kind="api", api=api, next=(Route("confirm"),))
    flow = Flow(name="bench", start="book", states={"book": state})
    session = Session(defaults={"api_base": base, "destination": "Ghent", "passengers": 2, "email": "a@b.be"})
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:
        ports = Ports(http=client, sandbox=None)

        async def once() -> None:
            events = await api_action.run(ActionContext(flow=flow, state=state, session=session, ports=ports))
            done = events[-1]
            assert isinstance(done, ev.ActionFinished) and done.ok, done

        async def worker(count: int) -> None:
            for _ in range(count):
                await once()

        await once()  # warm up: open the connection
        per_worker, extra = divmod(n, concurrency)
        started = time.perf_counter()
        await asyncio.gather(*(worker(per_worker + (i < extra)) for i in range(concurrency)))
        return n / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> None:
    """Start the backend, run the benchmark, print the figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="how many API actions to run")
    parser.add_argument("--concurrency", type=int, default=1, help="how many run at the same time")
    args = parser.parse_args(argv)
    server, base = start_sample_backend()
    try:
        rate = asyncio.run(bench(base, args.n, max(1, args.concurrency)))
    finally:
        stop_sample_backend(server)
    print(f"API action: {args.n} runs, concurrency {args.concurrency}: {rate:.0f} requests/s")


if __name__ == "__main__":
    main()
