"""Flow diff: replay a suite against two versions of a flow and find, per conversation, the first difference.

The left version is the flow file as saved; the right one is another file or the same file at a git revision
(`git show REV:./file`, run in the file's folder). The right version runs as if it were saved in place of the
left one, so relative iframe pages resolve the same way.

Each conversation's event log is cut into steps: what happened at the start, then what each turn of the convo file
caused. Two steps are compared by what a person sees of them, in order: bot messages, states entered, JSON
messages, HTTP requests, iframes, errors (see `transcript.line`), then by the session variables at the end of the
step. The first step that differs gives the report its turn (`file:line` of the convo turn), what differs, and
the left and right values. When the events agree but the tests end differently, the test results differ.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.engine import events as ev
from workbench.engine.session import Session
from workbench.flow.loader import LoadResult, load_flow, load_flow_text
from workbench.flow.model import Flow, Loc
from workbench.testing.convo_format import ConvoTest, Turn, find_convo_files, load_convo_file
from workbench.testing.runner import ConvoResult, Failure, FlowCache, Runner, Status
from workbench.testing.transcript import line

NOTHING = "(nothing)"
NOT_SET = "(not set)"
_WHAT: dict[type, str] = {
    ev.BotMessage: "bot message",
    ev.StateEntered: "state entered",
    ev.JsonMessage: "JSON message",
    ev.HttpExchange: "HTTP request",
    ev.EngineError: "error",
    ev.IframeOpened: "iframe",
}


class DiffError(Exception):
    """A flow version that cannot be read or loaded, or a suite that cannot run."""


# --- the two versions ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlowVersion:
    """One side of the comparison: a label for people and the loaded flow."""

    label: str
    flow: Flow


def read_revision(path: Path, revision: str) -> str:
    """The text of the file `path` at git revision `revision` (of the repository that holds it)."""
    try:
        done = subprocess.run(
            ["git", "show", f"{revision}:./{path.name}"],
            cwd=path.parent,
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
    except FileNotFoundError as exc:
        raise DiffError("git is not installed (or not on PATH)") from exc
    if done.returncode != 0:
        raise DiffError(f"git show {revision}:{path.name}: {done.stderr.strip() or 'failed'}")
    return done.stdout


def _checked(result: LoadResult, label: str, path: Path) -> FlowVersion:
    if result.flow is None:
        problems = "\n".join(str(p) for p in result.errors)
        raise DiffError(f"{label} does not load:\n{problems}")
    return FlowVersion(label, dataclasses.replace(result.flow, path=path))


def load_version(flow: Path, against: str | None = None) -> FlowVersion:
    """The flow file as saved (`against` None), another file (`against` names one that exists), or the flow file at
    git revision `against`; the version is placed at `flow`'s path. Raises `DiffError`."""
    flow = flow.resolve()
    if against is None:
        return _checked(load_flow(flow), str(flow), flow)
    other = Path(against)
    if other.is_file():
        return _checked(load_flow(other), str(other), flow)
    label = f"{against}:{flow.name}"
    return _checked(load_flow_text(read_revision(flow, against), label), label, flow)


# --- replaying one conversation ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fact:
    """Something a person sees happen: `what` kind of thing and its text."""

    what: str
    text: str


@dataclass
class Step:
    """What the start (`turn` -1) or one turn of a conversation caused, and the variables after it."""

    turn: int
    facts: list[Fact] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    failure: Failure | None = None


@dataclass(frozen=True, slots=True)
class Replayed:
    """One conversation replayed against one version: the result and its steps."""

    result: ConvoResult
    steps: tuple[Step, ...]


def fact(event: ev.Event) -> Fact | None:
    """What a person sees of `event`, or None for bookkeeping events."""
    if isinstance(event, ev.StateEntered):
        return Fact("state entered", event.state)
    text = line(event)
    if text is None or isinstance(event, ev.UserMessage):
        return None
    if isinstance(event, ev.BotMessage):
        text = text.removeprefix("bot:").strip()
    return Fact(_WHAT.get(type(event), "event"), text)


