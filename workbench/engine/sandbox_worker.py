"""The sandbox worker: a process of its own that hosts V8 (mini-racer) for one Sandbox, so that a V8 abort
(a fatal out-of-memory, say) costs the action that caused it, never the workbench.

Run as `python -m workbench.engine.sandbox_worker`. It reads frames (`sandbox_worker_wire`) on stdin, answers
on stdout (the original one: fd 1 is pointed at stderr so nothing else can write into the protocol) and exits
when stdin closes. Requests, each handled as it arrives:

- `open {realm, heap}`: a pristine realm, from the spare context made ahead of time (the next spare is made
  once that one is ready); answers `{id, ok: true}` when it is ready.
- `eval {id, realm, code}`: answers `{id, ok: value}` or `{id, err: parse | oom | eval, msg}`.
- `cancel {id}`: stop that eval (V8 is told to terminate it; the answer is dropped).
- `limit {realm, heap}`: a new hard memory limit; `oom {id, realm}`: whether V8 hit it.
- `drop {realm}`: release the realm; `stats {id}`: `{rss, heap: {realm: bytes in use}}` for benchmarks.

Unasked, it sends `{ready: true}` once started and `{ping: realm}` whenever a realm's JavaScript pings.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

from py_mini_racer import JSOOMException, JSParseException

from workbench.engine.sandbox_context import JsContext, when_made
from workbench.engine.sandbox_worker_wire import FrameReader, encode

DEFAULT_HEAP = 64 * 2**20


class _Worker(asyncio.Protocol):
    """Serves one engine over the pipe: realms by number, evals as tasks."""

    def __init__(self, out: asyncio.WriteTransport, stopped: asyncio.Future[None]) -> None:
        self._out = out
        self._stopped = stopped
        self._reader = FrameReader()
        self._realms: dict[int, asyncio.Task[JsContext]] = {}
        self._evals: dict[int, asyncio.Task[None]] = {}
        self._spare: asyncio.Task[JsContext] = asyncio.ensure_future(JsContext.create(DEFAULT_HEAP))

    def data_received(self, data: bytes) -> None:
        for message in self._reader.feed(data):
            getattr(self, "_" + message["op"])(message)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._stopped.done():
            self._stopped.set_result(None)

    def close(self) -> None:
        """Release every realm and the spare."""
        for task in [*self._realms.values(), self._spare]:
            when_made(task, JsContext.close)
        self._realms.clear()

    def _send(self, message: dict[str, Any]) -> None:
        self._out.write(encode(message))

    # --- requests ---

    def _open(self, message: dict[str, Any]) -> None:
        realm, made = message["realm"], self._spare
        self._spare = asyncio.ensure_future(self._next_spare(made))
        self._realms[realm] = asyncio.ensure_future(self._adopt(made, realm, message["heap"]))
        self._start(message["id"], self._opened(realm))

    async def _next_spare(self, previous: asyncio.Task[JsContext]) -> JsContext:
        # One creation at a time: the spare never competes with the realm being opened.
        with contextlib.suppress(BaseException):
            await asyncio.shield(previous)
        return await JsContext.create(DEFAULT_HEAP)

    async def _adopt(self, made: asyncio.Task[JsContext], realm: int, heap: int) -> JsContext:
        ctx = await made
        ctx.set_heap_limit(heap)
        ctx.on_ping = lambda: self._send({"ping": realm})
        return ctx

    async def _opened(self, realm: int) -> bool:
        await self._realm(realm)
        return True

    def _eval(self, message: dict[str, Any]) -> None:
        self._start(message["id"], self._run(message["realm"], message["code"]))

    async def _run(self, realm: int, code: str) -> Any:
        value = await (await self._realm(realm)).eval(code)
        return value if value is None or isinstance(value, str | int | float | bool) else str(value)

    def _cancel(self, message: dict[str, Any]) -> None:
        task = self._evals.get(message["id"])
        if task is not None:
            task.cancel()

    def _limit(self, message: dict[str, Any]) -> None:
        task = self._realms.get(message["realm"])
        if task is not None:
            when_made(task, lambda ctx: ctx.set_heap_limit(message["heap"]))

    def _oom(self, message: dict[str, Any]) -> None:
        self._start(message["id"], self._exhausted(message["realm"]))

    async def _exhausted(self, realm: int) -> bool:
        return (await self._realm(realm)).memory_exhausted()

    def _drop(self, message: dict[str, Any]) -> None:
        task = self._realms.pop(message["realm"], None)
        if task is not None:
            when_made(task, JsContext.close)

    def _stats(self, message: dict[str, Any]) -> None:
        self._start(message["id"], self._measure())

    async def _measure(self) -> dict[str, Any]:
        heap = {str(realm): (await task).heap_used() for realm, task in self._realms.items()}
        return {"rss": _rss(), "heap": heap}

    # --- plumbing ---

    async def _realm(self, realm: int) -> JsContext:
        task = self._realms.get(realm)
        if task is None:
            raise LookupError(f"realm {realm} is not open")
        return task.result() if task.done() else await asyncio.shield(task)

    def _start(self, request: int, work: Any) -> None:
        task = asyncio.ensure_future(self._answer(request, work))
        self._evals[request] = task
        task.add_done_callback(lambda _: self._evals.pop(request, None))

    async def _answer(self, request: int, work: Any) -> None:
        try:
            value = await work
        except asyncio.CancelledError:
            return
        except JSParseException as exc:
            self._send({"id": request, "err": "parse", "msg": str(exc)})
        except JSOOMException as exc:
            self._send({"id": request, "err": "oom", "msg": str(exc)})
        except Exception as exc:  # JSEvalException, or a realm that is not open
            self._send({"id": request, "err": "eval", "msg": str(exc)})
        else:
            self._send({"id": request, "ok": value})


def _rss() -> int:
    """Resident memory of this process in bytes (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


async def _serve() -> None:
    loop = asyncio.get_running_loop()
    out_fd = os.dup(1)
    os.dup2(2, 1)
    out, _ = await loop.connect_write_pipe(asyncio.Protocol, os.fdopen(out_fd, "wb", buffering=0))
    stopped: asyncio.Future[None] = loop.create_future()
    worker = _Worker(out, stopped)  # type: ignore[arg-type]
    await loop.connect_read_pipe(lambda: worker, os.fdopen(0, "rb", buffering=0))
    worker._send({"ready": True})
    try:
        await stopped
    finally:
        worker.close()


def main() -> None:
    """Serve the engine on stdin/stdout until stdin closes."""
    asyncio.run(_serve())


if __name__ == "__main__":
    main()
