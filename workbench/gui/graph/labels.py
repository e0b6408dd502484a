"""Where the labels of edges go: on their edge where there is room, off the nodes and off each other (no Qt).

A label names the branch that leaves a state ("price > 40", a button's title), so it is wanted close to its
source: each label is tried at points along its edge, nearest a spot a little below the source first, then
beside the edge (nudged to the left or right of the line); the first place that keeps `Placement.gap` away from
every obstacle (node boxes, the badges of stubs) and from every label placed before it wins. When a label has no
free place within `Placement.reach` of its source, it takes the place that overlaps least. Labels are placed in
the order given, so the result is deterministic.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

Point = tuple[float, float]
Rect = tuple[float, float, float, float]
"""left, top, right, bottom"""


@dataclass(frozen=True, slots=True)
class Placement:
    """How labels are placed."""

    gap: float = 6.0
    """The least room between a label and a node, a badge or another label."""
    step: float = 6.0
    """The distance between two places tried along an edge."""
    prefer: float = 26.0
    """The distance along the edge from its source where a label is best (about the middle of the first gap)."""
    reach: float = 420.0
    """How far along its edge a label may slide."""
    side_cost: float = 48.0
    """How much further along the edge a label would rather go than step beside the line."""


class _Grid:
    """Rectangles in buckets of a square grid, to find what a rectangle meets without looking at everything."""

    CELL = 96.0

    def __init__(self, rects: Sequence[Rect] = ()) -> None:
        self._cells: dict[tuple[int, int], list[Rect]] = {}
        for rect in rects:
            self.add(rect)

    def _keys(self, rect: Rect) -> list[tuple[int, int]]:
        c = self.CELL
        x0, x1 = math.floor(rect[0] / c), math.floor(rect[2] / c)
        y0, y1 = math.floor(rect[1] / c), math.floor(rect[3] / c)
        if x0 == x1 and y0 == y1:
            return [(x0, y0)]
        return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]

    def add(self, rect: Rect) -> None:
        """Remember `rect`."""
        for key in self._keys(rect):
            self._cells.setdefault(key, []).append(rect)

    def meets(self, rect: Rect) -> bool:
        """Whether `rect` overlaps any rectangle in the grid."""
        left, top, right, bottom = rect
        for key in self._keys(rect):
            for other in self._cells.get(key, ()):
                if left < other[2] and other[0] < right and top < other[3] and other[1] < bottom:
                    return True
        return False

    def overlap(self, rect: Rect) -> float:
        """The area of `rect` that the rectangles in the grid cover (each counted once)."""
        seen: set[int] = set()
        total = 0.0
        for key in self._keys(rect):
            for other in self._cells.get(key, ()):
                if id(other) not in seen:
                    seen.add(id(other))
                    total += _overlap(rect, other)
        return total


def place_labels(
    sizes: Sequence[tuple[float, float]],
    paths: Sequence[Sequence[Point]],
    obstacles: Sequence[Rect],
    placement: Placement | None = None,
) -> list[Point]:
    """The centre of every label: `sizes[i]` (width, height) is placed on or beside the polyline `paths[i]`."""
    placement = placement or Placement()
    margin = placement.gap / 2
    # Obstacles and the labels placed so far, in one grid: a label must keep clear of both alike.
    taken = _Grid(
        [(left - margin, top - margin, right + margin, bottom + margin) for left, top, right, bottom in obstacles]
    )
    ranking = _ranking(placement)
    centres: list[Point] = []
    for (width, height), path in zip(sizes, paths, strict=True):
        rects = (_around(x, y, width, height, margin) for x, y in _candidates(path, width, ranking, placement))
        chosen = next((r for r in rects if not taken.meets(r)), None)
        if chosen is None:
            places = _candidates(path, width, ranking, placement)
            crowded = [_around(x, y, width, height, margin) for x, y in places]
            chosen = min(crowded, key=taken.overlap, default=None)
            chosen = chosen or _around(*path[0], width, height, margin)
        taken.add(chosen)
        centres.append(((chosen[0] + chosen[2]) / 2, (chosen[1] + chosen[3]) / 2))
    return centres


def _ranking(placement: Placement) -> list[tuple[int, int]]:
    """The order in which to try places, best first: (step along the edge, side: 0 on it, 1 right, -1 left)."""
    ranked: list[tuple[float, int, int]] = []
    for k in range(int(placement.reach // placement.step) + 1):
        along = abs(k * placement.step - placement.prefer)
        ranked.append((along, k, 0))
        ranked.append((along + placement.side_cost, k, 1))
        ranked.append((along + placement.side_cost + placement.step / 2, k, -1))
    ranked.sort()
    return [(k, side) for _, k, side in ranked]


def _candidates(
    path: Sequence[Point], width: float, ranking: list[tuple[int, int]], placement: Placement
) -> Iterator[Point]:
    """The places to try for a label `width` wide on `path`, best first."""
    points = _walk(path, placement.step, placement.reach)
    beside = width / 2 + placement.gap
    for k, side in ranking:
        if k < len(points):
            x, y = points[k]
            yield x + side * beside, y


def _walk(path: Sequence[Point], step: float, reach: float) -> list[Point]:
    """Points every `step` along `path`, from its start up to `reach`."""
    if not path:
        return []
    points: list[Point] = []
    travelled = 0.0
    next_at = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(path):
        length = math.hypot(x1 - x0, y1 - y0)
        while next_at <= travelled + length and next_at <= reach:
            t = (next_at - travelled) / length if length else 0.0
            points.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
            next_at += step
        travelled += length
        if next_at > reach:
            break
    return points or [path[0]]


def _around(x: float, y: float, width: float, height: float, margin: float) -> Rect:
    return (x - width / 2 - margin, y - height / 2 - margin, x + width / 2 + margin, y + height / 2 + margin)


def _overlap(a: Rect, b: Rect) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0
