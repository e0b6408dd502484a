"""One V8 realm inside the sandbox worker process: a MiniRacer context with the prelude and lodash loaded.

Only the worker (`sandbox_worker.py`) and the engine's context for bounded conditions import this module; the
engine reaches a worker realm through `sandbox_worker_client.RemoteContext`.

Besides the awaitable `eval`, a context can `start` an eval, or `call` the prelude's `__wb.call` (a run of a
code function compiled earlier: no script to compile), whose answer is handed over on V8's own thread, the
moment V8 has it: the worker writes it to its pipe from there, saving the hop through its event loop (a
wake-up of the loop costs about as much as the eval itself). After each such answer the context calls the
prelude's `__wb.check` behind it, so that a finished run's clean-up and taint check run once its microtasks
have drained, off the way of the answer and before anything else in the realm.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from py_mini_racer import JSEvalException, JSOOMException, JSParseException, MiniRacer
from py_mini_racer import _dll as mini_racer_library
from py_mini_racer._objects import _MiniRacerTypes

from workbench.engine.sandbox_prelude import PRELUDE_JS, PRELUDE_URL, lodash_source

# V8 leaves ~0.5 KB of old-generation garbage per evaluated script (~1.5 KB per code action) and, far below
# its own 1.4 GB limit, rarely collects it: left alone, a reused realm's heap grows until it hits the hard
# memory limit. A full collection every so many evaluations (about 13 ms with lodash loaded) keeps it under
# ~4 MB for a few µs a run.
COLLECT_EVERY = 2000

Answer = Callable[[Any, JSEvalException | None], None]
"""What `start` and `call` call on V8's thread: the value (a string, number, boolean or None; anything else as
its `str`) and None, or None and V8's refusal. V8 waits while it runs: keep it short."""


