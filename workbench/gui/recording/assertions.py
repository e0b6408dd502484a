"""The assertions a tester may add to a recording: the current state and the session's top-level variables.

They come from the inspector's projection of the live session (`SessionHistory.now()`), so what the picker offers
is what the inspector shows under *Now*; the variables the last turn changed are offered ticked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from workbench.engine.conversation import Conversation
from workbench.gui.inspector.history import SessionHistory
from workbench.gui.inspector.model import READ_ONLY
from workbench.gui.inspector.values import display_text
from workbench.testing.recorder import flow_yaml


@dataclass(frozen=True, slots=True)
class Assertion:
    """A `state:` or `vars:` check that the picker offers; `suggested` ones start ticked."""

    kind: Literal["state", "vars"]
    name: str
    value: Any
    suggested: bool = False

    @property
    def label(self) -> str:
        """How the picker shows it: `state: ask_email`, `price = 20`."""
        if self.kind == "state":
            return f"state: {self.value}"
        return f"{self.name} = {display_text(self.value)}"


def offered(conversation: Conversation) -> list[Assertion]:
    """The current state, then every top-level session variable (not `internal`), with their current values."""
    now = SessionHistory(conversation).now()
    state = conversation.session.current_state
    rows = [Assertion("state", "state", state, suggested=True)] if state else []
    rows += [
        Assertion("vars", name, value, suggested=now.changed((name,), value))
        for name, value in now.snapshot.items()
        if name not in READ_ONLY
    ]
    return rows


def with_assertions(recorded: str, chosen: Sequence[Assertion]) -> str:
    """`recorded` (a recorder's convo text, which ends with its turns) with the chosen checks as last turns.

    A `state:` turn the recording already ends with is not written twice.
    """
    lines = recorded.rstrip("\n").split("\n")
    for assertion in chosen:
        if assertion.kind == "state":
            turn = f"  - state: {flow_yaml(assertion.value)}"
            if lines[-1] != turn:
                lines.append(turn)
    variables = {a.name: a.value for a in chosen if a.kind == "vars"}
    if variables:
        lines.append(f"  - vars: {flow_yaml(variables)}")
    return "\n".join(lines) + "\n"
