"""Shrinking: a kept conversation loses the inputs it does not need for what it reached first, deterministically
and within a bound of replays, and the shrunk suite still replays."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.testing.flow_on_disk import load_written
from workbench.flow.loader import load_flow
from workbench.flow.model import Flow
from workbench.sample import SAMPLE_FLOW
from workbench.testing.explore.output import verify, write_suite
from workbench.testing.explore.paths import Move
from workbench.testing.explore.paths import Path as ExplorePath
from workbench.testing.explore.replay import Player
from workbench.testing.explore.search import Exploration, Kept, explore
from workbench.testing.explore.shrink import Shrinker, shrink

MENU = """\
name: Menu
start: hello
states:
  hello:
    say:
      - text: Hi! Pick one
        buttons:
          - {title: Count, goto: ask_count}
          - {title: About, goto: about}
  about:
    say:
      - text: We count things.
        buttons:
          - {title: Back, goto: hello}
  ask_count:
    ask: How many?
    save: count
    expect: number
    next: route
  route:
    next:
      - if: count > 10
        goto: many
      - goto: few
  many:
    say: That is {count}, many!
  few:
    say: Only {count}.
"""


def menu(folder: Path) -> Flow:
    return load_written(folder, MENU, "menu.yaml")


def click(title: str) -> Move:
    return Move("click", title, f"[{title}]")


def labels(kept: Kept) -> list[str]:
    return [move.label for move in kept.played.path.moves]


def with_detour(flow: Flow) -> Exploration:
    """The search's own exploration, its path to `many` replaced by one through About and Back first."""
    exploration = asyncio.run(explore(flow))
    index = next(i for i, kept in enumerate(exploration.kept) if kept.played.state == "many")
    original = exploration.kept[index]
    detour = ExplorePath((click("About"), click("Back"), *original.played.path.moves))

    async def play() -> Kept:
        player = Player(flow)
        try:
            return Kept(await player.play(detour), original.reached)
        finally:
            await player.aclose()

    exploration.kept[index] = asyncio.run(play())
    return exploration


def test_a_path_with_a_detour_shrinks_to_the_inputs_it_needs(tmp_path: Path) -> None:
    exploration = with_detour(menu(tmp_path))
    detoured = next(kept for kept in exploration.kept if kept.played.state == "many")
    assert labels(detoured) == ["[About]", "[Back]", "[Count]", "'12'"]

    shrunk = asyncio.run(shrink(exploration))
    many = next(kept for kept in shrunk.kept if kept.played.state == "many")
    assert labels(many) == ["[Count]", "'12'"]
    assert many.reached == detoured.reached
    # The other paths needed every input they had.
    others = [labels(k) for k in exploration.kept if k is not detoured]
    assert [labels(k) for k in shrunk.kept if k.played.state != "many"] == others


def test_shrinking_is_deterministic_and_the_shrunk_files_replay(tmp_path: Path) -> None:
    flow = menu(tmp_path)
    first = write_suite(asyncio.run(shrink(with_detour(flow))), tmp_path / "first")
    second = write_suite(asyncio.run(shrink(with_detour(flow))), tmp_path / "second")
    assert [w.path.read_bytes() for w in first] == [w.path.read_bytes() for w in second]
    checked = asyncio.run(verify(first))
    assert all(not w.failure for w in checked), [w.failure for w in checked]
    assert "ask_count: '12' → many" in [w.name for w in checked]


def test_the_replays_of_a_shrink_are_bounded(tmp_path: Path) -> None:
    exploration = with_detour(menu(tmp_path))
    untouched = [labels(k) for k in exploration.kept]
    assert [labels(k) for k in asyncio.run(shrink(exploration, max_replays=0)).kept] == untouched
    assert [labels(k) for k in asyncio.run(shrink(exploration, stop=lambda: True)).kept] == untouched
    detoured = next(kept for kept in exploration.kept if kept.played.state == "many")

    async def shrink_one(max_replays: int) -> tuple[Kept, int]:
        shrinker = Shrinker(Player(exploration.flow), max_replays)
        try:
            return await shrinker.kept(detoured), shrinker.replays
        finally:
            await shrinker.aclose()

    assert asyncio.run(shrink_one(1))[1] == 1
    shrunk, replays = asyncio.run(shrink_one(100))
    assert labels(shrunk) == ["[Count]", "'12'"] and replays <= 4  # one try per input at most


def test_the_sample_shrunk_still_replays_in_full(tmp_path: Path) -> None:
    flow = load_flow(SAMPLE_FLOW).flow
    assert flow is not None
    exploration = asyncio.run(shrink(asyncio.run(explore(flow))))
    assert [t["percent"] for t in exploration.coverage.totals().values()] == [100.0, 100.0, 100.0]
    written = asyncio.run(verify(write_suite(exploration, tmp_path)))
    assert written and all(not w.failure for w in written), [w.failure for w in written if w.failure]
