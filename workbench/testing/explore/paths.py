"""A path through a conversation: the inputs from the start, and how the HTTP requests of some states are answered
on it (failing, or with a Chatlayer `{session, messages, action}` response).

The engine is deterministic given the inputs and the canned HTTP, so a path played from the start and a path
played on from its `parent`'s end (the conversation rewound there) give the same conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

MoveKind = Literal["text", "click", "iframe", "agent", "hand_back"]


@dataclass(frozen=True, slots=True)
class Move:
    """One input: typed `text`, a `click` on a title, an `iframe` message (`{type, payload}`), an `agent` reply or
    a `hand_back` (to a state, or None). `label` is how a conversation's name shows it."""

    kind: MoveKind
    value: Any
    label: str


@dataclass(frozen=True, slots=True)
class Path:
    """The inputs from the start, the states whose HTTP requests are answered with a failure, and the states whose
    API action gets a Chatlayer response instead of the plain success, each with the state that response jumps to
    ("" for a response that only sets the session)."""

    moves: tuple[Move, ...] = ()
    failing: frozenset[str] = frozenset()
    chatlayer: frozenset[tuple[str, str]] = frozenset()

    @property
    def parent(self) -> Path | None:
        """This path without its last input (None for the empty path)."""
        return Path(self.moves[:-1], self.failing, self.chatlayer) if self.moves else None

    @property
    def answered(self) -> frozenset[str]:
        """The states whose requests are not answered with the plain success on this path."""
        return self.failing | {state for state, _target in self.chatlayer}

    def then(self, move: Move) -> Path:
        """This path with one more input."""
        return Path((*self.moves, move), self.failing, self.chatlayer)

    def failing_at(self, state: str) -> Path:
        """This path with `state`'s requests failing too."""
        return Path(self.moves, self.failing | {state}, self.chatlayer)

    def chatlayer_at(self, state: str, target: str) -> Path:
        """This path with `state`'s API action answered in Chatlayer's format, jumping to `target` ("": no jump)."""
        return Path(self.moves, self.failing, self.chatlayer | {(state, target)})

    def without(self, index: int) -> Path:
        """This path without its input at `index`."""
        return Path(self.moves[:index] + self.moves[index + 1 :], self.failing, self.chatlayer)
