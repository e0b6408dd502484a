"""The graph's colours, taken from the widget palette so that the graph follows the system's light or dark look.

`NodeStyle` and `EdgeStyle` are overlays that other features (coverage, say) lay over the default look of one
node or edge; None in a field keeps the default.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QPalette

# Hues of the node kinds, mixed into the palette's base colour so that they stay readable in light and dark.
KIND_HUES: dict[str, QColor] = {
    "say": QColor(70, 130, 220),
    "ask": QColor(40, 170, 110),
    "code": QColor(160, 90, 210),
    "api": QColor(230, 140, 30),
    "iframe": QColor(20, 170, 190),
    "json": QColor(150, 150, 60),
    "offload": QColor(210, 80, 150),
    "clear_session": QColor(120, 120, 120),
    "router": QColor(110, 110, 160),
}
ERROR_HUE = QColor(215, 60, 60)
SYSTEM_HUE = QColor(220, 120, 40)


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """`a` with `amount` (0..1) of `b` mixed in."""
    keep = 1.0 - amount
    return QColor(
        round(a.red() * keep + b.red() * amount),
        round(a.green() * keep + b.green() * amount),
        round(a.blue() * keep + b.blue() * amount),
    )


@dataclass(frozen=True, slots=True)
class NodeStyle:
    """An overlay on a node's default look (e.g. a coverage colour)."""

    fill: QColor | None = None
    border: QColor | None = None
    text: QColor | None = None


@dataclass(frozen=True, slots=True)
class EdgeStyle:
    """An overlay on an edge's default look."""

    color: QColor | None = None
    width: float | None = None


@dataclass(frozen=True, slots=True)
class Theme:
    """Every colour the graph paints with."""

    background: QColor
    text: QColor
    border: QColor
    edge: QColor
    error_edge: QColor
    highlight: QColor
    selection: QColor
    system_fill: QColor
    kind_fills: dict[str, QColor] = field(default_factory=dict)

    @classmethod
    def from_palette(cls, palette: QPalette) -> Theme:
        """The colours for `palette`."""
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        return cls(
            background=base,
            text=text,
            border=mix(base, text, 0.55),
            edge=mix(base, text, 0.5),
            error_edge=mix(ERROR_HUE, text, 0.15),
            highlight=palette.color(QPalette.ColorRole.Highlight),
            selection=palette.color(QPalette.ColorRole.Link),
            system_fill=mix(base, SYSTEM_HUE, 0.3),
            kind_fills={kind: mix(base, hue, 0.2) for kind, hue in KIND_HUES.items()},
        )
