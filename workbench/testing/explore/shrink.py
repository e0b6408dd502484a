"""Shrinking the kept paths: inputs a conversation does not need for what it reached are dropped.

For each kept path, in the search's order, each input is left out in turn (first to last) and the shorter path is
replayed from the start; the removal stays when the replay still reaches every state and transition the path
reached first (`Kept.reached`), and the next input is tried. The result is deterministic (the same flow and paths
give the same shrunk paths) and bounded: at most `max_replays` replays in all, after which the remaining paths are
kept as they are. The kept paths stay as many and in the same order (a conversation's place in the list is how
the window refers to it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from workbench.testing.coverage import FlowCoverage
from workbench.testing.explore.paths import Path
from workbench.testing.explore.replay import Played, Player
from workbench.testing.explore.search import Exploration, Kept

MAX_REPLAYS = 2000
"""The replays a shrink may make by default."""


def reached(coverage: FlowCoverage) -> set[str]:
    """What `coverage` reached, in the terms of `Kept.reached` (`state x`, `transition (key)`)."""
    states = {f"state {name}" for name, hits in coverage.states.items() if hits}
    edges = {f"transition {key!r}" for key, edge in coverage.edges.items() if edge.hits}
    return states | edges


@dataclasses.dataclass
class Shrinker:
    """Shrinks kept paths of one exploration with its own `Player` (from the start, with the search's starting
    variables); `replays` counts what it replayed. `aclose` when done."""

    player: Player
    max_replays: int = MAX_REPLAYS
    stop: Callable[[], bool] | None = None
    replays: int = 0

    def _spent(self) -> bool:
        return self.replays >= self.max_replays or (self.stop is not None and self.stop())

    async def _reaches(self, path: Path, wanted: frozenset[str]) -> Played | None:
        """`path` replayed, when it reaches everything in `wanted`."""
        self.replays += 1
        played = await self.player.play(path)
        coverage = FlowCoverage.for_flow(self.player.flow)
        coverage.record(played.events)
        return played if wanted <= reached(coverage) else None

    async def kept(self, kept: Kept) -> Kept:
        """`kept` with every input it does not need left out (as far as the replays allow)."""
        wanted = frozenset(kept.reached)
        best, index = kept.played, 0
        while index < len(best.path.moves) and not self._spent():
            played = await self._reaches(best.path.without(index), wanted)
            if played is None:
                index += 1
            else:
                best = played
        return kept if best is kept.played else Kept(best, kept.reached)

    async def aclose(self) -> None:
        """Close the player."""
        await self.player.aclose()


async def shrink(
    exploration: Exploration,
    *,
    variables: Mapping[str, Any] | None = None,
    max_replays: int = MAX_REPLAYS,
    stop: Callable[[], bool] | None = None,
) -> Exploration:
    """`exploration` with its kept paths shrunk (see the module docstring); `variables` are the search's starting
    variables, `stop` is asked between replays and ends the shrinking early when it says so."""
    shrinker = Shrinker(Player(exploration.flow, variables=variables), max_replays, stop)
    kept: list[Kept] = []
    try:
        for item in exploration.kept:
            kept.append(await shrinker.kept(item))
    finally:
        await shrinker.aclose()
    return dataclasses.replace(exploration, kept=kept)
