"""The engine's side of the sandbox worker process (`sandbox_worker.py`): starting it, requests and their
answers over its pipes on the asyncio loop, pings, and noticing when it dies.

`WorkerProcess` is one worker; `RemoteContext` is one realm in it as the sandbox sees it (what a `JsContext`
is inside the worker, plus the caches of what was compiled there).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import itertools
import logging
import os
import subprocess
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbench.engine.sandbox_worker_wire import FrameReader, encode

_log = logging.getLogger(__name__)

# Compiled conditions and code functions kept per realm before the caches are dropped and rebuilt.
CACHE_LIMIT = 2000
# How long V8 may take to answer once an eval was stopped before the worker is taken for stuck.
STOP_GRACE = 0.25
# How long a killed worker is waited for, to reap it.
KILL_WAIT = 1.0
_STDERR_TAIL = 4096
_READ_SIZE = 64 * 1024  # below malloc's mmap threshold
_live: weakref.WeakSet[WorkerProcess] = weakref.WeakSet()


class WorkerLost(Exception):
    """The worker process ended before it answered (V8 aborted, or it was stopped)."""

    def __init__(self, message: str, *, started: bool) -> None:
        super().__init__(message)
        self.started = started


class RemoteError(Exception):
    """V8 refused an eval: `kind` is `parse` (a syntax error), `oom` (the hard memory limit) or `eval`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class WorkerProcess:
    """One sandbox worker process, bound to the asyncio loop that started it."""

    def __init__(self, popen: subprocess.Popen[bytes], loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.alive = True
        self._ending = False  # we asked it to end: its end is no news
        self._popen = popen
        self._ready = False
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        # Requests that time out at a loop time, and one timer for the earliest of them (not one per request:
        # nearly all are answered long before).
        self._deadlines: dict[int, float] = {}
        self._watch: asyncio.Handle | None = None
        self._watch_when = 0.0  # kept here: qasync's handles have no `when()`
        self._pings: dict[int, Callable[[], None]] = {}
        self._reader = FrameReader()
        self._stderr = bytearray()
        self._transports: list[asyncio.BaseTransport] = []
        self._stdin: asyncio.WriteTransport | None = None
        self._answers_fd: int | None = None
        _live.add(self)

    @classmethod
    async def start(cls) -> WorkerProcess:
        """Start a worker; requests can be sent at once (they wait in the pipe until it is ready)."""
        loop = asyncio.get_running_loop()
        # The worker imports this package from where the engine found it, whatever the current directory (-P: not
        # from a `workbench` folder there).
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        popen = subprocess.Popen(
            [sys.executable, "-P", "-m", "workbench.engine.sandbox_worker"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
        )
        worker = cls(popen, loop)
        try:
            stdin, _ = await loop.connect_write_pipe(asyncio.Protocol, popen.stdin)
            worker._stdin = stdin  # type: ignore[assignment]
            worker._transports.append(stdin)
            transport, _ = await loop.connect_read_pipe(lambda: _Pipe(worker._on_stderr, worker._on_eof), popen.stderr)
            worker._transports.append(transport)
            worker._watch_answers()
        except BaseException:
            worker.kill()
            raise
        return worker

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self._popen.pid

    def request(self, message: dict[str, Any], deadline: float | None = None) -> tuple[int, asyncio.Future[Any]]:
        """Send `message` with a new id; the future gets the answer (`RemoteError`, `WorkerLost`), or
        `TimeoutError` at the loop time `deadline` (the request is then forgotten)."""
        future: asyncio.Future[Any] = self.loop.create_future()
        if not self.alive:
            future.set_exception(self._lost())
            return 0, future
        request = next(self._ids)
        self._pending[request] = future
        if deadline is not None:
            self._deadlines[request] = deadline
            if self._watch is None or deadline < self._watch_when:
                self._watch_until(deadline)
        self.notify({**message, "id": request})
        return request, future

    def notify(self, message: dict[str, Any]) -> None:
        """Send `message` without waiting for an answer."""
        if self.alive and self._stdin is not None and not self._stdin.is_closing():
            self._stdin.write(encode(message))

    def forget(self, request: int) -> None:
        """Stop the eval `request` (its answer, if any, is dropped)."""
        self._deadlines.pop(request, None)
        if self._pending.pop(request, None) is not None:
            self.notify({"op": "cancel", "id": request})

    def _watch_until(self, when: float) -> None:
        if self._watch is not None:
            self._watch.cancel()
        self._watch, self._watch_when = self.loop.call_at(when, self._expire), when

    def _expire(self) -> None:
        self._watch = None
        now = self.loop.time() + 1e-6  # the loop may call a timer a clock tick early
        for request, when in list(self._deadlines.items()):
            if when <= now:
                future = self._pending.get(request)
                self.forget(request)
                if future is not None and not future.done():
                    future.set_exception(TimeoutError())
        if self._deadlines:
            self._watch_until(min(self._deadlines.values()))

    def on_ping(self, realm: int, callback: Callable[[], None] | None) -> None:
        """Call `callback` whenever the realm's JavaScript pings (None: stop)."""
        if callback is None:
            self._pings.pop(realm, None)
        else:
            self._pings[realm] = callback

    def kill(self) -> None:
        """End the worker at once (V8 that does not stop is ended with it)."""
        self._ending = True
        with contextlib.suppress(OSError):
            self._popen.kill()
        # Reaped at once (a killed process ends in milliseconds): one left unreaped stays a zombie until this
        # interpreter ends, which then warns that it is "still running".
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._popen.wait(timeout=KILL_WAIT)
        self._ended()

    async def close(self) -> None:
        """End the worker (at once: it keeps nothing worth a graceful exit, and closing must not wait)."""
        self.kill()

    # --- pipes ---

    def _watch_answers(self) -> None:
        # A reader of our own rather than a transport, which reads up to 256 KiB at a time: a buffer that size is
        # mapped and unmapped by malloc for every answer.
        assert self._popen.stdout is not None
        fd = self._popen.stdout.fileno()
        os.set_blocking(fd, False)
        self.loop.add_reader(fd, self._read_answers, fd)
        self._answers_fd = fd

    def _read_answers(self, fd: int) -> None:
        try:
            data = os.read(fd, _READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            self._on_data(data)
        else:
            self._stop_reading()
            self._on_eof()

    def _stop_reading(self) -> None:
        fd, self._answers_fd = self._answers_fd, None
        if fd is not None:
            with contextlib.suppress(Exception):  # the loop is closed already
                self.loop.remove_reader(fd)
            with contextlib.suppress(OSError):
                self._popen.stdout.close()  # type: ignore[union-attr]

    def _on_data(self, data: bytes) -> None:
        for message in self._reader.feed(data):
            request = message.get("id")
            if request is not None:
                future = self._pending.pop(request, None)
                if future is None or future.done():
                    continue
                if self._deadlines:
                    self._deadlines.pop(request, None)
                if "err" in message:
                    future.set_exception(RemoteError(message["err"], message["msg"]))
                else:
                    future.set_result(message["ok"])
            elif "ping" in message:
                callback = self._pings.get(message["ping"])
                if callback is not None:
                    callback()
            elif message.get("ready"):
                self._ready = True

    def _on_stderr(self, data: bytes) -> None:
        self._stderr += data
        del self._stderr[:-_STDERR_TAIL]

    def _on_eof(self) -> None:
        if self.alive and not self._ending:
            code = self._popen.poll()
            why = _fatal_line(self._stderr.decode(errors="replace"))
            _log.warning("the sandbox worker process stopped (exit code %s)%s", code, f": {why}" if why else "")
        self._ended()

    def _ended(self) -> None:
        if self.alive:
            self.alive = False
            lost = self._lost()
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(lost)
            self._pending.clear()
            # Wake every run that waits for a ping: its next eval finds the worker gone.
            pings, self._pings = self._pings, {}
            for callback in pings.values():
                callback()
            self._deadlines.clear()
            if self._watch is not None:
                self._watch.cancel()
                self._watch = None
        self._stop_reading()
        for transport in self._transports:
            with contextlib.suppress(Exception):
                transport.close()
        self._transports.clear()
        self._reap()

    def _reap(self) -> None:
        if self._popen.poll() is None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: the child goes when we do
                self.loop.call_later(0.05, self._reap)

    def _lost(self) -> WorkerLost:
        if self._ready:
            return WorkerLost("the JavaScript engine stopped", started=True)
        why = _fatal_line(self._stderr.decode(errors="replace"))
        return WorkerLost(f"the JavaScript engine could not start{': ' + why if why else ''}", started=False)


class _Pipe(asyncio.Protocol):
    def __init__(self, feed: Callable[[bytes], None], eof: Callable[[], None]) -> None:
        self._feed = feed
        self._eof = eof

    def data_received(self, data: bytes) -> None:
        self._feed(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof()


def _fatal_line(text: str) -> str:
    """The line of a worker's error output that says why it stopped (V8's "Fatal …", else the last one)."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    fatal = [line for line in lines if "Fatal" in line or "Error" in line]
    return (fatal or lines or [""])[-1]


@atexit.register
def _kill_workers() -> None:
    for worker in list(_live):
        worker.kill()


class RemoteContext:
    """One realm of a worker, as the sandbox uses it: evals, wake-ups, and what was compiled there."""

    def __init__(self, worker: WorkerProcess, realm: int, heap_limit: int) -> None:
        self.worker = worker
        self.realm = realm
        self.heap_limit = heap_limit
        self.cond_ids: dict[str, int] = {}
        self.code_ids: dict[tuple[Any, str], tuple[int, Any]] = {}  # (wrap, source) → (function id, wrapped)
        self.ids = itertools.count()
        self.wake: asyncio.Event | None = None
        self._closed = False
        worker.on_ping(realm, self._on_ping)
        _, self._opened = worker.request({"op": "open", "realm": realm, "heap": heap_limit})
        self._opened.add_done_callback(lambda opened: opened.cancelled() or opened.exception())

    @property
    def broken(self) -> bool:
        """Whether the realm is gone (closed, or its worker died)."""
        return self._closed or not self.worker.alive

    async def ready(self) -> None:
        """Wait until the worker has the realm ready (the start of a worker and a realm are not timed)."""
        if self._opened.done():
            self._opened.result()
        else:
            await asyncio.shield(self._opened)

    async def eval(self, code: str, deadline: float | None = None) -> Any:
        """Evaluate `code` in the realm; cancelling the call stops V8, and so does the loop time `deadline`
        (`TimeoutError`)."""
        return await self._ask("eval", code, deadline)

    async def call(self, text: str, deadline: float | None = None) -> Any:
        """Call the prelude's `__wb.call` with `text` as its `this` in the realm, like `eval`."""
        return await self._ask("call", text, deadline)

    async def _ask(self, op: str, code: str, deadline: float | None) -> Any:
        request, future = self.worker.request({"op": op, "realm": self.realm, "code": code}, deadline)
        try:
            return await future
        except asyncio.CancelledError:
            self.worker.forget(request)
            raise

    def set_heap_limit(self, heap_limit: int) -> None:
        """Change the hard memory limit when a caller asks for another one."""
        if heap_limit != self.heap_limit:
            self.worker.notify({"op": "limit", "realm": self.realm, "heap": heap_limit})
            self.heap_limit = heap_limit

    async def memory_exhausted(self) -> bool:
        """Whether V8 hit the hard memory limit (it stays true: the realm must go)."""
        _, future = self.worker.request({"op": "oom", "realm": self.realm})
        try:
            async with asyncio.timeout(STOP_GRACE):
                return bool(await future)
        except (TimeoutError, RemoteError, WorkerLost):
            return False

    def reset_prefix(self) -> str:
        """JavaScript to put before an eval that adds to the caches: empties them when they are full."""
        if len(self.cond_ids) + len(self.code_ids) < CACHE_LIMIT:
            return ""
        self.cond_ids.clear()
        self.code_ids.clear()
        return "__wb.reset(),"

    def close(self) -> None:
        """Release the realm; safe to call twice."""
        if not self._closed:
            self._closed = True
            self.wake = None
            self.worker.on_ping(self.realm, None)
            self.worker.notify({"op": "drop", "realm": self.realm})

    def abandon(self) -> None:
        """V8 did not stop when told to: end the worker, and this realm (and the others there) with it."""
        self.close()
        self.worker.kill()

    def _on_ping(self) -> None:
        if self.wake is not None:
            self.wake.set()
