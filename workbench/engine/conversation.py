"""One conversation with a flow: takes inputs (text, button, iframe message, agent reply), emits events.

The conversation owns the event log; its `session` is the projection of that log. Every input runs one turn
under a lock, so inputs arriving together are handled one after the other. The log is the current branch of
`timeline`: `rewind` goes back to a point of it on a new branch, `switch_branch` returns to another one. Over a
long session the log keeps its recent turns whole and folds older ones into a snapshot (`event_log.EventLog`).
With a `debugger` the conversation awaits its gate before each state and runs code actions in debug mode.

It speaks one of its flow's languages (`language`, see `languages`): every text comes from the flow in that language,
and a change of it is a `LanguageChanged` event. The flow's bot-wide events (`bot_events`) run their states when
watched variables change (before the conversation goes on) and on `silence`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import functools
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.engine import bot_events, iframe_messages, incoming, languages, offload
from workbench.engine import events as ev
from workbench.engine.actions import action
from workbench.engine.actions import input as ask_action
from workbench.engine.actions import message as say_action
from workbench.engine.actions.base import ActionContext, Ports
from workbench.engine.debug_stop import DebugStop
from workbench.engine.event_log import EventLog
from workbench.engine.flow_changes import FlowChanges
from workbench.engine.internal_error import doing_in_turn, internal_error
from workbench.engine.nlu import IntentMatch, state_for_intent
from workbench.engine.offload_messages import Bot
from workbench.engine.session import APPLIERS, Session, built_value_problem, copied, refused_start_value
from workbench.engine.timeline import Point, Timeline
from workbench.flow.build import quoted
from workbench.flow.model import BotEvent, Flow, Route, SayItem, State
from workbench.flow.translations import in_language
from workbench.flow.whole_numbers import whole_number

if TYPE_CHECKING:  # the sandbox's modules load when JavaScript first runs (a code action, a route's condition)
    import httpx  # loads at a conversation's first request (see actions.base.Ports)

    from workbench.engine.debugger import Debugger
    from workbench.engine.sandbox import Sandbox

Subscriber = Callable[[ev.Event], None]

_log = logging.getLogger(__name__)

MAX_TRANSITIONS = 100
CONDITION_TIMEOUT = 1.0
NOT_UNDERSTOOD = "not_understood"
ERROR_OCCURRED = "error_occurred"
BOT_DISABLED = "bot_disabled"

BUILTIN_STATES: dict[str, State] = {
    NOT_UNDERSTOOD: State(name=NOT_UNDERSTOOD, kind="say", say=(SayItem(text="Sorry, I didn't understand that."),)),
    ERROR_OCCURRED: State(name=ERROR_OCCURRED, kind="say", say=(SayItem(text="Sorry, something went wrong."),)),
    BOT_DISABLED: State(name=BOT_DISABLED, kind="say", say=(SayItem(text="Sorry, I can't help you at the moment."),)),
}


_JUMP_REASONS: dict[str, ev.TransitionReason] = {"code": "code", "api": "api", "offload": "offload"}


def _new_id() -> str:
    """A random conversation id as `uuid.uuid4().hex` writes it (version 4, RFC 4122 variant), made without the
    `UUID` object, which costs more than the rest of starting a conversation's log."""
    bits = int.from_bytes(os.urandom(16))
    return f"{bits & _UUID4_KEEP | _UUID4_SET:032x}"


_UUID4_KEEP = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


class _Pending(enum.Enum):
    """What `Conversation._in_place` leaves to a coroutine: the state's conditions, or the action of its kind."""

    ROUTED = "routed"
    ACTION = "action"


_WRITES = ev.VARIABLE_WRITES
_STANDING = {kind: apply for kind, apply in APPLIERS.items() if kind not in _WRITES}
"""What `Conversation.emit` applies to the session for each kind of event that leaves its variables as they are."""

_ROUTED, _ACTION = _Pending.ROUTED, _Pending.ACTION
_IN_PLACE = frozenset({"ask", "say", "router"})
"""The kinds of state whose work never waits (`Conversation._in_place`)."""


@dataclass(slots=True, unsafe_hash=True)
class Step:
    """Where the conversation goes next and why; never changed once made (not frozen, as events are not: a
    frozen dataclass takes twice as long to make, and a turn makes several of these)."""

    target: str
    reason: ev.TransitionReason
    route: int | None = None


