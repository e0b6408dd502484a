"""The events a conversation emits: the only way the engine talks outward.

Every event is a slotted dataclass with a keyword-only wall-clock timestamp `at`. `event.kind` is the class name.
Events are made by keyword, but the kinds every turn makes are made by position in the engine's turn: a class
called with keywords first gathers them in a dict, which nearly doubles what making one costs.
The session is what you get by applying these events in order (see `session.Session.apply`), so an event is never
changed once it is made. Events are not `frozen` dataclasses only because those take three times as long to make
(a turn makes a dozen: frozen, they were a sixth of its time); they hash as frozen ones do.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal


@dataclass(slots=True, unsafe_hash=True)
class Event:
    """Base of every engine event."""

    at: float = field(default_factory=time.time, compare=False, kw_only=True)

    @property
    def kind(self) -> str:
        """The event's type name, e.g. `BotMessage`."""
        return type(self).__name__

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict of the event, with its kind."""
        return {"kind": self.kind, **asdict(self)}


# --- turns and input ---

InputKind = Literal["start", "text", "button", "iframe", "agent", "hand_back", "edit", "restart", "reload", "silence"]


@dataclass(slots=True, unsafe_hash=True)
class TurnStarted(Event):
    """A new turn begins: something from outside (the user, a page, an agent, a tester) reached the engine."""

    input: InputKind
    text: str = ""


@dataclass(slots=True, unsafe_hash=True)
class TurnFinished(Event):
    """The engine is done with the turn and waits."""

    duration: float = 0.0


@dataclass(slots=True, unsafe_hash=True)
class UserMessage(Event):
    """What the user said, as the chat shows it: typed, a button pressed, or sent by an iframe page."""

    text: str
    via: Literal["text", "button", "iframe"] = "text"
    payload: dict[str, Any] | None = None


@dataclass(slots=True, unsafe_hash=True)
class WaitingForInput(Event):
    """The conversation waits for the user at `state`; `expect` is what an `ask` state validates against."""

    state: str
    expect: str = ""


@dataclass(slots=True, unsafe_hash=True)
class InputRejected(Event):
    """An `ask` state refused the user's answer (`attempt` counts from 1)."""

    state: str
    text: str
    expect: str
    attempt: int


@dataclass(slots=True, unsafe_hash=True)
class IntentMatched(Event):
    """NLU recognised an intent (and possibly entities) in the user's text."""

    intent: str
    score: float
    text: str
    entities: dict[str, Any] = field(default_factory=dict)


# --- states and messages ---

TransitionReason = Literal[
    "start",
    "next",
    "route",
    "button",
    "intent",
    "fallback",
    "code",
    "api",
    "iframe",
    "error",
    "give_up",
    "hand_back",
    "offload",
    "event",
]


