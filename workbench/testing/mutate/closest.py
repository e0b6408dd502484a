"""The conversation that comes closest to catching a surviving mutant.

Of the conversations that reached the mutated state, the closest is one whose replay on the mutant shows something
different from its replay on the flow as it is — the bot says something else, the conversation goes another way,
or it ends with other variables — while no expectation of it looks there; failing that, the one that checks the
most expectations after it entered the mutated state. Either is the natural test to add a turn to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from workbench.engine import events as ev
from workbench.engine.session import Session
from workbench.testing.assertions import show
from workbench.testing.convo_format import Turn
from workbench.testing.runner import Failure
from workbench.testing.transcript import line

Kind = Literal["says", "goes", "sends", "variables", "checks"]
_RANK: dict[Kind, int] = {"says": 0, "goes": 1, "sends": 2, "variables": 3, "checks": 4}
SHOWN = 120
"""At most this many characters of a message or request in a hint."""


@dataclass(frozen=True, slots=True)
class Trace:
    """What a conversation showed: the bot's messages (as transcript lines), the states it entered in order, the
    HTTP requests it made (method, URL and body), and the variables it ended with."""

    said: tuple[str, ...]
    path: tuple[str, ...]
    sent: tuple[str, ...] = ()
    variables: dict[str, Any] = field(default_factory=dict)


def trace(events: Iterable[ev.Event], defaults: Mapping[str, Any]) -> Trace:
    """The trace of a conversation's event log on a flow whose `variables:` are `defaults`."""
    said: list[str] = []
    path: list[str] = []
    sent: list[str] = []
    writes: list[ev.Event] = []
    for event in events:
        if isinstance(event, ev.BotMessage | ev.JsonMessage):
            said.append(re.sub(r"^(\w+):\s+", r"\1: ", line(event) or ""))
        elif isinstance(event, ev.StateEntered):
            path.append(event.state)
        elif isinstance(event, ev.HttpExchange):
            sent.append(f"{event.method} {event.url}" + (f" {event.request_body}" if event.request_body else ""))
        elif type(event) in ev.VARIABLE_WRITES:
            writes.append(event)
    return Trace(tuple(said), tuple(path), tuple(sent), Session.from_events(writes, defaults).variables)


class ExpectationCounter:
    """Counts the expectations (turns that are not input) a replay checks after it first entered `state`: pass
    `observe` as the runner's observer and `turn_done` as its `on_turn`."""

    def __init__(self, state: str) -> None:
        self.state = state
        self.entered = False
        self.checked = 0

    def observe(self, event: ev.Event) -> None:
        """Note when the conversation enters the state."""
        if not self.entered and isinstance(event, ev.StateEntered) and event.state == self.state:
            self.entered = True

    def turn_done(self, _index: int, turn: Turn, _failure: Failure | None) -> None:
        """Count a checked expectation once the state was entered."""
        if self.entered and not turn.is_input:
            self.checked += 1


@dataclass(frozen=True, slots=True)
class Observation:
    """One conversation's passing replay on a mutant: which of the suite's conversations (`check`, its index; `
    conversation`, its id), what it showed, and how many expectations it checked after the mutated state."""

    check: int
    conversation: str
    trace: Trace
    checked_after: int


@dataclass(frozen=True, slots=True)
class Closest:
    """The conversation closest to catching a survivor, what kind of hint it is, and the hint in one line."""

    conversation: str
    kind: Kind
    hint: str


def closest(observations: Sequence[Observation], baseline: Mapping[int, Trace]) -> Closest | None:
    """The closest of `observations` (replays of conversations whose baseline trace is in `baseline`, i.e. that
    reached the mutated state on the flow as it is); None when there is none."""
    hints = [(o.checked_after, _hint(o, baseline[o.check])) for o in observations if o.check in baseline]
    best = min(hints, key=lambda pair: (_RANK[pair[1].kind], -pair[0]), default=None)  # the first of equals
    return best[1] if best else None


def _hint(seen: Observation, before: Trace) -> Closest:
    after = seen.trace
    if after.said != before.said:
        what = _quoted_difference(before.said, after.said)
        hint = f"reaches it and the bot says something else, but no expectation checks it ({what})"
        return Closest(seen.conversation, "says", hint)
    if after.path != before.path:
        now, was = _first_difference(before.path, after.path)
        what = f"→ {now} instead of → {was}" if now and was else f"on to {now}" if now else f"no longer to {was}"
        hint = f"reaches it and the conversation goes another way, but no state: turn checks it ({what})"
        return Closest(seen.conversation, "goes", hint)
    if after.sent != before.sent:
        what = _quoted_difference(before.sent, after.sent)
        hint = f"reaches it and makes another HTTP request, but no expectation checks it ({what})"
        return Closest(seen.conversation, "sends", hint)
    if after.variables != before.variables:
        name = next(n for n in sorted({*before.variables, *after.variables}) if _get(before, n) != _get(after, n))
        what = f"{name}: {_value(after, name)} instead of {_value(before, name)}"
        hint = f"reaches it and ends with other variables, but no vars: turn checks them ({what})"
        return Closest(seen.conversation, "variables", hint)
    n = seen.checked_after
    hint = (
        f"reaches it and checks {n} expectation{'' if n == 1 else 's'} after it; none sees a difference"
        if n
        else "reaches it, but checks no expectation after it"
    )
    return Closest(seen.conversation, "checks", hint)


_MISSING = object()


def _get(trace: Trace, name: str) -> Any:
    return trace.variables.get(name, _MISSING)


def _value(trace: Trace, name: str) -> str:
    value = _get(trace, name)
    return "not set" if value is _MISSING else show(value)


def _quoted_difference(before: Sequence[str], after: Sequence[str]) -> str:
    now, was = _first_difference(before, after)
    return f"`{now}` instead of `{was}`" if now and was else f"`{now}` as well" if now else f"no longer `{was}`"


def _first_difference(before: Sequence[str], after: Sequence[str]) -> tuple[str | None, str | None]:
    """The first item where `after` differs from `before`: (now, was), None where one of them has ended."""
    for now, was in zip(after, before, strict=False):
        if now != was:
            return _around(now, was)
    if len(after) > len(before):
        return _short(after[len(before)]), None
    return None, _short(before[len(after)])


def _short(text: str) -> str:
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _around(now: str, was: str) -> tuple[str, str]:
    """Two long texts cut to where they differ: from a little before the first different character."""
    if len(now) <= SHOWN and len(was) <= SHOWN:
        return now, was
    common = next((i for i, (a, b) in enumerate(zip(now, was, strict=False)) if a != b), min(len(now), len(was)))
    start = max(0, common - SHOWN // 4)
    lead = "…" if start else ""
    return _short(lead + now[start:]), _short(lead + was[start:])
