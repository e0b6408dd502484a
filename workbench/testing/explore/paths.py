"""A path through a conversation: the inputs from the start, and which states' HTTP requests fail on it.

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
    """The inputs from the start, and the states whose HTTP requests are answered with a failure."""

    moves: tuple[Move, ...] = ()
    failing: frozenset[str] = frozenset()

    @property
    def parent(self) -> Path | None:
        """This path without its last input (None for the empty path)."""
        return Path(self.moves[:-1], self.failing) if self.moves else None

    def then(self, move: Move) -> Path:
        """This path with one more input."""
        return Path((*self.moves, move), self.failing)

    def failing_at(self, state: str) -> Path:
        """This path with `state`'s requests failing too."""
        return Path(self.moves, self.failing | {state})