class _PinnedFlows(FlowCache):
    """A flow cache that answers with one given flow for one flow file."""

    def __init__(self, version: FlowVersion) -> None:
        super().__init__()
        assert version.flow.path is not None
        self._path = version.flow.path
        self._result = LoadResult(version.flow, ())

    def get(self, path: Path) -> LoadResult:
        """The pinned version for the flow file, else the file as saved."""
        return self._result if Path(path).resolve() == self._path else super().get(path)


class _Recorder:
    """Notes, for every event of a replay, the step it belongs to (-1 until the first input turn starts)."""

    def __init__(self) -> None:
        self.owners: list[int] = []
        self.failures: dict[int, Failure | None] = {}
        self._current = -1
        self._first_turn = True

    def observe(self, event: ev.Event) -> None:
        if isinstance(event, ev.TurnStarted):
            if not self._first_turn:
                self._current = len(self.failures)
            self._first_turn = False
        self.owners.append(self._current)

    def turn_done(self, index: int, turn: Turn, failure: Failure | None) -> None:
        self.failures[index] = failure

    def steps(self, events: Sequence[ev.Event], defaults: Mapping[str, Any]) -> tuple[Step, ...]:
        """Cut `events` (the whole log, whose tail was observed) into steps."""
        steps = [Step(turn) for turn in range(-1, len(self.failures))]
        session = Session(defaults=dict(defaults))
        unobserved = len(events) - len(self.owners)
        for index, event in enumerate(events):
            session.apply(event)
            owner = self.owners[index - unobserved] if index >= unobserved else -1
            if (seen := fact(event)) is not None:
                steps[owner + 1].facts.append(seen)
            steps[owner + 1].variables = session.snapshot()
        for step in steps[1:]:
            step.failure = self.failures[step.turn]
            if not step.variables:  # a turn without events (a check): the variables stay as they were
                step.variables = steps[step.turn].variables
        return tuple(steps)


async def replay(runner: Runner, test: ConvoTest, flow: Flow) -> Replayed:
    """Replay `test` with `runner` (whose flows give `flow` for the test's flow file) and cut it into steps."""
    recorder = _Recorder()
    result = await runner.run(test, observer=recorder.observe, on_turn=recorder.turn_done)
    return Replayed(result, recorder.steps(result.events, flow.variables))


# --- comparing ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Difference:
    """The first place two replays of a conversation part: the turn, what differs, and the two sides."""

    loc: Loc
    turn: str
    what: str
    left: str
    right: str


@dataclass(frozen=True, slots=True)
class ConvoDiff:
    """One conversation: its outcome against each version and the first difference (None: they behave the same)."""

    id: str
    name: str
    loc: Loc
    left: Status
    right: Status
    difference: Difference | None


def _value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _compare_facts(left: Sequence[Fact], right: Sequence[Fact]) -> tuple[str, str, str] | None:
    for index in range(max(len(left), len(right))):
        a = left[index] if index < len(left) else None
        b = right[index] if index < len(right) else None
        if a == b:
            continue
        if a is not None and b is not None:
            if a.what == b.what:
                return a.what, a.text, b.text
            return "what happens next", _show(a), _show(b)
        present = a or b
        assert present is not None
        return present.what, _show(a), _show(b)
    return None


def _show(seen: Fact | None) -> str:
    return f"{seen.what}: {seen.text}" if seen else NOTHING


def _compare_variables(left: Mapping[str, Any], right: Mapping[str, Any]) -> tuple[str, str, str] | None:
    for name in sorted(set(left) | set(right), key=lambda n: (n == "internal", n)):
        if name == "internal":
            continue  # where the conversation is: already compared through the states entered
        if left.get(name, NOT_SET) != right.get(name, NOT_SET):
            show = [_value(side[name]) if name in side else NOT_SET for side in (left, right)]
            return f"variable {name}", show[0], show[1]
    return None


def _outcome(replayed: Replayed) -> str:
    failure = replayed.result.failure
    return f"{replayed.result.status}: {failure.message}" if failure else replayed.result.status


