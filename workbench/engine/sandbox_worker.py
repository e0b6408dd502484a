"""The sandbox worker: a process of its own that hosts V8 (mini-racer) for one Sandbox, so that a V8 abort
(a fatal out-of-memory, say) costs the action that caused it, never the workbench.

Run as `python -m workbench.engine.sandbox_worker`. It reads frames (`sandbox_worker_wire`) on stdin, answers
on stdout (the original one: fd 1 is pointed at stderr so nothing else can write into the protocol) and exits
when stdin closes. Requests, each handled as it arrives:

- `open {realm, heap}`: a pristine realm, from the spare context made ahead of time (the next spare is made
  once that one is ready); answers `{id, ok: true}` when it is ready.
- `eval {id, realm, code}`: answers `{id, ok: value}` or `{id, err: parse | oom | eval, msg}`, written to the
  pipe from V8's own thread the moment V8 has it (`JsContext.start`), not through this process's event loop.
- `call {id, realm, code}`: the same for a call of the prelude's `__wb.call` with `code` (`JsContext.call`).
- `cancel {id}`: stop that eval (V8 is told to terminate it; the answer is dropped).
- `limit {realm, heap}`: a new hard memory limit; `oom {id, realm}`: whether V8 hit it.
- `drop {realm}`: release the realm; `stats {id}`: `{rss, heap: {realm: bytes in use}, threads}` (Python thread
  states) for benchmarks and tests.

Unasked, it sends `{ready: true}` once started and `{ping: realm}` whenever a realm's JavaScript pings.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from py_mini_racer import JSEvalException, JSOOMException, JSParseException

from workbench.engine.sandbox_context import JsContext, when_made
from workbench.engine.sandbox_worker_wire import TEXT_OPS, FrameReader, encode

DEFAULT_HEAP = 64 * 2**20
_READ_SIZE = 64 * 1024


class _Output:
    """The pipe to the engine, written a whole frame at a time from any thread (V8's answers come from its own)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        """Write `message` as one frame; nothing when the engine is gone (its end closes our stdin too)."""
        view = memoryview(encode(message))
        with self._lock:
            try:
                while view:
                    view = view[os.write(self._fd, view) :]
            except OSError:
                pass


class _Worker:
    """Serves one engine over the pipe: realms by number; evals answered from V8's thread.

    A thread of its own reads the pipe (a blocking read: no wake-up of the event loop per request) and starts
    an eval or a call in a realm that is ready itself; every other request, and any that comes while one is
    still waiting for the loop (so that none overtakes another), is handled on the event loop.
    """

    def __init__(self, out: _Output, stopped: asyncio.Future[None]) -> None:
        self._send = out.send
        self._stopped = stopped
        self._loop = stopped.get_loop()
        self._realms: dict[int, asyncio.Task[JsContext]] = {}
        # Realms whose requests can be started as they are read: made, with no eval waiting for them.
        self._direct: dict[int, JsContext] = {}
        self._waiting: dict[int, int] = {}  # realm → evals waiting for it to be made
        self._evals: dict[int, Callable[[], None]] = {}  # request → how to stop it
        self._spare: asyncio.Task[JsContext] = asyncio.ensure_future(JsContext.create(DEFAULT_HEAP))
        # Requests handed to the loop and handled there; each count is written by one thread only.
        self._handed = 0
        self._handled = 0

    def read(self, fd: int) -> None:
        """Read requests from `fd` until it closes (on the reader thread)."""
        reader = FrameReader()
        try:
            # a read well below malloc's mmap threshold: a bigger one maps and unmaps its buffer every time
            while data := os.read(fd, _READ_SIZE):
                for message in reader.feed(data):
                    self._dispatch(message)
        except OSError:
            pass
        finally:
            with contextlib.suppress(RuntimeError):  # the loop is gone already
                self._loop.call_soon_threadsafe(self._end)

    def _dispatch(self, message: dict[str, Any]) -> None:
        if message.get("op") in TEXT_OPS and self._handled == self._handed:
            ctx = self._direct.get(message["realm"])
            if ctx is not None:
                self._run(message["id"], ctx, message)
                return
        self._handed += 1
        self._loop.call_soon_threadsafe(self._handle, message)

    def _handle(self, message: dict[str, Any]) -> None:
        try:
            getattr(self, "_" + message["op"])(message)
        finally:
            self._handled += 1

    def _end(self) -> None:
        if not self._stopped.done():
            self._stopped.set_result(None)

    def close(self) -> None:
        """Release every realm and the spare."""
        for task in [*self._realms.values(), self._spare]:
            when_made(task, JsContext.close)
        self._realms.clear()
        self._direct.clear()

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
        if realm in self._realms and not self._waiting.get(realm):
            self._direct[realm] = ctx
        return ctx

    async def _opened(self, realm: int) -> bool:
        await self._realm(realm)
        return True

    def _eval(self, message: dict[str, Any]) -> None:
        realm = message["realm"]
        ctx = self._direct.get(realm)
        if ctx is not None:
            self._run(message["id"], ctx, message)
            return
        self._waiting[realm] = self._waiting.get(realm, 0) + 1
        waiting = asyncio.ensure_future(self._run_when_ready(message["id"], message))
        self._evals[message["id"]] = waiting.cancel

    _call = _eval

    async def _run_when_ready(self, request: int, message: dict[str, Any]) -> None:
        realm = message["realm"]
        try:
            ctx = await self._realm(realm)
        except Exception as exc:  # a realm that is not open, or could not be made
            if self._evals.pop(request, None) is not None:
                self._reply(request, None, exc)
            return
        finally:
            self._waiting[realm] -= 1
            if not self._waiting[realm]:
                del self._waiting[realm]
        self._run(request, ctx, message)
        if realm not in self._waiting and realm in self._realms:
            self._direct[realm] = ctx

    def _run(self, request: int, ctx: JsContext, message: dict[str, Any]) -> None:
        """Start the eval or call (from either thread); V8's thread sends the answer unless it was cancelled
        meanwhile."""
        started: list[int] = []

        def answer(value: Any, error: JSEvalException | None) -> None:
            if self._evals.pop(request, None) is not None:
                self._reply(request, value, error)

        self._evals[request] = lambda: started and ctx.cancel(started[0])
        try:
            started.append((ctx.call if message["op"] == "call" else ctx.start)(message["code"], answer))
        except Exception as exc:  # a realm closed meanwhile
            answer(None, JSEvalException(str(exc)))

    def _cancel(self, message: dict[str, Any]) -> None:
        stop = self._evals.pop(message["id"], None)
        if stop is not None:
            stop()

    def _limit(self, message: dict[str, Any]) -> None:
        task = self._realms.get(message["realm"])
        if task is not None:
            when_made(task, lambda ctx: ctx.set_heap_limit(message["heap"]))

    def _oom(self, message: dict[str, Any]) -> None:
        self._start(message["id"], self._exhausted(message["realm"]))

    async def _exhausted(self, realm: int) -> bool:
        return (await self._realm(realm)).memory_exhausted()

    def _drop(self, message: dict[str, Any]) -> None:
        self._direct.pop(message["realm"], None)
        task = self._realms.pop(message["realm"], None)
        if task is not None:
            when_made(task, JsContext.close)

    def _stats(self, message: dict[str, Any]) -> None:
        self._start(message["id"], self._measure())

    async def _measure(self) -> dict[str, Any]:
        heap = {str(realm): (await task).heap_used() for realm, task in self._realms.items()}
        return {"rss": _rss(), "heap": heap, "threads": _thread_states()}

    # --- plumbing ---

    async def _realm(self, realm: int) -> JsContext:
        task = self._realms.get(realm)
        if task is None:
            raise LookupError(f"realm {realm} is not open")
        return task.result() if task.done() else await asyncio.shield(task)

    def _start(self, request: int, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(self._answer(request, work))
        stop = self._evals[request] = task.cancel
        task.add_done_callback(lambda _: self._evals.get(request) is stop and self._evals.pop(request))

    async def _answer(self, request: int, work: Coroutine[Any, Any, Any]) -> None:
        try:
            value = await work
        except asyncio.CancelledError:
            return
        except Exception as exc:  # JSEvalException, or a realm that is not open
            self._reply(request, None, exc)
        else:
            self._reply(request, value, None)

    def _reply(self, request: int, value: Any, error: Exception | None) -> None:
        if error is None:
            self._send({"id": request, "ok": value})
            return
        kind = "eval"  # also a realm that is not open
        if isinstance(error, JSParseException):
            kind = "parse"
        elif isinstance(error, JSOOMException):
            kind = "oom"
        self._send({"id": request, "err": kind, "msg": str(error)})


def _thread_states() -> int:
    """How many Python thread states this process has (the loop's, the reader's, one per realm's V8 thread)."""
    api = ctypes.pythonapi
    api.PyInterpreterState_Get.restype = ctypes.c_void_p
    api.PyInterpreterState_ThreadHead.argtypes = [ctypes.c_void_p]
    api.PyInterpreterState_ThreadHead.restype = ctypes.c_void_p
    api.PyThreadState_Next.argtypes = [ctypes.c_void_p]
    api.PyThreadState_Next.restype = ctypes.c_void_p
    # Walked holding the GIL, which a thread state is freed with (a new one is only ever put first).
    count, state = 0, api.PyInterpreterState_ThreadHead(api.PyInterpreterState_Get())
    while state:
        count, state = count + 1, api.PyThreadState_Next(state)
    return count


def _rss() -> int:
    """Resident memory of this process in bytes (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


async def _serve() -> None:
    loop = asyncio.get_running_loop()
    out = _Output(os.dup(1))
    os.dup2(2, 1)
    stopped: asyncio.Future[None] = loop.create_future()
    worker = _Worker(out, stopped)
    threading.Thread(target=worker.read, args=(0,), name="sandbox-requests", daemon=True).start()
    out.send({"ready": True})
    try:
        await stopped
    finally:
        worker.close()


def main() -> None:
    """Serve the engine on stdin/stdout until stdin closes."""
    asyncio.run(_serve())


if __name__ == "__main__":
    main()
