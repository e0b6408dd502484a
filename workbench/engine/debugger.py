"""The step debugger: breakpoints on dialog states and code lines, and the gates the engine awaits.

Attach one to a conversation (`Conversation(flow, debugger=Debugger())` or `conversation.debugger = ...`).
The conversation awaits `before_state` before entering each state; a code action runs instrumented (see
`instrument.py`) and its stops reach `before_statement` through the sandbox. A gate that stops emits `Paused`
and waits, on the event loop, until one of the commands below (plain methods, callable from a GUI slot)
resolves it; then it emits `Resumed`.

Where stepping goes is one number, a depth: a state gate has depth 0, the statements of a code action's body
depth 1, of a function it calls depth 2, and so on. Every gate at or above `max` depth stops: step into
stops everywhere, step over at the paused depth, step out above it, continue nowhere (breakpoints and
uncaught errors still stop). V8 applies the same rule to the plan it is given, so code that need not stop
never leaves V8.

`stop()` ends the turn at the gate (`DebugStop`, which the conversation catches): the action it interrupted
changes nothing, and its JavaScript context is thrown away.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from workbench.engine import events as ev
from workbench.engine.debug_stop import DebugStop
from workbench.engine.session import Session

if TYPE_CHECKING:  # the sandbox's types load with the first code action
    from workbench.engine.sandbox_types import Halt, StepHandler

EVERYWHERE = 10**6
NOWHERE = -1


class Debuggee(Protocol):
    """What a debugger needs from its conversation."""

    session: Session

    def emit(self, event: ev.Event) -> None:
        """Log and publish an event."""
        ...


@dataclass(frozen=True)
class Breakpoint:
    """A breakpoint on a dialog state (`line` None) or on a line of its code action (1-based)."""

    state: str
    line: int | None = None


class Debugger:
    """Breakpoints, stepping commands and the gates the engine awaits; `paused` is the current pause."""

    def __init__(self, *, enabled: bool = True, pause_on_errors: bool = True) -> None:
        self.enabled = enabled
        self.pause_on_errors = pause_on_errors
        self.paused: ev.Paused | None = None
        self._breakpoints: set[Breakpoint] = set()
        self._max = NOWHERE
        self._depth = 0
        self._stopping = False
        self._in_turn = False
        self._waiter: asyncio.Future[ev.DebugCommand] | None = None
        self._target: Debuggee | None = None
        self._watchers: list[Callable[[], None]] = []

    def attach(self, target: Debuggee) -> None:
        """Debug `target`: pauses are emitted through it and show its session."""
        self._target = target

    # --- breakpoints ---

    @property
    def breakpoints(self) -> frozenset[Breakpoint]:
        """Every breakpoint set."""
        return frozenset(self._breakpoints)

    def add_breakpoint(self, state: str, line: int | None = None) -> Breakpoint:
        """Stop before `state`, or before the statements starting on `line` of its code action.

        Only lines where a statement starts can stop (`instrument.steppable_lines` lists them).
        """
        breakpoint = Breakpoint(state, line)
        self._breakpoints.add(breakpoint)
        self._changed()
        return breakpoint

    def remove_breakpoint(self, state: str, line: int | None = None) -> None:
        """Remove a breakpoint (nothing happens when it is not set)."""
        self._breakpoints.discard(Breakpoint(state, line))
        self._changed()

    def clear_breakpoints(self) -> None:
        """Remove every breakpoint."""
        self._breakpoints.clear()
        self._changed()

    def lines(self, state: str) -> list[int]:
        """The breakpoint lines in `state`'s code action, in order."""
        return sorted(b.line for b in self._breakpoints if b.state == state and b.line is not None)

    # --- commands ---

    @property
    def is_paused(self) -> bool:
        """Whether a gate holds the conversation now."""
        return self._waiter is not None and not self._waiter.done()

    def step_over(self) -> None:
        """Go on to the next statement of the same function (or the next state, from a state or the action's
        last statement)."""
        self._resume("step_over", self._depth)

    def step_into(self) -> None:
        """Go on to the very next gate: into a function the statement calls, or from a state into its code."""
        self._resume("step_into", EVERYWHERE)

    def step_out(self) -> None:
        """Go on until the current function returned (from a code action's body: to the next state)."""
        self._resume("step_out", self._depth - 1)

    def continue_(self) -> None:
        """Go on until a breakpoint or an uncaught error; while running, cancels a pause request."""
        if self.is_paused:
            self._resume("continue", NOWHERE)
        else:
            self._max = NOWHERE
            self._changed()

    def pause(self) -> None:
        """Stop at the next gate (a running code action stops at its next statement that V8 reaches)."""
        if not self.is_paused:
            self._max = EVERYWHERE
            self._changed()

    def stop(self) -> bool:
        """End the turn being debugged at its next gate, at once when paused; returns whether it was paused.

        Breakpoints stay; stepping ends. Between turns it only ends stepping.
        """
        self._max = NOWHERE
        if self.is_paused:
            self._resume("stop", NOWHERE)
            return True
        if self._in_turn:
            self._stopping = True
            self._changed()
        return False

    def turn_started(self) -> None:
        """The conversation started a turn (a stop from now on ends it)."""
        self._in_turn = True

    def turn_finished(self) -> None:
        """The conversation finished a turn: a stop that found no gate to stop at is forgotten."""
        self._in_turn = False
        self._stopping = False

    def _resume(self, command: ev.DebugCommand, max_depth: int) -> None:
        if not self.is_paused:
            return
        assert self._waiter is not None
        self._max = max_depth
        self._waiter.set_result(command)

    def _changed(self) -> None:
        for watcher in tuple(self._watchers):
            watcher()

    # --- gates ---

    async def before_state(self, state: str) -> None:
        """The engine is about to enter `state`: stop here on a breakpoint or a step."""
        self._check_stop(state)
        hit = Breakpoint(state) in self._breakpoints
        if self.enabled and (hit or self._max >= 0):
            variables = self._attached().session.snapshot()
            await self._hold(ev.Paused(where="state", state=state, breakpoint=hit, variables=variables), 0)

    def probe(self, state: str, args: Any, fetches: Sequence[ev.Event]) -> StepHandler:
        """The step handler for one run of `state`'s code action: `fetches` is the list of HTTP exchanges
        the action's fetch() calls append to."""
        return _CodeProbe(self, state, _json_safe(args), fetches)

    async def before_statement(self, state: str, halt: Halt, args: Any, fetches: Sequence[ev.Event]) -> None:
        """The code of `state` stopped (V8 already decided it should): hold it there."""
        self._check_stop(state)
        target = self._attached()
        paused = ev.Paused(
            where=halt.where,
            state=state,
            line=halt.line,
            function=halt.function,
            locals=halt.locals,
            args=args,
            builder=halt.builder,
            console=tuple(halt.console),
            fetches=tuple(_fetch_view(e) for e in fetches if isinstance(e, ev.HttpExchange)),
            variables=target.session.snapshot(),
            error=halt.error,
            breakpoint=halt.line in self.lines(state),
        )
        await self._hold(paused, halt.depth)

    def plan(self, state: str) -> dict[str, Any]:
        """What V8 should stop at in `state`'s code (see `StepHandler.plan`)."""
        max_depth = EVERYWHERE if self._stopping else self._max
        return {"max": max_depth, "lines": self.lines(state), "errors": self.pause_on_errors}

    def watch(self, changed: Callable[[], None]) -> Callable[[], None]:
        """Call `changed` whenever what V8 should stop at changes; returns a function that stops it."""
        self._watchers.append(changed)

        def unwatch() -> None:
            if changed in self._watchers:
                self._watchers.remove(changed)

        return unwatch

    def _check_stop(self, state: str) -> None:
        """A stop asked for while nothing was paused ends the turn at this gate."""
        if self._stopping:
            self._stopping = False
            self._attached().emit(ev.Resumed(command="stop", state=state))
            raise DebugStop

    def _attached(self) -> Debuggee:
        if self._target is None:
            raise RuntimeError("the debugger is not attached to a conversation")
        return self._target

    async def _hold(self, paused: ev.Paused, depth: int) -> None:
        target = self._attached()
        self._depth = depth
        self._waiter = asyncio.get_running_loop().create_future()
        self.paused = paused
        target.emit(paused)
        try:
            command = await self._waiter
        finally:
            self._waiter = None
            self.paused = None
        target.emit(ev.Resumed(command=command, state=paused.state))
        if command == "stop":
            raise DebugStop


class _CodeProbe:
    """The debugger's side of one code action run (a `StepHandler` for the sandbox)."""

    def __init__(self, debugger: Debugger, state: str, args: Any, fetches: Sequence[ev.Event]) -> None:
        self.held = 0.0
        self._debugger = debugger
        self._state = state
        self._args = args
        self._fetches = fetches

    def plan(self) -> dict[str, Any]:
        """What V8 should stop at now."""
        return self._debugger.plan(self._state)

    async def halt(self, halt: Halt) -> None:
        """Hold the code at `halt` until a command; the time held is added to `held`."""
        began = time.monotonic()
        try:
            await self._debugger.before_statement(self._state, halt, self._args, self._fetches)
        finally:
            self.held += time.monotonic() - began

    def watch(self, changed: Callable[[], None]) -> Callable[[], None]:
        """Hear about plan changes while the code runs."""
        return self._debugger.watch(changed)


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _fetch_view(exchange: ev.HttpExchange) -> dict[str, Any]:
    return {
        "method": exchange.method,
        "url": exchange.url,
        "status": exchange.status,
        "request_body": exchange.request_body,
        "response_body": exchange.response_body,
        "error": exchange.error,
    }
