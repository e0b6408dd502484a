"""The inputs worth trying where a replayed conversation waits.

- every button and quick reply the last turn showed (links only open a page: they are left out);
- at an `ask`: the passing answers for its `expect` (`values`), the values the condition solver chose for its
  variable (`route_answers`: what makes a route be taken), and one failing answer; a failing answer is tried
  again at every attempt, so the third reaches `give_up`;
- at an iframe: the messages its page can post — UPDATE_SESSION with the variables a page may supply
  (`reads.page_variables`), and the GO_TO_DIALOGSTATE and SEND_MESSAGE the page's own file names;
- while offloaded: an agent's answer, and the hand-back to the start state and to `offloading_closed` when the
  flow has it (the state that greets a user the live chat gives back; the offload itself goes there only when a
  webhook declines);
- where the conversation first waits: every intent's first example and a perturbed one that still matches
  (lower-cased, with a filler word), and a text that matches nothing (the fallback); at a message that waits,
  that text too.
"""

from __future__ import annotations

import re
from pathlib import Path as FilePath
from urllib.parse import urlsplit

from workbench.engine.actions.offload import CLOSED
from workbench.engine.nlu import NluMatcher
from workbench.flow.model import Flow, State
from workbench.testing.explore.paths import Move
from workbench.testing.explore.reads import page_variables
from workbench.testing.explore.replay import Played
from workbench.testing.explore.route_answers import route_answers
from workbench.testing.explore.values import Answer, answers, verdict

UNDERSTOOD_BY_NOTHING = "xyzzy plugh"
AGENT_ANSWER = "Hi, I can help you."
_FILLERS = ("well, {}", "{} please", "um {}")
_PAGE_STATE = re.compile(r"""dialog[sS]tate(?:Id)?['"]?\s*:\s*['"]([^'"]+)['"]""")
_PAGE_TEXT = re.compile(r"""\btext['"]?\s*:\s*['"]([^'"]+)['"]""")


def quoted(text: str) -> str:
    """A typed text as a conversation's name shows it."""
    return "'" + text + "'"


class MoveMaker:
    """Works out once what `flow` offers (answers per expect, intents, page messages) and hands out the moves for
    each waiting point."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.matcher = NluMatcher(flow.nlu)
        self._answers: dict[str, list[Move]] = {}
        self._by_expect: dict[str, list[Answer]] = {}
        self._page_variables: tuple[str, ...] | None = None
        self._pages: dict[str, list[Move]] = {}
        self._routes = route_answers(flow)
        targets = dict.fromkeys(name for name in (flow.start, CLOSED) if name in flow.states)
        self._hand_backs = [Move("hand_back", name, f"hand back to {name}") for name in targets]
        self.entry_moves = self._intent_moves() + self._fallback_moves()

    def moves(self, played: Played) -> list[Move]:
        """The inputs to try where `played` ends, in a fixed order."""
        session = played.session
        if session.offloaded:
            return [Move("agent", AGENT_ANSWER, f"agent {quoted(AGENT_ANSWER)}"), *self._hand_backs]
        found = [
            Move("click", choice.title, f"[{choice.title}]")
            for choice in session.choices
            if choice.goto or not choice.url
        ]
        state = self.flow.states.get(session.waiting or "")
        if state is not None and state.ask is not None:
            found += self.answer_moves(state)
        elif state is not None and state.iframe is not None:
            found += self._page_moves(state)
        elif state is not None and state.kind == "say":
            found += self._fallback_moves()
        if not played.path.moves:
            found += self.entry_moves
        unique: dict[tuple[str, str], Move] = {}
        for move in found:
            unique.setdefault((move.kind, repr(move.value)), move)
        return list(unique.values())

    def answer_moves(self, state: State) -> list[Move]:
        """The ask's passing answers, those the condition solver chose for its variable, then a failing one."""
        if state.name not in self._answers:
            ask = state.ask
            assert ask is not None
            if ask.expect not in self._by_expect:
                self._by_expect[ask.expect] = answers(ask.expect, self.flow, self.matcher)
            found = self._by_expect[ask.expect]
            steering = [
                text
                for text in self._routes.get(ask.save, ())
                if verdict(ask.expect, text, self.matcher) == "passes" and all(a.text != text for a in found)
            ]
            texts = [a.text for a in found if a.verdict == "passes"] + steering
            texts += [a.text for a in found if a.verdict == "fails"]
            self._answers[state.name] = [Move("text", text, quoted(text)) for text in texts]
        return self._answers[state.name]

    def _intent_moves(self) -> list[Move]:
        moves: list[Move] = []
        for name, intent in self.flow.nlu.intents.items():
            if not intent.examples:
                continue
            example = intent.examples[0]
            moves.append(Move("text", example, quoted(example)))
            perturbed = self._perturbed(example, name)
            if perturbed is not None:
                moves.append(Move("text", perturbed, quoted(perturbed)))
        return moves

    def _perturbed(self, example: str, intent: str) -> str | None:
        """The example lower-cased with a filler word, when the NLU still matches `intent` with it."""
        for filler in _FILLERS:
            text = filler.format(example.lower())
            match = self.matcher.match(text)
            if match is not None and match.intent == intent:
                return text
        return None

    def _fallback_moves(self) -> list[Move]:
        if self.matcher.match(UNDERSTOOD_BY_NOTHING) is not None:
            return []
        return [Move("text", UNDERSTOOD_BY_NOTHING, quoted(UNDERSTOOD_BY_NOTHING))]

    def _page_moves(self, state: State) -> list[Move]:
        if state.name in self._pages:
            return self._pages[state.name]
        moves: list[Move] = []
        if self._page_variables is None:
            self._page_variables = page_variables(self.flow)
        names = self._page_variables
        if names:
            payload = {name: _changed(self.flow.variables[name]) for name in names}
            shown = ", ".join(f"{k}: {v}" for k, v in payload.items())
            moves.append(Move("iframe", {"type": "UPDATE_SESSION", "payload": payload}, f"UPDATE_SESSION {{{shown}}}"))
        source = _page_source(self.flow, state.iframe.url if state.iframe else "")
        for target in sorted(set(_PAGE_STATE.findall(source))):
            if target in self.flow.states:
                value = {"type": "GO_TO_DIALOGSTATE", "payload": {"dialogstate": target}}
                moves.append(Move("iframe", value, f"GO_TO_DIALOGSTATE {target}"))
        for text in sorted(set(_PAGE_TEXT.findall(source))):
            value = {"type": "SEND_MESSAGE", "payload": {"text": text}}
            moves.append(Move("iframe", value, f"SEND_MESSAGE {quoted(text)}"))
        self._pages[state.name] = moves
        return moves


def _changed(value: object) -> object:
    """Another value of the same type as a variable's default, as a page would post it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return "changed" if value != "changed" else "changed again"


def _page_source(flow: Flow, url: str) -> str:
    """The text of an iframe's page when it is a file beside the flow (an http(s) page is not read)."""
    parts = urlsplit(url)
    if parts.scheme or not parts.path or "{" in parts.path:
        return ""
    page = FilePath(flow.folder, parts.path)
    try:
        return page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