class JsContext:
    """A MiniRacer context ready to run conditions and code actions; throw it away after any limit."""

    def __init__(self, racer: MiniRacer, heap_limit: int) -> None:
        self.racer = racer
        self.heap_limit = heap_limit
        self.on_ping: Callable[[], None] = lambda: None
        self._evals = 0
        self._running = 0
        self._closed = False
        # mini-racer hands every callback from V8 to one method of its context, which queues it for the event
        # loop; answers of `start` and pings are taken on V8's thread instead (the rest goes the usual way).
        self._v8 = racer._ctx
        self._queue_for_loop = self._v8.handle_callback_from_v8
        object.__setattr__(self._v8, "handle_callback_from_v8", self._from_v8)
        self._answers: dict[int, Answer | None] = {}  # None: a check, whose answer nobody reads
        self._ping_id = next(self._v8._next_async_callback_id)
        # Held by V8's thread while it uses the context from a callback, and by `close`: V8's thread never
        # touches a context being freed.
        self._lock = threading.Lock()
        self._dll, self._raw = self._v8._dll, self._v8._ctx
        # __wb.call, __wb.check and an empty argument list, set by `create` (kept: they hold the handles)
        self._entry: Any = None
        self._checker: Any = None
        self._no_args: Any = None

    @classmethod
    async def create(cls, heap_limit: int) -> JsContext:
        """Make a context in the running loop: prelude, lodash, the ping channel, the global baseline."""
        racer = MiniRacer()
        ctx = cls(racer, heap_limit)
        try:
            racer.set_hard_memory_limit(heap_limit)
            await racer.eval_cancelable(PRELUDE_JS + f"\n//# sourceURL={PRELUDE_URL}")
            await racer.eval_cancelable(lodash_source())
            # A raw one-way notification: it never calls back into V8, which would block while user code spins.
            v8 = ctx._v8
            ping = v8._value_handle_to_python(v8._wrap_raw_handle(v8._dll.mr_make_js_callback(v8._ctx, ctx._ping_id)))
            init = await racer.eval_cancelable("(f) => __wb.init(f)")
            await init.cancelable()(ping)  # type: ignore[union-attr]
            handles = await racer.eval_cancelable("[__wb.call, __wb.check, []]")
            ctx._entry, ctx._checker, ctx._no_args = map(v8._python_to_value_handle, handles)  # type: ignore[arg-type]
        except BaseException:
            ctx.close()
            raise
        return ctx

    async def eval(self, code: str) -> Any:
        """Evaluate `code`; cancelling the call stops V8."""
        self._running += 1
        try:
            value = await self.racer.eval_cancelable(code)
        finally:
            self._running -= 1
        self._count()
        return value

    def start(self, code: str, answer: Answer) -> int:
        """Start evaluating `code` (from the loop's thread); `answer` gets the outcome on V8's thread. Returns
        the task to `cancel`."""
        return self._post(code, answer, None)

    def call(self, text: str, answer: Answer) -> int:
        """Start `__wb.call` with `text` as its `this`, like `start`."""
        return self._post(text, answer, self._entry)

    def cancel(self, task: int) -> None:
        """Stop a started eval: V8 terminates it, and its answer carries the termination."""
        if not self._closed:
            self._v8._dll.mr_cancel_task(self._v8._ctx, task)

    def set_heap_limit(self, heap_limit: int) -> None:
        """Change the hard memory limit when a caller asks for another one."""
        if heap_limit != self.heap_limit:
            self.racer.set_hard_memory_limit(heap_limit)
            self.heap_limit = heap_limit

    def memory_exhausted(self) -> bool:
        """Whether V8 hit the hard memory limit (it stays true: the context must go)."""
        try:
            return bool(self.racer.was_hard_memory_limit_reached())
        except Exception:
            return False

    def heap_used(self) -> int:
        """Bytes of V8 heap in use."""
        stats = json.loads(self._v8.heap_stats())
        return int(stats["used_heap_size"])

    def close(self) -> None:
        """Release V8; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self.on_ping = lambda: None
        self._answers.clear()
        with contextlib.suppress(Exception):  # a context whose V8 is already gone
            self.racer.close()

    def _count(self) -> None:
        self._evals += 1
        if self._evals % COLLECT_EVERY == 0 and self._running == 0 and not self._answers:
            self._v8.low_memory_notification()

    def _post(self, text: str, answer: Answer, function: Any) -> int:
        """Post an eval of `text`, or a call of `function` with `text` as `this`; the task's id. From any
        thread: the lock keeps `close` from freeing V8 meanwhile."""
        if self._closed:
            raise RuntimeError("the context was closed")
        self._count()
        callback = next(self._v8._next_async_callback_id)
        with self._lock:
            if self._closed:
                raise RuntimeError("the context was closed")
            self._answers[callback] = answer
            if function is None:
                return self._post_eval(text, callback)
            raw = self._string(text)
            try:
                return int(self._dll.mr_call_function(self._raw, function.raw, raw, self._no_args.raw, callback))
            finally:
                self._dll.mr_free_value(self._raw, raw)  # the posted task holds its own reference

    def _post_eval(self, code: str, callback: int) -> int:
        raw = self._string(code)
        try:
            return int(self._dll.mr_eval(self._raw, raw, callback))
        finally:
            self._dll.mr_free_value(self._raw, raw)

    def _string(self, text: str) -> Any:
        data = text.encode()
        return self._dll.mr_alloc_string_val(self._raw, data, len(data), _MiniRacerTypes.str_utf8)

    def _post_check(self) -> None:
        callback = next(self._v8._next_async_callback_id)
        self._answers[callback] = None
        self._dll.mr_call_function(self._raw, self._checker.raw, self._no_args.raw, self._no_args.raw, callback)

    def _from_v8(self, callback: int, raw: Any) -> None:
        """Every callback from V8, on its thread."""
        if callback == self._ping_id:
            with self._lock:
                if not self._closed:
                    self._v8._wrap_raw_handle(raw)  # dropped at once: frees the ping's arguments
            self.on_ping()
            return
        if callback not in self._answers:
            self._queue_for_loop(callback, raw)
            return
        answer = self._answers.pop(callback)
        with self._lock:
            if self._closed:
                return  # the handle goes with the context
            if answer is None:  # a check's: nobody reads it
                self._dll.mr_free_value(self._raw, raw)
                return
            try:
                value = self._v8._value_handle_to_python(self._v8._wrap_raw_handle(raw))
            except JSEvalException as exc:
                value, error = None, exc
                # A call that hit the memory limit is refused like any other (only an eval's says so)
                if not isinstance(exc, JSOOMException | JSParseException) and self.memory_exhausted():
                    error = JSOOMException(str(exc))
            else:
                error = None
                if not (value is None or isinstance(value, str | int | float | bool)):
                    value = str(value)
        answer(value, error)
        with self._lock:
            if not self._closed:
                self._post_check()


def when_made(task: asyncio.Task[JsContext], then: Callable[[JsContext], None]) -> None:
    """Call `then` with the context a creation task makes, now or once it is done (not if it failed)."""

    def call(done: asyncio.Task[JsContext]) -> None:
        if not done.cancelled() and done.exception() is None:
            then(done.result())

    if task.done():
        call(task)
    else:
        task.add_done_callback(call)


def warm_up() -> None:
    """Open the V8 library (once per process; 50-100 ms) in the calling thread (the window's loading thread)
    rather than on the event loop at the first route condition of a conversation or a test run.

    Python's `ctypes.CDLL` holds the interpreter while the library is mapped and linked, which would stop the loop
    just the same from a thread: the library is linked first by the C library's own `dlopen` (a foreign call,
    which lets go of the interpreter), so the `CDLL` that mini-racer's start-up makes finds it loaded.
    """
    if mini_racer_library._dll_handle is not None:
        return
    if os.name == "posix":
        library = Path(mini_racer_library.__file__).with_name(mini_racer_library._get_lib_filename("mini_racer"))
        ctypes.CDLL(None).dlopen(os.fsencode(library), os.RTLD_NOW | os.RTLD_LOCAL)
    mini_racer_library.init_mini_racer(ignore_duplicate_init=True)
