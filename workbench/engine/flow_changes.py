"""What a new version of a flow changed, state by state: the engine's view of a reload (no Qt)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from workbench.flow.model import Flow

_LOCATIONS = re.compile(r"Loc\([^)]*\)|end_line=\d+")


@dataclass(frozen=True)
class FlowChanges:
    """What a reload changed, by state name."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [
            f"{label}: {', '.join(names)}"
            for label, names in (("added", self.added), ("removed", self.removed), ("changed", self.changed))
            if names
        ]
        return "; ".join(parts) if parts else "no state changed"

    @classmethod
    def between(cls, old: Flow, new: Flow) -> FlowChanges:
        """Compare two versions of a flow state by state (locations aside)."""
        before, after = old.states, new.states
        changed = [name for name in after if name in before and _without_loc(before[name]) != _without_loc(after[name])]
        return cls(
            added=tuple(n for n in after if n not in before),
            removed=tuple(n for n in before if n not in after),
            changed=tuple(changed),
        )


def _without_loc(state: Any) -> str:
    # Positions move whenever a line above is edited; compare what the state does.
    return _LOCATIONS.sub("", repr(state))