@dataclass(frozen=True, slots=True)
class _FlowFacts:
    """What a conversation looks up in its flow that the flow alone decides: found once for every conversation."""

    offloads: bool
    """Whether a state of the flow offloads to an agent (a turn then mirrors its messages to the webhooks)."""
    intent_states: Mapping[str, tuple[State, ...]]
    """The states of each intent, in the flow's order."""


_last_facts: tuple[Flow, _FlowFacts] | None = None
"""The facts of the flow last asked about (a replay runs thousands of conversations on one flow)."""


def _facts_of(flow: Flow) -> _FlowFacts:
    """`flow`'s `_FlowFacts`, found again only for another flow than the last (a flow never changes)."""
    global _last_facts
    last = _last_facts
    if last is not None and last[0] is flow:
        return last[1]
    intent_states: dict[str, list[State]] = {}
    for state in flow.states.values():
        if state.intent:
            intent_states.setdefault(state.intent, []).append(state)
    offloads = any(state.offload is not None for state in flow.states.values())
    facts = _FlowFacts(offloads, {intent: tuple(states) for intent, states in intent_states.items()})
    _last_facts = (flow, facts)
    return facts


class Conversation:
    """A running conversation. Observe it with `subscribe`; drive it with `start`, `send_text`, `press`…"""

    def __init__(
        self,
        flow: Flow,
        *,
        variables: Mapping[str, Any] | None = None,
        http: httpx.AsyncClient | Callable[[], httpx.AsyncClient] | None = None,
        sandbox: Sandbox | Callable[[], Sandbox] | None = None,
        max_transitions: int = MAX_TRANSITIONS,
        debugger: Debugger | None = None,
        clock: Callable[[], dt.datetime] = dt.datetime.now,
    ) -> None:
        self._clock = clock  # "now" for relative dates and times in the user's words; a test fixes it
        self._spoken = languages.Spoken(flow.languages.primary, "primary")
        self._use_flow(flow)
        self.max_transitions = max_transitions
        self._persona = copied(languages.channel_variables(flow, variables or {}))
        for name, value in self._persona.items():
            if (refused := refused_start_value(name, value)) is not None:
                raise ValueError(refused)
        self.ports = Ports(http=http, sandbox=sandbox)
        self._subscribers: list[Subscriber] = []
        self._lock = asyncio.Lock()
        self.id = _new_id()
        self.events = EventLog(flow.variables)
        self.session = Session(defaults=copied(flow.variables))
        self.timeline = Timeline(self.events)
        self._debugger: Debugger | None = None
        self.debugger = debugger
        self._begin_log()

    @property
    def language(self) -> str:
        """The language the conversation speaks: every text the bot sends is in it."""
        return self._spoken.language

    @property
    def debugger(self) -> Debugger | None:
        """The step debugger attached to this conversation, if any."""
        return self._debugger

    @debugger.setter
    def debugger(self, debugger: Debugger | None) -> None:
        self._debugger = debugger
        if debugger is not None:
            debugger.attach(self)

    # --- observing ---

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback` with every event from now on; returns a function that unsubscribes."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def emit(self, event: ev.Event) -> None:
        """Append `event` to the log, apply it to the session and tell every subscriber.

        A subscriber that raises is logged and skipped: an observer's bug must not break the conversation.
        Only a write of variables is asked whether it sets off a bot-wide event or changes the language: most of
        a turn's events are not one.
        """
        kind = type(event)
        apply = _STANDING.get(kind)
        if apply is not None:  # most of a turn's events
            self.events.put(event)
            apply(self.session, event)
        elif kind in _WRITES:
            self._emit_write(event)
            return
        elif kind is ev.TurnFinished:
            self.events.append(event)
        else:
            self.events.put(event)
        if self._subscribers:
            self._tell(event)

    def _emit_write(self, event: ev.Event) -> None:
        """`emit` for a write of variables, which may set off a bot-wide event or change the language."""
        watch = self._watch
        before = watch.before(event, self.session) if watch is not None else None
        self.events.put(event)
        APPLIERS[type(event)](self.session, event)
        if before is not None:
            watch.after(before, self.session)
        if self._subscribers:
            self._tell(event)
        if languages.concerns_language(event):
            self._sync_language()

    def _tell(self, event: ev.Event) -> None:
        for callback in tuple(self._subscribers):
            try:
                callback(event)
            except Exception:
                _log.exception("a subscriber failed on %s", event.kind)

    # --- ports ---

    async def aclose(self) -> None:
        """Release what the conversation created (HTTP client, JavaScript contexts); a paused turn is stopped."""
        await self._release_pause()
        if self.ports.has_sandbox:  # a shared sandbox keeps no V8 context for it
            await self.ports.sandbox.release(self.id)
        await self.ports.aclose()

    async def __aenter__(self) -> Conversation:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- inputs ---

    async def start(self, state: str | None = None) -> None:
        """Enter the flow's start state (or `state`) and run until the bot waits; a disabled bot (Bot Status)
        answers with its `bot_disabled` state instead."""
        step = self._by_settings(None) or Step(state or self._start_state(), "start")
        await self._turn(ev.TurnStarted("start"), self._enter(step))

    def _start_state(self) -> str:
        """Chatlayer's language detection: a conversation in no language the flow declares starts at the flow's
        detection state, when it has one."""
        detection = self.flow.languages.detection
        return detection if detection and not self._spoken.supported else self.flow.start

    async def silence(self, seconds: float) -> None:
        """The user has said nothing for `seconds` (simulated: nothing waits). When that reaches a silence event
        of the flow, the conversation goes to its state; a shorter silence does nothing at all."""
        event = bot_events.silence_event(self.flow.events, seconds)
        if event is None:
            return
        await self._turn(ev.TurnStarted(input="silence", text=f"{seconds:g}"), self._on_silence(event))

    async def _on_silence(self, event: BotEvent) -> None:
        self.emit(ev.EventTriggered(name=event.name, type="silence", state=event.goto, seconds=event.seconds))
        await self._enter(Step(event.goto, "event"))

    async def restart(self) -> None:
        """Throw the conversation away (its branches too) and start again with a fresh session."""
        await self._release_pause()
        async with self._lock:
            self.events = EventLog(self.flow.variables)
            self.timeline = Timeline(self.events)
            self.session = Session(defaults=copied(self.flow.variables))
            self.emit(ev.TurnStarted(input="restart"))
            self._begin_log(emit=True)
            if self.ports.has_sandbox:  # its code starts again in a pristine V8 context
                await self.ports.sandbox.release(self.id)
        await self.start()

    async def send_text(self, text: str) -> None:
        """The user typed `text`."""
        text = incoming.valid_text(text)
        await self._turn(ev.TurnStarted("text", text), self._on_text(text, echo=ev.UserMessage(text, "text")))

    async def press(self, choice: int | str | ev.ChoiceOut) -> None:
        """The user pressed a button or quick reply: by number (from 1), by title, or the choice itself."""
        found = self.find_choice(choice)
        if found is not None and found.url and not found.goto:
            return  # a link (or a Call button's tel:) only opens: nothing reaches the bot
        title = found.title if found else str(choice)
        await self._turn(ev.TurnStarted(input="button", text=title), self._on_press(found, choice))

    async def post_message(self, data: Any, origin: str = "") -> None:
        """A page in the iframe posted `data` (a JSON string or an object) from `origin`. Every check happens
        here, on the whole message and against the session as it is when the message's turn comes: a refused
        message changes nothing and emits `IframeMessageRejected` with the reason."""
        async with self._lock:
            command = iframe_messages.parse(data, self._known_states())
            writes: list[tuple[str, Any]] = []
            if isinstance(command, iframe_messages.IframeCommand) and command.type == "UPDATE_SESSION":
                planned = iframe_messages.plan_update(command, self.session)
                if isinstance(planned, iframe_messages.Rejection):
                    command = planned
                else:
                    writes = planned
            if isinstance(command, iframe_messages.Rejection):
                self.emit(ev.IframeMessageRejected(origin=origin, reason=command.reason, data=command.data))
                return
            started = ev.TurnStarted(input="iframe", text=command.type)
            await self._run_turn(started, self._on_iframe(command, origin, writes))

    async def agent_reply(self, text: str) -> None:
        """The human agent answers while the conversation is offloaded: the agent has taken over, and from now
        on the user's messages go to the agent only (until then the bot stays active)."""
        text = incoming.valid_text(text)
        await self._turn(ev.TurnStarted(input="agent", text=text), self._on_agent(text))

    async def hand_back(self, state: str | None = None) -> None:
        """The agent hands the conversation back to the bot: it goes to `state`, else waits where it was."""
        await self._turn(ev.TurnStarted(input="hand_back", text=state or ""), self._on_hand_back(state))

    async def set_variable(self, path: str, value: Any) -> None:
        """A tester sets a session variable by hand (the inspector); `internal.*` is refused."""
        async with self._lock:
            if path == "internal" or path.startswith("internal."):
                self.emit(ev.EngineError(error="input", message=f"{path} is read-only"))
                return
            previous = self.session.get(path)
            self.emit(ev.VariableChanged(name=path, value=value, previous=previous, origin="edit"))

    # --- history ---

    async def rewind(self, to: Point | int) -> None:
        """Go back to a point of the current branch (or the first `to` events) on a new branch; the old branch
        is kept. At a turn point the conversation waits for input as it did then; at a state point it enters
        that state again and runs on (a paused debugger pauses again at once, there)."""
        was_paused = await self._release_pause()
        async with self._lock:
            index = to.index if isinstance(to, Point) else to
            log = self.events
            entered = log[index] if index < len(log) and isinstance(log[index], ev.StateEntered) else None
            parent = self.timeline.current.id
            branch = self.timeline.fork(index)
            self._load(branch.events)
            self.emit(ev.Rewound(to=index, branch=branch.id, parent=parent))
            self._sync_language()
            if isinstance(entered, ev.StateEntered):
                if was_paused and self._debugger is not None:
                    self._debugger.pause()
                await self._run_turn(None, self._enter(Step(entered.state, entered.reason, entered.route)))

    async def switch_branch(self, branch_id: int) -> None:
        """Go back to the end of another branch of the timeline (the current one is kept)."""
        await self._release_pause()
        async with self._lock:
            previous = self.timeline.current.id
            self._load(self.timeline.switch(branch_id).events)
            self.emit(ev.BranchSwitched(branch=branch_id, previous=previous))
            self._sync_language()

    async def replace_flow(self, flow: Flow) -> FlowChanges:
        """Go on with a new version of the flow (its file was saved), keeping the history: the log, its branches
        and the session stay, and a turn with `FlowReloaded` says what changed. The conversation stays where it
        was; when that state is gone (or it had not started yet) it starts again at the flow's start state. Going
        back to a point before the reload runs the new version too: the flow is what the file is now."""
        await self._release_pause()
        changes = FlowChanges.between(self.flow, flow)
        await self._turn(ev.TurnStarted(input="reload"), self._on_reload(flow, changes))
        return changes

    async def _on_reload(self, flow: Flow, changes: FlowChanges) -> None:
        current = self.session.current_state
        self._use_flow(flow)
        self._load(self.events)  # the session over the new flow's defaults
        restart_at = flow.start if current is None or self._state(current) is None else None
        self.emit(
            ev.FlowReloaded(
                added=changes.added,
                removed=changes.removed,
                changed=changes.changed,
                state=current,
                restart_at=restart_at,
            )
        )
        self._sync_language()
        if restart_at is not None:
            await self._enter(Step(restart_at, "start"))

    def _use_flow(self, flow: Flow) -> None:
        self.flow = flow
        self.models = languages.models_of(flow, self._clock)
        self._watch = bot_events.watch_of(flow.events) if flow.events else None  # most flows have no events
        spoken = self._spoken.language
        self._speak(spoken if spoken in flow.languages.all else flow.languages.primary)
        facts = _facts_of(flow)
        self._offloads = facts.offloads
        self._intent_states = facts.intent_states

    def _load(self, events: EventLog) -> None:
        self.events = events
        self.session = events.session(self.flow.variables)

    def _speak(self, language: str) -> None:
        """Say every text in `language` from now on, and try its NLU model first."""
        self._texts = in_language(self.flow, language)
        self._matchers = self.models.in_order(language)
        self.matcher = self._matchers[0]

    def _sync_language(self, record: Subscriber | None = None) -> None:
        """Follow the session's `preferredLanguage` and `locale`: a change of language is a `LanguageChanged`,
        emitted (or given to `record`)."""
        spoken = languages.conversation_language(self.flow, self.session.variables)
        previous, self._spoken = self._spoken, spoken
        if spoken.language == previous.language:
            return
        self._speak(spoken.language)
        changed = ev.LanguageChanged(language=spoken.language, previous=previous.language, reason=spoken.reason)
        (record or self.emit)(changed)

    async def _release_pause(self) -> bool:
        """Stop a turn held by the debugger and let it unwind (before closing, restarting or rewinding)."""
        if self._debugger is None or not self._debugger.is_paused:
            return False
        self._debugger.stop()
        async with self._lock:
            return True

    def find_choice(self, choice: int | str | ev.ChoiceOut) -> ev.ChoiceOut | None:
        """The pressable choice meant by a number (from 1), a title (any case) or the choice itself."""
        choices = self.session.choices
        if isinstance(choice, ev.ChoiceOut):
            return choice if choice in choices else None
        number = choice if isinstance(choice, int) else whole_number(choice.strip())
        if number is not None:
            index = number - 1
            return choices[index] if 0 <= index < len(choices) else None
        wanted = choice.strip().casefold()
        return next((c for c in reversed(choices) if c.title.strip().casefold() == wanted), None)

    # --- turns ---

    def _begin_log(self, *, emit: bool = False) -> None:
        record = self.emit if emit else self._record
        for name, value in self._persona.items():
            record(ev.VariableChanged(name=name, value=copied(value), origin="default"))
        self._sync_language(record)

    def _record(self, event: ev.Event) -> None:
        """Put `event` in the log and the session before anyone observes the conversation."""
        self.events.append(event)
        self.session.apply(event)

    async def _turn(self, started: ev.TurnStarted, body: Awaitable[None]) -> None:
        # What `async with self._lock` does, without the two coroutines of its own it adds to every turn.
        await self._lock.acquire()
        try:
            await self._run_turn(started, body)
        finally:
            self._lock.release()

    async def _run_turn(self, started: ev.TurnStarted | None, body: Awaitable[None]) -> None:
        began = time.perf_counter()
        if started is not None:
            self.emit(started)
        if self._debugger is not None:
            self._debugger.turn_started()
        try:
            await body
            if self._watch is not None and self._watch.pending:
                await self._settle_bot_events()
            if self._offloads:
                await self._mirror_to_webhooks()
        except asyncio.CancelledError:
            # Cancelled from outside (the window's Cancel): what was applied stays, the turn ends here.
            self.emit(ev.EngineError(error="cancelled", message="the turn was cancelled"))
            self.emit(ev.TurnFinished(time.perf_counter() - began))
            raise
        except DebugStop:
            pass  # the debugger's Resumed(command="stop") said so; the interrupted action left no trace
        except Exception as exc:  # an engine bug must not take the session down with it
            self.emit(ev.EngineError(error="internal", message=internal_error(doing_in_turn(started), exc)))
        finally:
            if self._debugger is not None:
                self._debugger.turn_finished()
        self.emit(ev.TurnFinished(time.perf_counter() - began))

    def _set_variable(self, name: str, value: Any, origin: ev.VariableOrigin, *, detail: str = "") -> None:
        """Emit that `origin` set session variable `name` to `value` in the current state."""
        previous, state = self.session.get(name), self.session.current_state
        # By position, as a turn makes several (see `events`): not `removed`, a write.
        self.emit(ev.VariableChanged(name, value, previous, False, origin, state, detail))

    def _set_built(self, name: str, value: Any, origin: ev.VariableOrigin, *, detail: str, what: str) -> None:
        """Set a value the flow's templates built (`what` says where, for a warning), unless it is too deep or too
        long to hold (`built_value_problem`)."""
        problem = built_value_problem(value)
        if problem is not None:
            message = f"{what}: '{name}' {problem}; not set"
            self.emit(ev.EngineWarning(message=message, state=self.session.current_state))
            return
        self._set_variable(name, value, origin, detail=detail)

    def _known_states(self) -> set[str]:
        return set(self.flow.states) | set(BUILTIN_STATES)

    async def _on_iframe(
        self, command: iframe_messages.IframeCommand, origin: str, writes: list[tuple[str, Any]]
    ) -> None:
        """Apply an accepted message; `writes` are an UPDATE_SESSION's, planned whole by `plan_update`."""
        self.emit(ev.IframeMessageAccepted(origin=origin, type=command.type, payload=command.payload))
        if command.type == "SEND_MESSAGE":
            text = incoming.valid_text(command.payload)
            await self._on_text(text, echo=ev.UserMessage(text=text, via="iframe"))
        elif command.type == "UPDATE_SESSION":
            for name, value in writes:
                self._set_variable(name, value, "iframe", detail=origin)
        else:
            await self._enter(Step(command.payload, "iframe"))

    async def _mirror_to_webhooks(self) -> None:
        """Send the turn's messages to the flow's offloading webhooks, as Chatlayer sends every message (asked only
        for a flow with offload states)."""
        hooks = offload.webhooks(self.flow, self.session.get)
        if hooks:
            bot = Bot(self.flow.name, self.id)
            self._emit_all(await offload.mirror(self.ports.http, hooks, bot, self.events, self.session.current_state))

    async def _on_agent(self, text: str) -> None:
        if not self.session.offloaded:
            self.emit(ev.EngineError(error="input", message="the conversation is not offloaded to an agent"))
            return
        self.emit(ev.AgentMessage(text=text))

    async def _on_hand_back(self, state: str | None) -> None:
        if not self.session.offloaded:
            self.emit(ev.EngineError(error="input", message="the conversation is not offloaded to an agent"))
            return
        self.emit(ev.HandedBack(state=state))
        if state:
            await self._enter(Step(state, "hand_back"))
        elif self.session.current_state:
            self.emit(ev.WaitingForInput(state=self.session.current_state))

    async def _on_text(self, text: str, echo: ev.UserMessage | None) -> None:
        if echo is not None:
            self.emit(echo)
        if self.session.offloaded and offload.bot_paused(self.events):
            self.emit(ev.UserToAgent(text=text))  # a webhook gets it with the turn's messages
            return
        if (step := self._by_settings(text)) is not None:
            await self._enter(step)
            return
        waiting = self.session.waiting
        state = self._state(waiting) if waiting else None
        match = self._apply_nlu(text, nlp=not (state and state.ask and not state.ask.nlp))
        target = self._intent_target(match) if match is not None else None
        if self.session.contexts:
            self._count_down_contexts()
        if target is not None:
            await self._enter(Step(target.name, "intent"))
            return
        if state is not None and state.ask is not None and self.session.expect:
            await self._on_answer(state, text)
            return
        choice = self.find_choice(text)
        if choice is not None and choice.goto:
            await self._follow_choice(choice)
            return
        await self._enter(Step(self.flow.nlu.fallback or NOT_UNDERSTOOD, "fallback"))

    def _by_settings(self, text: str | None) -> Step | None:
        """Where the bot settings send a user input before anything else looks at it: a disabled bot to
        `bot_disabled`, a message longer than `max_message_length` (not a button) to its state."""
        settings = self.flow.settings
        if settings.disabled:
            return Step(BOT_DISABLED, "fallback")
        limit = settings.max_message_length
        if text is not None and settings.too_long and limit is not None and len(text) > limit:
            return Step(settings.too_long, "fallback")
        return None

    def _apply_nlu(self, text: str, *, nlp: bool) -> IntentMatch | None:
        """Chatlayer's NLP on a user message: `internal.nlp` gets the expression and the best intent with its
        score (also below the threshold, so a Go To can route on it); an intent above the threshold is matched
        and returned; every entity found is stored. With the NLP off (`nlp: false`) only the expression is kept."""
        if not nlp:
            self._set_variable("internal.nlp", {"expression": text}, "nlp")
            return None
        understood = languages.understand(self._matchers, text)
        self._set_variable("internal.nlp", understood.internal(), "nlp")
        match = understood.match
        if match is not None:
            self.emit(ev.IntentMatched(intent=match.intent, score=match.score, text=text, entities=match.entities))
        for name, value in understood.entities.items():
            self._set_variable(name, value, "entity")
        return match

    async def _on_answer(self, state: State, text: str) -> None:
        ctx = self._context(state)
        result = ask_action.answer(ctx, text, self._matchers)
        self._emit_all(result.events)
        if result.outcome == "accepted":
            await self._enter(self._plain_next(state) or await self._after(state))
        elif result.outcome == "give_up":
            assert state.ask is not None
            if state.ask.give_up_goto:
                await self._enter(Step(state.ask.give_up_goto, "give_up"))
            else:
                self._wait(state)

    async def _on_press(self, choice: ev.ChoiceOut | None, wanted: Any) -> None:
        if choice is None:
            named = f"'{wanted.title}'" if isinstance(wanted, ev.ChoiceOut) else quoted(wanted)
            self.emit(ev.EngineError(error="input", message=f"there is no button {named} to press"))
            return
        self.emit(ev.UserMessage(text=choice.title, via="button", payload=choice.payload))
        if not choice.goto:
            await self._on_text(choice.title, echo=None)
            return
        if (step := self._by_settings(None)) is not None:
            await self._enter(step)
            return
        self._count_down_contexts()
        await self._follow_choice(choice)

    def _intent_target(self, match: IntentMatch | None) -> State | None:
        """The state a recognised intent leads to in the active contexts, if any."""
        if match is None:
            return None
        return state_for_intent(self._intent_states.get(match.intent, ()), self.session.contexts)

    def _count_down_contexts(self) -> None:
        """A user message reached the bot: every active context has one user message less to live."""
        contexts = self.session.contexts
        if contexts:
            expired = tuple(name for name, lifespan in contexts.items() if lifespan <= 1)
            left = {name: lifespan - 1 for name, lifespan in contexts.items() if lifespan > 1}
            self.emit(ev.ContextsChanged(contexts=left, expired=expired))

    async def _follow_choice(self, choice: ev.ChoiceOut) -> None:
        for name, value in choice.params.items():
            self._set_built(name, value, "button", detail=choice.title, what=f"button '{choice.title}'")
        assert choice.goto is not None
        await self._enter(Step(choice.goto, "button"))

    # --- running states ---

    def _state(self, name: str) -> State | None:
        """The state `name` with its texts in the conversation's language."""
        return self._texts.states.get(name) or BUILTIN_STATES.get(name)

    def _context(self, state: State) -> ActionContext:
        # By position: a class called with keywords builds a dict of them first, and a turn makes three of these.
        # The warnings, the start and the extra names given spare the dataclass a call of each default factory.
        return ActionContext(
            self._texts, state, self.session, self.ports, self.events, self.id, [], time.perf_counter(), {}
        )

    async def _enter(self, step: Step | None) -> None:
        """Enter states one after the other until one waits; stop a runaway loop."""
        path: list[str] = []
        while step is not None:
            if self._watch is not None and self._watch.pending and not await self._run_bot_events():
                return  # an event's chain waits for input: where this one was going is dropped
            if len(path) >= self.max_transitions:
                self._report_loop(path)
                return
            state = self._state(step.target)
            if state is None:
                self.emit(
                    ev.EngineError(
                        error="flow",
                        message=f"there is no dialog state '{step.target}'",
                        state=self.session.current_state,
                    )
                )
                return
            if self._debugger is not None:
                await self._debugger.before_state(state.name)
            path.append(state.name)
            self.emit(ev.StateEntered(state.name, self.session.current_state, step.reason, step.route))
            if state.output_context:
                kept = {name: life for name, life in self.session.contexts.items() if name not in state.output_context}
                self.emit(ev.ContextsChanged(contexts={**kept, **state.output_context}, state=state.name))
            step = self._in_place(state) if state.kind in _IN_PLACE else _ACTION
            if step is _ROUTED:
                step = await self._after(state)
            elif step is _ACTION:
                step = await self._execute(state)

    def _report_loop(self, path: list[str]) -> None:
        last = path[-1]
        begin = path[:-1].index(last) if last in path[:-1] else 0
        cycle = path[begin:] if last in path[:-1] else path
        shown = " → ".join(cycle)
        self.emit(
            ev.EngineError(
                error="loop",
                message=f"more than {self.max_transitions} transitions without user input: {shown}",
                state=last,
                states=tuple(cycle),
            )
        )
        self.emit(ev.WaitingForInput(state=last))

    def _in_place(self, state: State) -> Step | _Pending | None:
        """Run an `ask`, `say` or `router` state, whose work never waits (most states of a turn, run without a
        coroutine of their own), and say where to go next: None when it waits for the user, `_ROUTED` when its
        `next` has conditions for `_after` to decide."""
        kind = state.kind
        if kind == "ask":
            ctx = self._context(state)
            if not ask_action.is_answered(ctx):
                self._emit_all(ask_action.run(ctx))
                return None
        else:
            if state.set:
                self._apply_set(state, state.set)
            if kind == "say":
                self._emit_all(say_action.run(self._context(state)))
        return self._plain_next(state) or _ROUTED

    async def _execute(self, state: State) -> Step | None:
        """Run one state's action (any kind but `_IN_PLACE`'s) and say where to go next (None: it waits for the
        user)."""
        ctx = self._context(state)
        run = action(state.kind)
        if state.kind == "code" and self._debugger is not None and self._debugger.enabled:
            run = functools.partial(run, debugger=self._debugger)
        finished: ev.ActionFinished | None = None
        for event in await run(ctx):
            self.emit(event)
            if isinstance(event, ev.ActionFinished):
                finished = event
        if finished is not None and not finished.ok:
            return Step(state.on_error or ERROR_OCCURRED, "error")
        if finished is not None and finished.jump:
            return Step(finished.jump, _JUMP_REASONS.get(state.kind, "next"))
        if state.waits:
            return self._wait(state)
        return await self._after(state)

    def _apply_set(self, state: State, values: Mapping[str, Any], route: Route | None = None) -> None:
        """Write a state's or a route's `set:` (a bot dialog's or a Go To rule's variables), every template
        rendered against the session as it was before the first write."""
        if not values:
            return
        detail = f"next: {route.goto}" if route is not None else ""
        ctx = self._context(state)
        rendered = {name: ctx.render_value(value) for name, value in values.items()}
        self._emit_all(ctx.warnings)
        for name, value in rendered.items():
            self._set_built(name, value, "set", detail=detail, what="set")

    def _emit_all(self, events: list[ev.Event]) -> None:
        for event in events:
            self.emit(event)

    def _plain_next(self, state: State) -> Step | None:
        """The step of a `next` that is one route without a condition (most states), taken without awaiting
        anything; None for any other `next` (`_after` follows it)."""
        routes = state.next
        if len(routes) != 1 or routes[0].condition is not None:
            return None
        route = routes[0]
        if route.set:
            self._apply_set(state, route.set, route)
        return Step(route.goto, "next")

    async def _after(self, state: State) -> Step | None:
        """Follow the state's `next`, or wait there when no route applies (in an event's chain: return)."""
        step = self._plain_next(state)
        if step is not None:
            return step
        routes = state.next
        step = await self._routed(state) if routes else None
        if step is None and not (self._watch is not None and self._watch.returning):
            self._wait(state)
        return step

    async def _run_bot_events(self) -> bool:
        """Run the chains of the variables-changed events that were set off, in the flow's order; false when one
        reached a state that waits for input."""
        assert self._watch is not None
        for event, names in self._watch.take():
            self.emit(ev.EventTriggered(name=event.name, type=event.kind, state=event.goto, variables=names))
            self._set_variable("events.variablesChanged", list(names), "event")
            with self._watch.running(event):
                await self._enter(Step(event.goto, "event"))
            if self.session.waiting is not None:
                return False
        return True

    async def _settle_bot_events(self) -> None:
        """At the end of a turn, the events set off while the conversation waited (or by its last state): their
        chains run, and the conversation waits again where it waited."""
        waiting, expect = self.session.waiting, self.session.expect
        if await self._run_bot_events() and waiting is not None:
            self.emit(ev.WaitingForInput(state=waiting, expect=expect))

    def _wait(self, state: State) -> None:
        ask = state.ask
        expect = ask.expect if ask is not None and not self.session.has(ask.save) else ""
        self.emit(ev.WaitingForInput(state.name, expect))

    async def _routed(self, state: State) -> Step | None:
        """The first route of `next` whose condition holds (the sandbox decides the conditions)."""
        from workbench.engine.sandbox import ConditionError  # loaded by `ports.sandbox` below anyway

        routes = state.next
        variables = {**self.session.variables, "internal": self.session.internal}
        try:
            index = await self.ports.sandbox.first_true(
                [r.condition for r in routes], variables, timeout=CONDITION_TIMEOUT, realm=self.id
            )
        except ConditionError as exc:
            route = routes[exc.index]
            self.emit(
                ev.EngineError(
                    error="condition",
                    message=f"condition `{route.condition}` failed: {exc.message}",
                    state=state.name,
                    where=str(route.loc),
                )
            )
            return Step(state.on_error or ERROR_OCCURRED, "error")
        if index is None:
            self.emit(ev.EngineWarning(message="no route of next applies; waiting", state=state.name))
            return None
        self._apply_set(state, routes[index].set, routes[index])
        return Step(routes[index].goto, "route", index)
