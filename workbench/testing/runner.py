"""The replay runner: drives a `Conversation` through a convo test's turns and checks each turn against the events.

One runner serves `workbench test`, the pytest plugin and the GUI. It loads each flow once, shares one JavaScript
sandbox between the conversations it replays, and gives every conversation an HTTP client that answers from the
test's `http:` entries (see `http_mock`).

How turns are checked:
- Input turns (`user`, `click`, `iframe`, `agent`, `hand_back`) send something to the conversation. An input the
  engine refuses (no such button, an iframe message it rejects, an agent reply while not offloaded) fails the
  turn, and so does an HTTP request that no `http:` entry answers.
- `bot` turns take the bot's messages in order, from those said since the last input turn; `json`,
  `iframe_opened` and `error` turns likewise take the next JSON Builder message, opened iframe and error.
  Messages left unasserted before the next input turn are fine, unless the test is `strict`.
- `state`, `vars`, `contexts` and `offloaded` look at where the conversation is now.

The first failing turn ends the test; its `Failure` has the turn's position, what was expected, what happened,
the HTTP requests that failed on the way (often the cause: a backend that is not running), and the conversation
up to that point.

The module's dataclasses are never changed once made. They are not `frozen` only because a frozen dataclass takes four
times as long to make (a suite makes a few per conversation); they compare and hash as frozen ones do.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import json
import math
import os
import re
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import yaml

from workbench.engine import events as ev
from workbench.engine.actions.iframe import resolve_url
from workbench.engine.conversation import BUILTIN_STATES, Conversation
from workbench.engine.session import refused_start_value
from workbench.flow import template
from workbench.flow.loader import LoadResult, load_flow
from workbench.flow.model import Flow, Loc
from workbench.flow.problems import Problem, did_you_mean
from workbench.testing.assertions import (
    BotExpectation,
    ErrorExpectation,
    TextMatch,
    context_mismatches,
    show,
    subset_mismatches,
)
from workbench.testing.convo_format import ALL_LANGUAGES, INPUT_KINDS, TURN_KINDS, ConvoFile, ConvoTest, Turn
from workbench.testing.http_mock import CannedTransport, describe_stubs
from workbench.testing.localize import (
    ONE_LANGUAGE,
    RunLanguages,
    key_problems,
    labelled,
    language_problems,
    languages_of,
    localized,
)
from workbench.testing.serving import Serving
from workbench.testing.transcript import line, transcript

if TYPE_CHECKING:  # the sandbox's modules load when a replay first runs JavaScript, httpx at its first request
    import httpx

    from workbench.engine.sandbox import Sandbox

    Closeable = httpx.AsyncClient | httpx.AsyncBaseTransport

Status = Literal["passed", "failed", "error"]
YIELD_TURNS = 100
"""A replay gives the loop a turn after this many turns of one conversation (so that its timeout can strike)."""
Observer = Callable[[ev.Event], None]
TurnDone = Callable[[int, Turn, "Failure | None"], None]


@dataclass(slots=True, unsafe_hash=True)
class Failure:
    """Why a test failed (or could not run): where, what was expected and what happened."""

    loc: Loc
    message: str
    turn: str = ""
    expected: str = ""
    actual: str = ""
    diff: tuple[str, ...] = ()
    transcript: tuple[str, ...] = ()
    http_failures: tuple[str, ...] = ()

    def report(self) -> str:
        """The failure as people read it: position and turn, the failed HTTP requests, expected, actual, a diff,
        the conversation so far."""
        lines = [f"{self.loc}: {self.turn}" if self.turn else f"{self.loc}: error"]
        lines += [f"  {text}" for text in self.message.splitlines()]
        lines += [f"  {text}" for text in self.http_failures]
        for label, text in (("expected", self.expected), ("actual", self.actual)):
            if text:
                first, *rest = text.splitlines() or [""]
                lines.append(f"  {label + ':':<9} {first}")
                lines += [f"            {more}" for more in rest]
        if self.diff:
            lines.append("  diff (- expected, + actual):")
            lines += [f"    {d}" for d in self.diff]
        if self.transcript:
            lines.append("  conversation up to this turn:")
            lines += [f"    {t}" for t in self.transcript]
        return "\n".join(lines)


@dataclass(slots=True, unsafe_hash=True)
class ConvoResult:
    """The outcome of one conversation test; `events` is the conversation's log (empty when it did not run).
    `name` carries the language when the test ran in several (`Books a ticket [nl]`); `language` is the one it
    ran in (empty for a file that could not run)."""

    name: str
    file: str
    line: int
    flow: str
    status: Status
    duration: float = 0.0
    tags: tuple[str, ...] = ()
    failure: Failure | None = None
    events: tuple[ev.Event, ...] = field(default=(), compare=False)
    language: str = ""

    @property
    def id(self) -> str:
        """`file::name`, unique within a run; the file alone for a file that could not run (it has no flow)."""
        return f"{self.file}::{self.name}" if self.flow else self.file

    @property
    def passed(self) -> bool:
        """Whether every turn passed."""
        return self.status == "passed"

    def without_events(self) -> ConvoResult:
        """The same result without the event log (cheap to send between processes)."""
        # Made directly: `dataclasses.replace` costs several times as much, and a suite makes one per conversation.
        return ConvoResult(
            self.name,
            self.file,
            self.line,
            self.flow,
            self.status,
            self.duration,
            self.tags,
            self.failure,
            (),
            self.language,
        )


def by_language(results: Iterable[ConvoResult]) -> dict[str, list[ConvoResult]]:
    """The results of each language, in the order the languages first appear (files that could not run, which have
    no language, left out)."""
    found: dict[str, list[ConvoResult]] = {}
    for result in results:
        if result.language:
            found.setdefault(result.language, []).append(result)
    return found


def file_error(convo: ConvoFile) -> ConvoResult:
    """The result that stands for a convo file that cannot run because of its problems."""
    errors = convo.errors
    loc = errors[0].loc if errors else Loc(convo.path, 1, 1)
    message = "\n".join(str(p) for p in errors)
    return ConvoResult(
        name=Path(convo.path).name,
        file=convo.path,
        line=loc.line,
        flow="",
        status="error",
        failure=Failure(loc, message),
    )


def check_test(test: ConvoTest, flow: Flow, language: str | None = None) -> list[Problem]:
    """Problems of a test that only its flow reveals: states that the flow does not have, contexts that no state
    of it outputs, translation keys it has no text for, a language it does not speak (the test's, or `language`
    that the run asks for)."""
    problems = language_problems(test, flow, language) + key_problems(test, flow)
    if test.start is not None:
        _check_state(problems, flow, test.start, test.start_loc, "start state")
    outputs: set[str] | None = None  # gathered from the whole flow only for a test that checks contexts
    for turn in test.turns:
        if turn.kind == "state":
            _check_state(problems, flow, turn.value, turn.loc, "state")
        elif turn.kind == "hand_back":
            _check_state(problems, flow, turn.value[0], turn.loc, "hand_back state")
        elif turn.kind == "contexts":
            if outputs is None:
                outputs = {context for state in flow.states.values() for context in state.output_context}
            for name in (name for name in turn.value if name not in outputs):
                hint = did_you_mean(name, outputs)
                problems.append(Problem(turn.loc, f"no state of flow '{flow.name}' has output context '{name}'{hint}"))
    return problems


def _check_state(problems: list[Problem], flow: Flow, name: str | None, loc: Loc | None, what: str) -> None:
    """Add a problem when `name` is not a state of `flow`."""
    if name is not None and loc is not None and name not in flow.states and name not in BUILTIN_STATES:
        hint = did_you_mean(name, [*flow.states, *BUILTIN_STATES])
        problems.append(Problem(loc, f"{what} '{name}' is not a state of flow '{flow.name}'{hint}"))


class FlowCache:
    """Each flow file loaded once (per runner, so per worker process), and again when it changes on disk: a
    long-lived runner (the window's) replays the flow as it is now."""

    def __init__(self) -> None:
        # Each path's string (to stat: a `Path` is two calls more), the version of the file loaded, the flow.
        self._loaded: dict[Path, tuple[str, tuple[int, int] | None, LoadResult]] = {}

    def get(self, path: Path) -> LoadResult:
        """The flow at `path`, loaded on first use and whenever the file's modification time or size changed."""
        cached = self._loaded.get(path)
        try:
            st = os.stat(path if cached is None else cached[0])
            version: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            version = None  # load_flow says why it cannot read the file
        if cached is None or version is None or cached[1] != version:
            cached = self._loaded[path] = (os.fspath(path), version, load_flow(path))
        return cached[2]

    def last(self, path: Path) -> LoadResult:
        """The flow at `path` as `get` last gave it, without looking at the disk again (what a conversation that
        just ran was replayed on)."""
        cached = self._loaded.get(path)
        return cached[2] if cached is not None else self.get(path)


def run_languages(test: ConvoTest, flows: FlowCache, asked: RunLanguages) -> tuple[str | None, ...]:
    """The languages a run asking for `asked` runs `test` in (`localize.languages_of`); `(None,)`, its own, when
    neither it nor the run names one, or when its flow cannot be loaded (running it says why)."""
    if test.language is None and not asked.asked:
        return (None,)
    flow = flows.get(test.flow).flow
    return (None,) if flow is None else languages_of(test, flow, asked)


class Runner:
    """Replays convo tests. `variables` override every test's starting variables (e.g. `api_base`); `languages`
    are the ones the run asks for (`languages()` gives each test's).

    Use one runner per process and per event loop: `await runner.run(test)`, then `await runner.aclose()`.
    """

    def __init__(
        self,
        *,
        variables: Mapping[str, Any] | None = None,
        sandbox: Sandbox | None = None,
        languages: RunLanguages = ONE_LANGUAGE,
    ) -> None:
        self.variables = dict(variables or {})
        self.asked = languages
        self.flows = FlowCache()
        self.http = SharedHttp()
        self._own_sandbox = sandbox is None
        self._sandbox = sandbox
        self._flow_names: dict[Path, str] = {}
        self._deadlines = Deadlines(lasting=True)

    @property
    def sandbox(self) -> Sandbox:
        """The JavaScript sandbox the runner's conversations share, made when first asked for (a suite without code
        or conditions never loads it)."""
        if self._sandbox is None:
            from workbench.engine.sandbox import Sandbox

            self._sandbox = Sandbox()
        return self._sandbox

    def _made_sandbox(self) -> Sandbox:
        return self.sandbox  # a conversation's ports ask for it when its JavaScript first runs

    async def aclose(self) -> None:
        """Release the HTTP client and the JavaScript sandbox (when the runner made it)."""
        self._deadlines.close()
        await self.http.aclose()
        if self._own_sandbox and self._sandbox is not None:
            await self._sandbox.close()

    async def run_file(
        self, convo: ConvoFile, *, select: Callable[[ConvoTest], bool] | None = None
    ) -> list[ConvoResult]:
        """Every (selected) test of a loaded convo file, in order; a file with errors gives one `error` result."""
        if not convo.ok:
            return [file_error(convo)]
        return [await self.run(test) for test in convo.tests if select is None or select(test)]

    def languages(self, test: ConvoTest) -> tuple[str | None, ...]:
        """The languages to run `test` in (`run_languages`)."""
        return run_languages(test, self.flows, self.asked)

    async def run(
        self,
        test: ConvoTest,
        *,
        language: str | None = None,
        label: bool = False,
        variables: Mapping[str, Any] | None = None,
        observer: Observer | None = None,
        on_turn: TurnDone | None = None,
        events: bool = True,
    ) -> ConvoResult:
        """Replay one test in `language` (None: the test's own, else the flow's primary; see `localize`), with
        `label` its result's name carrying the language. `variables` override the test's (and the runner's)
        starting variables; `observer` sees every event as it happens; `on_turn` hears of each turn's outcome.
        Without `events` the result comes without the event log (as `ConvoResult.without_events` gives it)."""
        began = time.perf_counter()
        # One string per flow file for all its results: a suite of 100,000 keeps them all.
        flow_name = self._flow_names.get(test.flow) or self._flow_names.setdefault(test.flow, str(test.flow))
        loaded = self.flows.get(test.flow)
        flow = loaded.flow
        problems = list(loaded.errors) if loaded.problems else []
        if flow is not None and not problems:
            problems = check_test(test, flow, language)
        given = {**self.variables, **variables} if variables else self.variables
        refused = [why for name, value in given.items() if (why := refused_start_value(name, value))] if given else []
        if flow is None or problems or refused:
            shown = language or (test.language if test.language != ALL_LANGUAGES else None)
            name = labelled(test.name, shown) if label and shown else test.name
            base = {"name": name, "file": test.file, "line": test.loc.line, "tags": test.tags}
            loc = problems[0].loc if problems else test.loc
            failure = Failure(loc, "\n".join([*(str(p) for p in problems), *refused]))
            return ConvoResult(**base, flow=flow_name, status="error", failure=failure, language=shown or "")
        test = localized(test, flow, language, label=label)
        harness = prepare(test, flow, given, sandbox=self._sandbox or self._made_sandbox, http=self.http)
        conversation = harness.conversation
        unsubscribe = conversation.subscribe(observer) if observer else None
        try:
            serving = self.http.serving(harness.transport)
            failure = await replay(test, harness, on_turn=on_turn, serving=serving, deadlines=self._deadlines)
        finally:
            if unsubscribe:
                unsubscribe()
            await harness.aclose()
        return ConvoResult(  # by position: made for every conversation
            test.name,
            test.file,
            test.loc.line,
            flow_name,
            "failed" if failure else "passed",
            time.perf_counter() - began,
            test.tags,
            failure,
            tuple(conversation.events) if events else (),
            test.language or flow.languages.primary,
        )


class Deadlines:
    """What `asyncio.timeout` does for each replay, with one loop timer for all the replays it times: the timer is
    set for the earliest deadline, and when it strikes it cancels each replay past its deadline and is set again
    for the next. A timer of each conversation's own (made, queued and cancelled) cost as much as a turn.
    A `lasting` one (a runner's) keeps its timer when no replay is left, for the next ones: `close` drops it;
    another drops it with its last replay."""

    def __init__(self, *, lasting: bool = False) -> None:
        self._lasting = lasting
        self._running: set[Deadline] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: asyncio.Handle | None = None
        self._at = math.inf
        """When `_timer` strikes (infinity: there is none)."""

    def limit(self, delay: float) -> Deadline:
        """A `with` block that ends with `TimeoutError` when it runs for more than `delay` seconds."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a timer of another loop would never strike on this one
            self.close()
            self._loop = loop
        return Deadline(self, loop.time() + delay)

    def add(self, deadline: Deadline) -> None:
        """Time `deadline`'s replay from now on."""
        self._running.add(deadline)
        if deadline.when < self._at:
            self._set(deadline.when)

    def discard(self, deadline: Deadline) -> None:
        """Stop timing `deadline`'s replay."""
        self._running.discard(deadline)
        if not self._running and not self._lasting:
            self.close()

    def close(self) -> None:
        """Drop the timer."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._at = None, math.inf

    def _set(self, when: float) -> None:
        assert self._loop is not None
        self.close()
        self._at = when
        # As `asyncio.timeout` schedules its own timer.
        if when <= self._loop.time():
            self._timer = self._loop.call_soon(self._strike)
        else:
            self._timer = self._loop.call_at(when, self._strike)

    def _strike(self) -> None:
        at = self._at
        self._timer, self._at = None, math.inf
        for deadline in [deadline for deadline in self._running if deadline.when <= at]:
            self._running.discard(deadline)
            deadline.expire()
        if self._running:
            self._set(min(deadline.when for deadline in self._running))


class Deadline:
    """One replay's time limit (`Deadlines.limit`): `asyncio.timeout`'s, entered with `with`."""

    __slots__ = ("_cancelling", "_deadlines", "_expired", "_task", "when")

    def __init__(self, deadlines: Deadlines, when: float) -> None:
        self._deadlines = deadlines
        self.when = when
        """The loop time it ends at."""
        self._expired = False

    def __enter__(self) -> Deadline:
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("a replay's time limit works only inside a task")
        self._task = task
        self._cancelling = task.cancelling()
        self._deadlines.add(self)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        self._deadlines.discard(self)
        # A cancellation that the deadline caused, and no one else asked for, is its timing out.
        if self._expired and self._task.uncancel() <= self._cancelling and kind is asyncio.CancelledError:
            raise TimeoutError from error

    def expire(self) -> None:
        """The time is up: cancel the replay."""
        self._task.cancel()
        self._expired = True


class SharedHttp:
    """One HTTP client (and one network connection pool, for `http: passthrough`) for every conversation a runner
    replays, made at the first request (most replays make none, and never load httpx). Only what holds no
    conversation's state is shared: each request is answered by the canned entries, and carries the cookies, of
    the conversation that `serving` names for the code (and the tasks it starts) inside it, so conversations
    replayed at the same time on one loop stay apart (see `shared_http`)."""

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None
        self._network: httpx.AsyncHTTPTransport | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        """The shared client, made when first asked for."""
        if self._client is None:
            from workbench.testing.shared_http import conversations_client

            self._client = conversations_client()
        return self._client

    def _made_client(self) -> httpx.AsyncClient:
        return self.client  # a conversation's ports ask for it at its first request

    @property
    def network(self) -> httpx.AsyncHTTPTransport:
        """The transport to the network, made on first use (it loads the system's certificates)."""
        if self._network is None:
            from workbench.testing.shared_http import network_transport

            self._network = network_transport()
        return self._network

    def answers(self, test: ConvoTest) -> CannedTransport:
        """A conversation's canned answers for `test`, going to the network for `http: passthrough`."""
        return CannedTransport(test.http, passthrough=self.network if test.passthrough else None)

    def serving(self, canned: CannedTransport) -> Serving:
        """Inside (a `with` block), requests on `client` are this conversation's."""
        return Serving(canned)

    async def aclose(self) -> None:
        """Close the client and the network transport (those that were made)."""
        if self._client is not None:
            await self._client.aclose()
        if self._network is not None:
            await self._network.aclose()


@dataclass(slots=True, unsafe_hash=True)
class Harness:
    """A conversation set up for a test: its HTTP client answers from the test's `http:` entries. `owned` is
    what closing the harness closes besides the conversation (nothing of a runner's shared HTTP)."""

    conversation: Conversation
    transport: CannedTransport
    owned: tuple[Closeable, ...] = ()

    async def aclose(self) -> None:
        """Close the conversation and the HTTP client it owns."""
        await self.conversation.aclose()
        for closeable in self.owned:
            await closeable.aclose()


def prepare(
    test: ConvoTest,
    flow: Flow,
    variables: Mapping[str, Any] | None = None,
    *,
    sandbox: Sandbox | Callable[[], Sandbox] | None = None,
    http: SharedHttp | None = None,
) -> Harness:
    """A conversation on `flow` for `test`, not started: `variables` override the test's starting variables;
    without `sandbox` the conversation makes (and closes) its own. With `http` (a runner's), the conversation's
    requests are answered only inside `http.serving(harness.transport)`; without it the harness has an HTTP
    client of its own that answers at any time (for a conversation a person goes on with after the replay)."""
    owned: tuple[Closeable, ...] = ()
    client: httpx.AsyncClient | Callable[[], httpx.AsyncClient]
    if http is None:
        import httpx  # a conversation a person goes on with may make a request at any time

        network = httpx.AsyncHTTPTransport() if test.passthrough else None
        transport = CannedTransport(test.http, passthrough=network)
        client = httpx.AsyncClient(transport=transport, trust_env=False)
        owned = (client, network) if network is not None else (client,)
    else:
        transport, client = http.answers(test), http._made_client
    conversation = Conversation(flow, variables={**test.variables, **(variables or {})}, http=client, sandbox=sandbox)
    transport.lookup = lambda path: conversation.session.get(path)
    return Harness(conversation, transport, owned)


def replay(
    test: ConvoTest,
    harness: Harness,
    *,
    on_turn: TurnDone | None = None,
    upto: int | None = None,
    serving: Serving | None = None,
    deadlines: Deadlines | None = None,
) -> Coroutine[Any, Any, Failure | None]:
    """Start `harness`'s conversation and play `test`'s turns on it, checking each, until the first failure;
    inside `serving` (a runner's `SharedHttp.serving`), when given.

    With `upto`, only the turns before index `upto` are played and the conversation is left where it stands
    (the strict check after the last turn is skipped): that is how a person opens a test at one of its turns.
    `deadlines` (a runner's) times the replay out with the other replays it times; without it, the replay has its own.
    """
    # The replay's own coroutine, awaited by the caller: no coroutine of this function's in between.
    return _Replay(
        test, harness.conversation, harness.transport, on_turn, upto, serving, deadlines or Deadlines()
    ).run()


def _yaml(value: Any) -> str:
    plain = json.loads(json.dumps(value, default=str))  # YAML mappings are dict subclasses PyYAML cannot dump
    return yaml.safe_dump(plain, sort_keys=True, allow_unicode=True, default_flow_style=False, width=100).strip()


def _why(exchange: ev.HttpExchange) -> str:
    """Why a request failed, without the URL the report already shows: `connection refused`, `HTTP 500: …`."""
    if exchange.error is None:
        return f"HTTP {exchange.status}"
    return re.sub(rf"\s+(to|waiting for|from) {re.escape(exchange.url)}", "", exchange.error)


def _diff(expected: str, actual: str) -> tuple[str, ...]:
    return tuple(d.rstrip() for d in difflib.ndiff(expected.splitlines(), actual.splitlines()))


class _Replay:
    """One test against one conversation: turn by turn, with a cursor per kind of observed event."""

    def __init__(
        self,
        test: ConvoTest,
        conversation: Conversation,
        transport: CannedTransport,
        on_turn: TurnDone | None,
        upto: int | None = None,
        serving: Serving | None = None,
        deadlines: Deadlines | None = None,
    ) -> None:
        self.test = test
        self.conversation = conversation
        self.transport = transport
        self.on_turn = on_turn
        self.upto = upto
        self.serving = serving
        self.deadlines = deadlines or Deadlines()
        self.mark = 0
        """The index of the first event since the last input."""
        self.cursors: dict[type, int] = {}
        """Where the next look for a kind of event starts, for the kinds looked for since the last input (`mark`
        for the others: an input clears them)."""
        self.unanswered = 0
        self.sent: list[tuple[int, Turn]] = []  # each input turn with the index of the first event it caused

    @property
    def events(self) -> list[ev.Event]:
        return self.conversation.events

    async def run(self) -> Failure | None:
        turn: Turn | None = None
        try:
            # Serving inside the time limit: the context of the timer it may set, which the loop keeps until the
            # timer strikes or is dropped, must not hold the conversation's canned answers (and through them the
            # conversation).
            with self.deadlines.limit(self.test.timeout), self.serving or _NOT_SERVING:
                await self.conversation.start(self.test.start)
                failure = self.after_input(None)
                if failure:
                    return failure
                for index, turn in enumerate(self.test.turns[: self.upto]):
                    if index and not index % YIELD_TURNS:
                        # A turn that waits for nothing never lets the loop run: without this a long
                        # conversation would outlive its timeout (whose timer is the loop's) and hold up a
                        # window sharing the loop.
                        await asyncio.sleep(0)
                    check = _CHECKS.get(turn.kind)  # None for an input turn
                    failure = check(self, turn) if check is not None else await self.send(turn)
                    if self.on_turn is not None:
                        self.on_turn(index, turn, failure)
                    if failure:
                        return failure
                return self.strict_check(None) if self.upto is None and self.test.strict else None
        except TimeoutError:
            return self.fail(turn, f"timed out after {self.test.timeout:g} s")

    # --- helpers -----------------------------------------------------------------------------------------------

    def fail(
        self, turn: Turn | None, message: str, expected: str = "", actual: str = "", diff: Sequence[str] = ()
    ) -> Failure:
        loc = turn.loc if turn else self.test.loc
        return Failure(
            loc=loc,
            message=message,
            turn=turn.text if turn else f"conversation '{self.test.name}'",
            expected=expected,
            actual=actual,
            diff=tuple(diff),
            transcript=tuple(transcript(self.events)),
            http_failures=tuple(self.http_failures()),
        )

    def http_failures(self) -> list[str]:
        """A line for each HTTP request that failed so far: the turn that made it, the request, and why."""
        lines = []
        for index, event in enumerate(self.events):
            if not isinstance(event, ev.HttpExchange) or not (event.error or (event.status or 0) >= 400):
                continue
            turn = next((turn for mark, turn in reversed(self.sent) if mark <= index), None)
            when = f"after `{turn.text}` (line {turn.loc.line})" if turn else "at the start"
            lines.append(f"an HTTP request failed {when}: {event.method} {event.url}: {_why(event)}")
        return lines

    def since_input(self, kind: type) -> list[ev.Event]:
        return [e for e in self.events[self.mark :] if isinstance(e, kind)]

    def take(self, kind: type[ev.Event]) -> ev.Event | None:
        """The next event of `kind` after its cursor, moving the cursor past it."""
        events = self.conversation.events
        index = events.find(kind, self.cursors.get(kind, self.mark))
        if index == len(events):
            self.cursors[kind] = index
            return None
        self.cursors[kind] = index + 1
        return events[index]

    def strict_check(self, turn: Turn | None) -> Failure | None:
        """In a strict test, a bot message that no `bot` turn took fails the test."""
        if not self.test.strict:
            return None
        left = self.take(ev.BotMessage)
        if left is None:
            return None
        assert isinstance(left, ev.BotMessage)
        where = "before this turn" if turn else "after the last turn"
        return self.fail(
            turn,
            f"the bot said something {where} that no bot turn asserts (strict)",
            actual=line(left) or "",
        )

    def after_input(self, turn: Turn | None) -> Failure | None:
        """Fail when the input was refused or made a request that no `http:` entry answers."""
        if len(self.transport.unmatched) > self.unanswered:
            request = self.transport.unmatched[self.unanswered]
            self.unanswered = len(self.transport.unmatched)
            return self.fail(
                turn,
                "no http: entry answers this request (add one, or say `http: passthrough`)",
                expected=describe_stubs(self.test.http).strip(),
                actual=request.describe(),
            )
        if not self.conversation.events.has_any(_REFUSALS, self.mark):  # nearly always
            return None
        for event in self.conversation.events[self.mark :]:
            if isinstance(event, ev.EngineError) and event.error == "input":
                return self.fail(turn, f"the conversation refused the input: {event.message}")
            if isinstance(event, ev.IframeMessageRejected):
                return self.fail(turn, f"the conversation refused the iframe message: {event.reason}")
        return None

    # --- turns -------------------------------------------------------------------------------------------------

    async def send(self, turn: Turn) -> Failure | None:
        """Play an input turn (the others are `_CHECKS`)."""
        if self.test.strict and (failure := self.strict_check(turn)):
            return failure
        self.mark = len(self.conversation.events)
        self.cursors.clear()
        self.sent.append((self.mark, turn))
        failure = await _SENDS[turn.kind](self, turn)
        return failure or self.after_input(turn)

    # The sends that cannot fail give the conversation's own coroutine (one coroutine fewer per turn).

    def send_user(self, turn: Turn) -> Awaitable[None]:
        return self.conversation.send_text(turn.value)

    async def send_click(self, turn: Turn) -> Failure | None:
        if self.conversation.find_choice(turn.value) is None:
            titles = [c.title for c in self.conversation.session.choices]
            return self.fail(
                turn,
                f"there is no button or quick reply '{turn.value}' to click",
                expected=show(turn.value),
                actual=f"the choices are {show(titles)}" if titles else "there are no buttons to click",
            )
        await self.conversation.press(turn.value)
        return None

    async def send_iframe(self, turn: Turn) -> Failure | None:
        opened = [e for e in self.events if isinstance(e, ev.IframeOpened)]
        url = urlsplit(opened[-1].url) if opened else None
        origin = f"{url.scheme}://{url.netloc}" if url and url.netloc else "null"
        await self.conversation.post_message(turn.value, origin)
        return None

    def send_agent(self, turn: Turn) -> Awaitable[None]:
        return self.conversation.agent_reply(turn.value)

    def send_hand_back(self, turn: Turn) -> Awaitable[None]:
        return self.conversation.hand_back(turn.value[0])

    def send_silence(self, turn: Turn) -> Awaitable[None]:
        return self.conversation.silence(turn.value)

    def check_bot(self, turn: Turn) -> Failure | None:
        expectation: BotExpectation = turn.value
        message = self.take(ev.BotMessage)
        if message is None:
            said = [line(e) or "" for e in self.since_input(ev.BotMessage)]
            return self.fail(
                turn,
                "expected a bot message, but the bot said nothing more",
                expected=expectation.describe(),
                actual="\n".join(said) if said else "(no message since the last input)",
            )
        assert isinstance(message, ev.BotMessage)
        problems = expectation.mismatches(message)
        if not problems:
            return None
        exact = expectation.exact_text
        diff = _diff(exact, message.text) if exact is not None and exact != message.text else ()
        return self.fail(
            turn,
            "the bot said something else: " + "; ".join(problems),
            expected=expectation.describe(),
            actual=(line(message) or "").removeprefix("bot:").strip(),
            diff=diff,
        )

    def check_json(self, turn: Turn) -> Failure | None:
        message = self.take(ev.JsonMessage)
        if message is None:
            return self.fail(turn, "expected a JSON Builder message, but there is none", expected=_yaml(turn.value))
        assert isinstance(message, ev.JsonMessage)
        problems = subset_mismatches(turn.value, message.payload)
        if not problems:
            return None
        expected, actual = _yaml(turn.value), _yaml(message.payload)
        return self.fail(
            turn, "the JSON Builder message differs: " + "; ".join(problems), expected, actual, _diff(expected, actual)
        )

    def check_iframe_opened(self, turn: Turn) -> Failure | None:
        opened = self.take(ev.IframeOpened)
        if opened is None:
            return self.fail(turn, "expected an iframe to open, but none did", expected=turn.value)
        assert isinstance(opened, ev.IframeOpened)
        match = TextMatch.parse(turn.value)
        if match.mode == "regex":
            ok, expected = match.test(opened.url), turn.value
        else:
            rendered = template.render(turn.value, self.conversation.session.get)
            expected = resolve_url(rendered, self.conversation.flow.folder)
            ok = expected == opened.url
        if ok:
            return None
        return self.fail(turn, "the iframe opened another page", expected=expected, actual=opened.url)

    def check_error(self, turn: Turn) -> Failure | None:
        expectation: ErrorExpectation = turn.value
        start = self.cursors.get(ev.EngineError, self.mark)
        seen: list[str] = []
        for index in range(start, len(self.events)):
            event = self.events[index]
            if isinstance(event, ev.EngineError):
                kind, message = event.error, event.message
            elif isinstance(event, ev.ActionFinished) and not event.ok:
                kind, message = event.action, event.error or ""
            else:
                continue
            if expectation.matches(kind, message):
                self.cursors[ev.EngineError] = index + 1
                return None
            seen.append(f"[{kind}] {message}")
        return self.fail(
            turn,
            "expected an error, but no error like it happened since the last input",
            expected=expectation.describe(),
            actual="\n".join(seen) if seen else "(no error)",
        )

    def check_state(self, turn: Turn) -> Failure | None:
        current = self.conversation.session.current_state
        if current == turn.value:
            return None
        path = [e.state for e in self.since_input(ev.StateEntered)]
        went = f" (since the last input it went {' → '.join(path)})" if path else ""
        return self.fail(turn, f"the conversation is in another state{went}", expected=turn.value, actual=str(current))

    def check_vars(self, turn: Turn) -> Failure | None:
        session = self.conversation.session
        actual = {name: session.get(name) for name in turn.value if session.get(name) is not None}
        problems = subset_mismatches(turn.value, actual)
        if not problems:
            return None
        expected_text, actual_text = _yaml(turn.value), _yaml(actual)
        return self.fail(
            turn,
            "session variables differ: " + "; ".join(problems),
            expected_text,
            actual_text,
            _diff(expected_text, actual_text),
        )

    def check_contexts(self, turn: Turn) -> Failure | None:
        active = self.conversation.session.contexts
        problems = context_mismatches(turn.value, active)
        if not problems:
            return None
        expected_text, actual_text = _yaml(turn.value), _yaml(active) if active else "(no active context)"
        return self.fail(
            turn,
            "the active contexts differ: " + "; ".join(problems),
            expected_text,
            actual_text,
            _diff(expected_text, actual_text),
        )

    def check_offloaded(self, turn: Turn) -> Failure | None:
        want = turn.value[0]
        if self.conversation.session.offloaded == want:
            return None
        state = "offloaded to an agent" if not want else "with the bot"
        return self.fail(turn, f"the conversation is {state}", expected=str(want).lower(), actual=str(not want).lower())


_NOT_SERVING = contextlib.nullcontext()
"""What a replay without a runner's shared HTTP enters instead of a `Serving` (its harness's client answers)."""
_REFUSALS = frozenset({ev.EngineError, ev.IframeMessageRejected})
"""The events that may say an input was refused (`_Replay.after_input`)."""
_CHECKS: dict[str, Callable[[_Replay, Turn], Failure | None]] = {
    kind: getattr(_Replay, f"check_{kind}") for kind in TURN_KINDS if kind not in INPUT_KINDS
}
_SENDS: dict[str, Callable[[_Replay, Turn], Awaitable[Failure | None]]] = {
    kind: getattr(_Replay, f"send_{kind}") for kind in INPUT_KINDS
}
