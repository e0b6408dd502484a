"""The coverage colour scale: "never reached" in a strong warning colour, then a few bands from few to many hits.

Every colour is mixed from the widget palette's base colour, like the graph's own colours, so the scale reads in
light and dark. Bands split 1..max hits on a logarithmic scale (hit counts grow fast near the start state).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

from workbench.gui.graph.theme import EdgeStyle, NodeStyle, mix

NEVER_HUE = QColor(225, 35, 35)
COVERED_HUE = QColor(30, 165, 75)
BANDS = 4
NEVER_EDGE_WIDTH = 1.8
EDGE_WIDTHS = (1.6, 4.2)
"""The width of an edge in the lowest band and in the highest."""


@dataclass(frozen=True, slots=True)
class Band:
    """Hits from `low` to `high` (inclusive) and how a node or an edge with that many hits looks."""

    low: int
    high: int
    node: NodeStyle
    edge: EdgeStyle

    @property
    def label(self) -> str:
        """`never reached`, `1 hit`, `4 hits`, `2–5 hits`."""
        if self.high == 0:
            return "never reached"
        if self.low == self.high:
            return f"{self.low} hit{'s' if self.low != 1 else ''}"
        return f"{self.low}–{self.high} hits"


def band_limits(max_hits: int, count: int = BANDS) -> list[tuple[int, int]]:
    """At most `count` ranges that split 1..`max_hits` evenly on a log scale; none when nothing was hit."""
    if max_hits < 1:
        return []
    highs = sorted({max(1, round(max_hits ** (i / count))) for i in range(1, count + 1)})
    lows = [1] + [high + 1 for high in highs[:-1]]
    return list(zip(lows, highs, strict=True))


class CoverageScale:
    """The never-reached look and the bands for hit counts up to `max_hits`, in the colours of `palette`."""

    def __init__(self, palette: QPalette, max_hits: int) -> None:
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        never = mix(NEVER_HUE, text, 0.1)
        self.never = Band(
            0, 0, NodeStyle(fill=mix(base, NEVER_HUE, 0.3), border=never), EdgeStyle(never, NEVER_EDGE_WIDTH)
        )
        limits = band_limits(max_hits)
        self.bands: list[Band] = []
        for index, (low, high) in enumerate(limits):
            strength = (index + 1) / len(limits)
            node = NodeStyle(fill=mix(base, COVERED_HUE, 0.12 + 0.4 * strength), border=mix(base, COVERED_HUE, 0.8))
            width = EDGE_WIDTHS[0] + (EDGE_WIDTHS[1] - EDGE_WIDTHS[0]) * strength
            edge = EdgeStyle(mix(base, COVERED_HUE, 0.45 + 0.45 * strength), width)
            self.bands.append(Band(low, high, node, edge))

    def band(self, hits: int) -> Band:
        """The band that `hits` falls in (hits above the maximum count as the top band)."""
        if hits <= 0 or not self.bands:
            return self.never
        return next((b for b in self.bands if hits <= b.high), self.bands[-1])

    def legend(self) -> list[Band]:
        """Never reached, then every band from few to many hits."""
        return [self.never, *self.bands]
