"""The suite writer: each kept path as a convo file that `workbench test` replays.

A conversation asserts, turn by turn, what the replay showed: every bot message (exact, or a `/regex/` of its
template where a template filled in a value), JSON Builder messages, opened iframes, errors and the hand-over;
after each input the `state:` it reached and the `vars:` that changed (null for a variable removed). Its `http:`
entries are the answers the search gave (URLs written with the flow's URL variables, such as `{api_base}`).
Its name says where the last input was given, the input and where it led ("ask_date: '24/12/2030' →
ask_passengers"), then in brackets how, where the input alone does not say it: the intent it matched, a
`give_up` or an `on_error`, the HTTP answers the path plans (`HTTP fails at lookup`, `lookup's response jumps to
vip`). `Names` makes a suite's names unique in the search's order (the second of a name gets " (2)"). The text
depends on nothing but the flow and the path: no times, no random values, sorted keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from workbench.engine import events as ev
from workbench.engine.session import Session, copied, diff
from workbench.flow import template
from workbench.flow.model import Flow, SayItem, State
from workbench.testing.assertions import fold
from workbench.testing.explore.http_plan import FAILURE_BODY, Answered
from workbench.testing.explore.paths import Move
from workbench.testing.explore.replay import Played
from workbench.testing.recorder import bot_turn, flow_yaml, http_lines, iframe_url, turn_lines, url_template

MARK = "# Written by `workbench explore`: running it again replaces this file."
_NOT_ASSERTED = frozenset({"internal", "sys", "events", "locale"})
_SHOWN_REASONS = {"give_up": "give_up", "error": "on_error"}


@dataclass(frozen=True, slots=True)
class Conversation:
    """One written conversation: its name and its convo file's text."""

    name: str
    text: str


def _segments(events: Iterable[ev.Event]) -> list[list[ev.Event]]:
    """The events of each turn (the start first, with the starting variables before it), split where a turn
    starts."""
    segments: list[list[ev.Event]] = [[]]
    started = False
    for event in events:
        if isinstance(event, ev.TurnStarted):
            if started:
                segments.append([])
            started = True
        segments[-1].append(event)
    return segments


def _template_regex(text: str) -> re.Pattern[str] | None:
    """A pattern that a message rendered from the template `text` matches, or None when it has no placeholder."""
    try:
        placeholders = template.parse(text)
    except template.TemplateError:
        return None
    if not placeholders:
        return None
    parts, at = [], 0
    for p in placeholders:
        parts += [_literal(text[at : p.start]), ".*"]
        at = p.end
    parts.append(_literal(text[at:]))
    return re.compile("^" + "".join(parts).strip(" ?") + "$")


def _literal(text: str) -> str:
    """A literal part of a template as the folded message shows it: white space inside it is one space; beside a
    placeholder (which may render empty, and folding then merges the spaces) it may be gone."""
    words = [re.escape(word) for word in text.split()]
    lead = " ?" if text[:1].isspace() else ""
    trail = " ?" if text[-1:].isspace() and words else ""
    return lead + " ".join(words) + trail


def _items(state: State) -> tuple[SayItem, ...]:
    return state.say + (state.ask.prompt + state.ask.retry + state.ask.give_up if state.ask else ())


class _Texts:
    """The flow's templated texts per state, as patterns, to assert a filled-in message by its template."""

    def __init__(self, flow: Flow) -> None:
        self.patterns: dict[str, list[re.Pattern[str]]] = {}
        for state in flow.states.values():
            found = [_template_regex(item.text) for item in _items(state) if "{" in item.text]
            self.patterns[state.name] = [p for p in found if p is not None]

    def expectation(self, message: ev.BotMessage) -> Any:
        spec = bot_turn(message)
        folded = fold(message.text)
        pattern = next((p for p in self.patterns.get(message.state, ()) if p.fullmatch(folded)), None)
        if pattern is None or not message.text:
            return spec
        written = f"/{pattern.pattern}/"
        if isinstance(spec, dict):
            return {**spec, "text": written}
        return written


def _input(move: Move) -> tuple[str, Any]:
    kinds = {"text": "user", "click": "click", "iframe": "iframe", "agent": "agent", "hand_back": "hand_back"}
    return kinds[move.kind], move.value