@dataclass(slots=True, unsafe_hash=True)
class StateEntered(Event):
    """The conversation entered a dialog state. `route` is the index of the `next` route taken, if any."""

    state: str
    previous: str | None = None
    reason: TransitionReason = "next"
    route: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ChoiceOut:
    """A rendered button or quick reply as the chat shows it."""

    title: str
    goto: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    url: str | None = None
    """A link (`https:`), or for Chatlayer's Call button (`phone_number`) a `tel:` URI: pressing it opens the
    link and says nothing to the bot."""
    icon: str | None = None
    """A quick reply's icon (`image_url`)."""

    @property
    def payload(self) -> dict[str, Any]:
        """Chatlayer's postback payload."""
        return {
            "nextDialogstateId": self.goto,
            "params": [{"key": k, "value": v} for k, v in self.params.items()],
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class CardOut:
    """A rendered carousel card."""

    title: str
    subtitle: str = ""
    image: str | None = None
    buttons: tuple[ChoiceOut, ...] = ()
    url: str | None = None
    """The page a click on the card's image opens (Chatlayer's `webUrl`, Messenger's `item_url`)."""


MessageKind = Literal["text", "buttons", "quick_replies", "media", "carousel", "html", "iframe"]


@dataclass(slots=True, unsafe_hash=True)
class BotMessage(Event):
    """A message the bot shows in the chat, rendered (templates filled in)."""

    state: str
    type: MessageKind = "text"
    text: str = ""
    buttons: tuple[ChoiceOut, ...] = ()
    quick_replies: tuple[ChoiceOut, ...] = ()
    media: dict[str, str] | None = None
    cards: tuple[CardOut, ...] = ()
    html: str | None = None
    with_balloon: bool = True

    @property
    def choices(self) -> tuple[ChoiceOut, ...]:
        """Every pressable choice of the message: buttons, quick replies and card buttons."""
        choices = self.buttons + self.quick_replies
        return choices + tuple(b for c in self.cards for b in c.buttons) if self.cards else choices


@dataclass(slots=True, unsafe_hash=True)
class TemplateWarning(Event):
    """A template referred to a variable that has no value; it rendered as an empty string."""

    template: str
    variable: str
    state: str | None = None


@dataclass(slots=True, unsafe_hash=True)
class EngineWarning(Event):
    """Something worth knowing that did not stop the turn (e.g. a code action that never called send())."""

    message: str
    state: str | None = None
    where: str | None = None


@dataclass(slots=True, unsafe_hash=True)
class EngineError(Event):
    """An error in the flow or an action. `where` is `file:line:column` when known; `states` names a loop."""

    error: str
    message: str
    state: str | None = None
    where: str | None = None
    states: tuple[str, ...] = ()


# --- session ---

VariableOrigin = Literal[
    "ask", "button", "entity", "nlp", "code", "api", "iframe", "edit", "set", "default", "offload", "event"
]


@dataclass(slots=True, unsafe_hash=True)
class VariableChanged(Event):
    """A session variable (a dotted path) was set, or removed when `removed` is true."""

    name: str
    value: Any = None
    previous: Any = None
    removed: bool = False
    origin: VariableOrigin = "set"
    state: str | None = None
    detail: str = ""
    line: int | None = None
    """For `code` in debug mode: the line of the code action whose statement set it."""


@dataclass(slots=True, unsafe_hash=True)
class SessionCleared(Event):
    """Clear Session removed `removed` and restored the flow's defaults in `restored`."""

    state: str | None
    removed: tuple[str, ...]
    restored: dict[str, Any] = field(default_factory=dict)


VARIABLE_WRITES: frozenset[type[Event]] = frozenset({VariableChanged, SessionCleared})
"""The kinds of event that change session variables; every other kind leaves them as they are."""


@dataclass(slots=True, unsafe_hash=True)
class ContextsChanged(Event):
    """The active contexts (Chatlayer's input and output contexts) changed: `contexts` is every active context
    after the change with its remaining lifespan (the user messages it still counts for), in the order they were
    set. `state` is the dialog state whose output context set some of them; without one, a user message counted
    them down and `expired` names those that ran out."""

    contexts: dict[str, int]
    state: str | None = None
    expired: tuple[str, ...] = ()


LanguageReason = Literal["preferredLanguage", "locale", "primary"]


@dataclass(slots=True, unsafe_hash=True)
class LanguageChanged(Event):
    """The conversation speaks `language` from the next message on (it spoke `previous`): `reason` says where it
    comes from: the user's `preferredLanguage`, the channel's `locale`, or neither (the flow's primary language)."""

    language: str
    previous: str | None = None
    reason: LanguageReason = "primary"


@dataclass(slots=True, unsafe_hash=True)
class EventTriggered(Event):
    """A bot-wide event (`events:` in the flow) was set off: `type` is `variables_changed` (by the watched
    `variables` that changed) or `silence` (after `seconds` without user input); its dialog state `state` runs.
    `name` is the event's name in the flow."""

    name: str
    type: Literal["variables_changed", "silence"]
    state: str
    variables: tuple[str, ...] = ()
    seconds: float = 0.0


# --- actions ---


@dataclass(slots=True, unsafe_hash=True)
class ActionStarted(Event):
    """An action of a state begins."""

    state: str
    action: str


@dataclass(slots=True, unsafe_hash=True)
class ActionFinished(Event):
    """An action ended; `ok` false means it failed with `error`; `jump` is a state the action asked to go to."""

    state: str
    action: str
    duration: float
    ok: bool = True
    result: Any = None
    error: str | None = None
    jump: str | None = None


@dataclass(slots=True, unsafe_hash=True)
class HttpExchange(Event):
    """One HTTP request and what came back (or `error` when nothing usable did)."""

    state: str | None
    source: Literal["api", "fetch", "webhook"]
    method: str
    url: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str | None = None
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    duration: float = 0.0
    error: str | None = None


@dataclass(slots=True, unsafe_hash=True)
class CodeLog(Event):
    """console.log/warn/error output of a code action."""

    state: str
    level: Literal["log", "info", "warn", "error", "debug"]
    message: str


@dataclass(slots=True, unsafe_hash=True)
class IframeOpened(Event):
    """An iframe action opened `url` (absolute: http(s) or file)."""

    state: str
    url: str
    height: int | None = None


@dataclass(slots=True, unsafe_hash=True)
class IframeMessageAccepted(Event):
    """A postMessage from an iframe page was accepted and acted on."""

    origin: str
    type: str
    payload: Any = None


@dataclass(slots=True, unsafe_hash=True)
class IframeMessageRejected(Event):
    """A postMessage from an iframe page was refused; nothing changed."""

    origin: str
    reason: str
    data: str = ""


@dataclass(slots=True, unsafe_hash=True)
class JsonMessage(Event):
    """A JSON Builder message for the website (not shown as a chat bubble)."""

    state: str
    payload: Any


@dataclass(slots=True, unsafe_hash=True)
class Offloaded(Event):
    """The conversation was handed to a human agent; `transcript` is the conversation so far."""

    state: str
    provider: str
    transcript: tuple[dict[str, Any], ...] = ()


@dataclass(slots=True, unsafe_hash=True)
class UserToAgent(Event):
    """While offloaded, the user's message goes to the agent."""

    text: str


@dataclass(slots=True, unsafe_hash=True)
class AgentMessage(Event):
    """The human agent said something."""

    text: str


@dataclass(slots=True, unsafe_hash=True)
class HandedBack(Event):
    """The agent handed the conversation back to the bot."""

    state: str | None = None


# --- debugging and history ---

PauseWhere = Literal["state", "statement", "exception"]
DebugCommand = Literal["step_over", "step_into", "step_out", "continue", "stop"]


@dataclass(slots=True, unsafe_hash=True)
class Paused(Event):
    """The debugger holds the conversation until a command: before entering `state` (`where="state"`, `line`
    None), before the statement at `line` of its code action, or where an uncaught `error` was thrown.

    Every value is a JSON-safe snapshot (functions as "function name()", cycles as "[Circular]", deep
    objects cut). `locals` are the variables in scope in `function` ("" for the action's body); `builder`
    is what the ChatlayerResponseBuilder queued so far (`variables`, `messages`, `next_state`); `console` is
    the output so far as `[level, text]`; `fetches` the requests made so far (`method`, `url`, `status`,
    `request_body`, `response_body`, `error`); `variables` the session. `breakpoint` is true when a
    breakpoint (rather than a step or a pause request) stopped it.
    """

    where: PauseWhere
    state: str
    line: int | None = None
    function: str = ""
    locals: dict[str, Any] = field(default_factory=dict)
    args: Any = None
    builder: dict[str, Any] = field(default_factory=dict)
    console: tuple[tuple[str, str], ...] = ()
    fetches: tuple[dict[str, Any], ...] = ()
    variables: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    breakpoint: bool = False


@dataclass(slots=True, unsafe_hash=True)
class Resumed(Event):
    """The debugger let the conversation go on from a pause in `state`; `stop` ends the turn there (also when a
    stop was asked for while running: at the next gate, without a pause before)."""

    command: DebugCommand
    state: str


@dataclass(slots=True, unsafe_hash=True)
class Rewound(Event):
    """The log was cut back to its first `to` events on the new branch `branch` (forked from `parent`, which
    is kept); the session is what those events make."""

    to: int
    branch: int
    parent: int


@dataclass(slots=True, unsafe_hash=True)
class FlowReloaded(Event):
    """The flow file was loaded again and the conversation goes on with the new version, its history kept.
    `added`, `removed` and `changed` name dialog states; `state` is the one the conversation was in. When that
    state is gone (or the conversation had not started), it starts again at `restart_at`."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    state: str | None = None
    restart_at: str | None = None

    @property
    def summary(self) -> str:
        """What happened, in the flow's terms: `flow reloaded: ask_destination changed`."""
        gone = self.state if self.restart_at and self.state in self.removed else None
        removed = tuple(name for name in self.removed if name != gone)
        parts = [
            f"{_names(names)} {what}"
            for names, what in ((self.added, "added"), (removed, "removed"), (self.changed, "changed"))
            if names
        ]
        if gone:
            parts.append(f"the current state {gone} was removed; the conversation restarts at {self.restart_at}")
        elif self.restart_at:
            parts.append(f"the conversation starts at {self.restart_at}")
        return "flow reloaded: " + ("; ".join(parts) if parts else "no dialog state changed")


def _names(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(slots=True, unsafe_hash=True)
class BranchSwitched(Event):
    """The conversation went back to the branch `branch`'s log (from `previous`)."""

    branch: int
    previous: int
