"""The transitions a flow declares: the edges of the dialog-state graph and the denominator of coverage.

Edges come from `next` (one plain target, or routes numbered from 0), buttons and quick replies (in `say`, in
`ask` prompts and in carousel cards), `on_error`, `give_up_goto`, `intent:` (from anywhere, source `*`), the
fallback state, the state for too long a message and, in a disabled bot, `bot_disabled` (from anywhere, as
`fallback`), `offloading_*` states around an offload, and `setNextDialogState('…')` calls written literally in
code actions. Jumps decided at run time (an API response's `nextDialogstate`, an iframe's `GO_TO_DIALOGSTATE`)
cannot be known in advance; `Transition.from_event` still names them when they happen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

from workbench.flow.model import Choice, Flow, SayItem, State

ANYWHERE = "*"
Why = Literal[
    "next",
    "route",
    "button",
    "intent",
    "fallback",
    "on_error",
    "give_up",
    "code",
    "api",
    "iframe",
    "offload",
    "hand_back",
    "start",
]
_CODE_JUMP = re.compile(r"""setNextDialogState\(\s*(['"`])([^'"`]+)\1\s*\)""")
_OFFLOAD_STATES = ("offloading_opened", "offloading_closed", "offloading_disabled")


class Entered(Protocol):
    """What the graph reads of the engine's `StateEntered` event (the flow package does not import the engine)."""

    @property
    def state(self) -> str: ...
    @property
    def previous(self) -> str | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def route(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Transition:
    """One edge: from `source` to `target`, and why (`route` numbers the routes of `next` from 0)."""

    source: str
    target: str
    why: Why
    route: int | None = None
    label: str = ""

    @property
    def key(self) -> tuple[str, str, str, int | None]:
        """What identifies the edge (the label is only for showing)."""
        return (self.source, self.target, self.why, self.route)

    @classmethod
    def from_event(cls, event: Entered) -> Transition:
        """The edge a `StateEntered` event of the engine took."""
        reason = event.reason
        if reason in ("intent", "fallback"):
            return cls(ANYWHERE, event.state, reason)
        why: Why = "on_error" if reason == "error" else reason  # type: ignore[assignment]
        route = event.route if reason == "route" else None
        return cls(event.previous or "", event.state, why, route)


def _choices(items: tuple[SayItem, ...]) -> list[Choice]:
    found: list[Choice] = []
    for item in items:
        found.extend(item.buttons)
        found.extend(item.quick_replies)
        for card in item.cards:
            found.extend(card.buttons)
    return found


def state_transitions(flow: Flow, state: State) -> list[Transition]:
    """The edges that leave `state`, in the order they are declared."""
    name = state.name
    edges: list[Transition] = []
    routes = state.next
    if len(routes) == 1 and routes[0].condition is None:
        edges.append(Transition(name, routes[0].goto, "next"))
    else:
        for index, route in enumerate(routes):
            edges.append(Transition(name, route.goto, "route", index, route.condition or "else"))
    prompt = state.ask.prompt + state.ask.retry + state.ask.give_up if state.ask else ()
    for choice in _choices(state.say + prompt):
        if choice.goto:
            edges.append(Transition(name, choice.goto, "button", label=choice.title))
    if state.on_error:
        edges.append(Transition(name, state.on_error, "on_error"))
    if state.ask and state.ask.give_up_goto:
        edges.append(Transition(name, state.ask.give_up_goto, "give_up"))
    if state.code:
        for match in _CODE_JUMP.finditer(state.code.source):
            edges.append(Transition(name, match.group(2), "code"))
    if state.offload:
        edges.extend(Transition(name, t, "offload") for t in _OFFLOAD_STATES if t in flow.states)
    return edges


def transitions(flow: Flow) -> list[Transition]:
    """Every edge the flow declares, without duplicates, states in file order."""
    edges: list[Transition] = []
    for state in flow.states.values():
        edges.extend(state_transitions(flow, state))
        if state.intent:
            edges.append(Transition(ANYWHERE, state.name, "intent", label=state.intent))
    fallback = flow.nlu.fallback or "not_understood"
    disabled = "bot_disabled" if flow.settings.disabled else None
    for target in (fallback, flow.settings.too_long, disabled):
        if target in flow.states:
            edges.append(Transition(ANYWHERE, target, "fallback"))
    unique = {edge.key: edge for edge in edges}
    return list(unique.values())