def _observed(event: ev.Event, texts: _Texts, flow: Flow) -> tuple[str, Any] | None:
    if isinstance(event, ev.BotMessage):
        return "bot", texts.expectation(event)
    if isinstance(event, ev.JsonMessage):
        return "json", event.payload
    if isinstance(event, ev.IframeOpened):
        return "iframe_opened", iframe_url(event.url, flow.folder)
    if isinstance(event, ev.EngineError) and event.error != "input":
        return "error", event.error
    if isinstance(event, ev.Offloaded):
        return "offloaded", True
    return None


def _changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {name: new for name, (_old, new) in diff(before, after).items() if name not in _NOT_ASSERTED}


def _http(answered: Iterable[Answered], flow: Flow) -> list[dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for answer in answered:
        request = f"{answer.method} {url_template(answer.url, flow.variables)}"
        entry: dict[str, Any] = {"request": request}
        if answer.status != 200:
            entry["status"] = answer.status
        if answer.json is None:
            entry["body"] = FAILURE_BODY
        else:
            entry["json"] = answer.json
        entries.setdefault(request, entry)
    return list(entries.values())


class Names:
    """A suite's conversation names made unique in the order they are given: the second of a name gets " (2)", the
    third " (3)", so each keeps its name whatever is chosen of the others."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._seen: dict[str, int] = {}

    def unique(self, name: str) -> str:
        """`name`, or the first of `name (2)`, `name (3)`… not given yet."""
        count = self._seen.get(name, 0) + 1
        candidate = name if count == 1 else f"{name} ({count})"
        while candidate in self._taken:
            count += 1
            candidate = f"{name} ({count})"
        self._seen[name] = count
        self._taken.add(candidate)
        return candidate


class SuiteWriter:
    """Writes kept paths of one flow as convo files; `flow_ref` is the flow's path as the files name it."""

    def __init__(self, flow: Flow, flow_ref: str) -> None:
        self.flow = flow
        self.flow_ref = flow_ref
        self.texts = _Texts(flow)

    def conversation(self, played: Played, name: str | None = None) -> Conversation:
        """The convo file of `played`, named `name` (by default after its last input)."""
        turns: list[tuple[str, Any]] = []
        session = Session(defaults=copied(self.flow.variables))
        states: list[str] = []
        before = session.snapshot()
        for index, segment in enumerate(_segments(played.events)):
            is_input = index > 0 and index <= len(played.path.moves)
            if is_input:
                turns.append(_input(played.path.moves[index - 1]))
            for event in segment:
                session.apply(event)
                observed = _observed(event, self.texts, self.flow)
                if observed is not None:
                    turns.append(observed)
            states.append(session.current_state or "")
            after = session.snapshot()
            if is_input:
                turns.append(("state", states[-1]))
                if changed := _changed(before, after):
                    turns.append(("vars", changed))
            before = after
        name = name or self.name(played, states)
        return Conversation(name, self._text(name, turns, _http(played.answered, self.flow)))

    def name(self, played: Played, states: list[str]) -> str:
        """`where: input → where it led (how)` (see the module docstring)."""
        path = played.path
        if not path.moves:
            text = f"start → {states[-1]}"
        else:
            waiting = states[-2] if len(states) >= 2 else self.flow.start
            text = f"{waiting}: {path.moves[-1].label} → {states[-1]}"
        how = self._how(played)
        if path.failing:
            how.append(f"HTTP fails at {', '.join(sorted(path.failing))}")
        for state, target in sorted(path.chatlayer):
            how.append(f"{state}'s response jumps to {target}" if target else f"{state}'s response sets the session")
        return f"{text} ({'; '.join(how)})" if how else text

    def _how(self, played: Played) -> list[str]:
        """The transitions of the last turn that its input does not show: intents, `give_up`, `on_error`."""
        how: list[str] = []
        for event in played.turn_events() if played.path.moves else ():
            if not isinstance(event, ev.StateEntered):
                continue
            state = self.flow.states.get(event.state)
            if event.reason == "intent" and state is not None and state.intent:
                how.append(f"intent {state.intent}")
            elif event.reason in _SHOWN_REASONS:
                how.append(_SHOWN_REASONS[event.reason])
        return list(dict.fromkeys(how))

    def _text(self, name: str, turns: list[tuple[str, Any]], http: list[dict[str, Any]]) -> str:
        lines = [MARK, f"flow: {flow_yaml(self.flow_ref)}", f"name: {flow_yaml(name)}"]
        return "\n".join(lines + http_lines(http) + turn_lines(turns)) + "\n"
