"""The values the JavaScript sandbox hands back, the code-wrapping step a debugger can replace, and the
debugger's side of a code action run in debug mode (`StepHandler`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

FetchHandler = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
"""`await handler(url, {method, headers, body})` → `{status, statusText, headers, body}`; raise FetchError to fail."""

CodeErrorKind = Literal["syntax", "runtime", "fetch", "timeout", "memory"]


class FetchError(Exception):
    """Raised by a fetch handler: the code's `fetch()` promise rejects with a TypeError carrying this text."""


class ConditionError(Exception):
    """A route condition threw, did not compile or timed out; `index` is the position of that condition."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(f"condition {index}: {message}")
        self.index = index
        self.message = message


@dataclass(frozen=True)
class CodeError:
    """Why a code action failed; `line`/`column` are 1-based positions in the user's source when known.

    `fetch` is an uncaught rejection of `fetch()` (the handler raised), `runtime` any other thrown value.
    """

    kind: CodeErrorKind
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f" (line {self.line}, column {self.column})" if self.line is not None else ""
        return f"{self.kind} error: {self.message}{where}"


@dataclass(frozen=True)
class CodeResult:
    """The outcome of one code action. Variables, messages and next state count only when `sent`."""

    sent: bool
    variables: dict[str, Any] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)
    next_state: str | None = None
    logs: list[tuple[str, str]] = field(default_factory=list)
    error: CodeError | None = None
    duration: float = 0.0
    variable_lines: dict[str, int] = field(default_factory=dict)
    """In debug mode, the line of the statement that called addSessionVariable, per variable."""
    oversize: Oversize | None = None
    """What `send()` handed over when it was far too large to be read back (nothing else of it was)."""


@dataclass(frozen=True)
class Oversize:
    """A `send()` the prelude did not hand over, being far past the limits: the size of its JSON text (in
    JavaScript's characters), and the variable or the message (from 1) that was, or neither for the whole."""

    size: int
    name: str | None = None
    message: int | None = None


@dataclass(frozen=True)
class Halt:
    """Where code in debug mode stopped and what it could see there; every value is a JSON-safe snapshot.

    `where` is `statement` (before it runs) or `exception` (an uncaught error, at the line it was thrown);
    `function` is the enclosing function ("" for the code action's body) and `depth` its nesting (body: 1).
    `builder` holds what the ChatlayerResponseBuilder has queued: `variables`, `messages`, `next_state`.
    """

    where: Literal["statement", "exception"]
    line: int | None
    function: str
    depth: int
    locals: dict[str, Any]
    builder: dict[str, Any]
    console: list[tuple[str, str]]
    error: str | None = None


class StepHandler(Protocol):
    """The debugger's side of one code action in debug mode."""

    held: float
    """Seconds the code spent held so far: they do not count against its timeout."""

    def plan(self) -> dict[str, Any]:
        """What V8 stops at: `{max: frame depth up to which every statement stops, lines: breakpoint lines,
        errors: whether an uncaught error stops}`."""
        ...

    async def halt(self, halt: Halt) -> None:
        """Hold the code where it stopped until the user goes on; raising aborts the run."""
        ...

    def watch(self, changed: Callable[[], None]) -> Callable[[], None]:
        """Call `changed` whenever the plan changes while the code runs; returns a function that stops it."""
        ...


# The header shares its line with the runner call that precedes it, so it must not contain a newline.
_HEADER = "async function (args, ChatlayerResponseBuilder, fetch, console, _, __wbRun) { try {\n"
_FOOTER = "\n} catch (__wbError) { __wbRun.fail(__wbError); } finally { __wbRun.settle(); } }"


@dataclass(frozen=True)
class WrappedSource:
    """A code action as a JavaScript async function expression, with the way back to the user's lines.

    `line_offset` is the number of lines of `text` before the user's first line; the runner puts `text` on
    the first line of the script it evaluates.
    """

    source: str
    text: str
    line_offset: int = 1

    def user_position(self, line: int, column: int | None) -> tuple[int | None, int | None]:
        """Map a 1-based script position to the user's source, clamped to its lines."""
        user_line = line - self.line_offset
        lines = self.source.split("\n")
        if user_line < 1:
            return 1, None
        if user_line > len(lines):
            return len(lines), len(lines[-1]) + 1
        return user_line, column


def wrap_source(source: str) -> WrappedSource:
    """Wrap a code action as the body of an async function (the one place to plug in instrumentation).

    The function receives `args`, the builder, `fetch`, `console` and lodash as parameters; the try
    block lets the runner see, without another round trip, whether the body finished synchronously.
    """
    return WrappedSource(source=source, text=_HEADER + source + _FOOTER, line_offset=1)