def first_difference(test: ConvoTest, left: Replayed, right: Replayed) -> Difference | None:
    """Where the two replays of `test` first behave differently, if they do."""

    def at(turn: int, what: str, a: str, b: str) -> Difference:
        if turn < 0:
            return Difference(test.loc, "(start of the conversation)", what, a, b)
        return Difference(test.turns[turn].loc, test.turns[turn].text, what, a, b)

    for a, b in zip(left.steps, right.steps, strict=False):
        found = _compare_facts(a.facts, b.facts) or _compare_variables(a.variables, b.variables)
        if found:
            return at(a.turn, *found)
        if (a.failure is None) != (b.failure is None):
            return at(a.turn, "test result", _outcome(left), _outcome(right))
    if _outcome(left) != _outcome(right):
        turn = min(len(left.steps), len(right.steps)) - 1
        return at(turn, "test result", _outcome(left), _outcome(right))
    return None


# --- the whole suite --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DiffReport:
    """Every conversation of the flow, compared; `skipped` counts conversations of other flows."""

    flow: Path
    left: str
    right: str
    conversations: tuple[ConvoDiff, ...]
    skipped: int = 0

    @property
    def differing(self) -> list[ConvoDiff]:
        """The conversations that behave differently."""
        return [c for c in self.conversations if c.difference is not None]

    def text(self) -> str:
        """The report as the `workbench diff` command prints it."""
        width = max(len(self.left), len(self.right)) + 1
        lines = []
        for convo in self.differing:
            d = convo.difference
            assert d is not None
            lines += [
                f"{d.loc.file}:{d.loc.line}: {d.turn}",
                f"  in '{convo.name}': the {d.what} differs",
                f"    {self.left + ':':<{width}} {d.left}",
                f"    {self.right + ':':<{width}} {d.right}",
                "",
            ]
        lines.append(self.summary)
        return "\n".join(lines)

    @property
    def summary(self) -> str:
        """`9 conversations: 4 with a difference, 5 the same`."""
        same = len(self.conversations) - len(self.differing)
        return f"{len(self.conversations)} conversations: {len(self.differing)} with a difference, {same} the same"


def convo_tests(flow: Path, paths: Sequence[Path] = ()) -> tuple[list[ConvoTest], int]:
    """The conversations of `flow` in the convo files under `paths` (default: the flow's folder), and how many
    conversations of other flows were left out. Raises `DiffError` for a convo file with errors."""
    flow = flow.resolve()
    tests: list[ConvoTest] = []
    others = 0
    for path in find_convo_files(paths or [flow.parent]):
        convo = load_convo_file(path)
        if not convo.ok:
            raise DiffError("\n".join(str(p) for p in convo.errors))
        mine = [t for t in convo.tests if t.flow.resolve() == flow]
        others += len(convo.tests) - len(mine)
        tests += mine
    return tests, others


async def diff_flow(
    flow: Path,
    against: str,
    convo_paths: Sequence[Path] = (),
    *,
    variables: Mapping[str, Any] | None = None,
) -> DiffReport:
    """Replay the conversations of `flow` against the flow as saved and against `against` (a file or a git
    revision); file reading and loading run in a thread, the replays on the running loop. Raises `DiffError`."""
    left, right = await asyncio.gather(
        asyncio.to_thread(load_version, flow),
        asyncio.to_thread(load_version, flow, against),
    )
    tests, skipped = await asyncio.to_thread(convo_tests, flow, convo_paths)
    runners = [Runner(variables=variables)]
    runners.append(Runner(variables=variables, sandbox=runners[0].sandbox))
    for runner, version in zip(runners, (left, right), strict=True):
        runner.flows = _PinnedFlows(version)
    found: list[ConvoDiff] = []
    try:
        for test in tests:
            a = await replay(runners[0], test, left.flow)
            b = await replay(runners[1], test, right.flow)
            difference = first_difference(test, a, b)
            found.append(ConvoDiff(test.id, test.name, test.loc, a.result.status, b.result.status, difference))
    finally:
        await runners[0].aclose()
    return DiffReport(flow.resolve(), left.label, right.label, tuple(found), skipped)
