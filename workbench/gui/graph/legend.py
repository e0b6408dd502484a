"""The legend of the graph: every badge a node or a stub can carry, drawn as the graph draws it, and what it means.

It lists `KIND_BADGES` and `STUB_BADGES`, the same tables the items draw from, so a new badge cannot be drawn
without being explained. It floats over the top-left corner of the view, hidden until the panel's Legend toggle
shows it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from workbench.flow.model import StateKind
from workbench.gui.graph.badges import KIND_BADGES, STUB_BADGES, Badge
from workbench.gui.graph.items import GLYPH_WIDTH, draw_kind_badge, draw_stub_badge
from workbench.gui.graph.theme import Theme

MARGIN = 8
SWATCH = QSize(int(GLYPH_WIDTH) + 4, 22)

Drawer = Callable[[QPainter, QRectF, Theme, QFont], None]


class _Swatch(QWidget):
    """One badge, painted by the same function that paints it on the graph."""

    def __init__(self, draw: Drawer, font: QFont, parent: QWidget) -> None:
        super().__init__(parent)
        self._draw = draw
        self._font = font
        self.setFixedSize(SWATCH)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the badge in the middle."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._draw(painter, QRectF(self.rect()), Theme.from_palette(self.palette()), self._font)


def _kind_drawer(kind: StateKind) -> Drawer:
    def draw(painter: QPainter, rect: QRectF, theme: Theme, font: QFont) -> None:
        glyph = QRectF(rect.center().x() - GLYPH_WIDTH / 2, rect.center().y() - 9, GLYPH_WIDTH, 18)
        draw_kind_badge(painter, glyph, kind, theme, theme.text, font)

    return draw


def _stub_drawer(why: str) -> Drawer:
    def draw(painter: QPainter, rect: QRectF, theme: Theme, font: QFont) -> None:
        centre = QPointF(rect.center().x(), rect.center().y())
        draw_stub_badge(painter, centre, why, QPen(theme.edge, 1.3), theme, font)

    return draw


class GraphLegend(QFrame):
    """A small panel over the view's corner: each badge and its meaning."""

    def __init__(self, view: QWidget, font: QFont) -> None:
        super().__init__(view)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        rows: list[tuple[Badge, Drawer]] = [(badge, _kind_drawer(kind)) for kind, badge in KIND_BADGES.items()]
        rows += [(badge, _stub_drawer(why)) for why, badge in STUB_BADGES.items()]
        self._entries: list[Badge] = []
        for row, (badge, draw) in enumerate(rows):
            grid.addWidget(_Swatch(draw, font, self), row, 0, Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(QLabel(badge.meaning, self), row, 1)
            self._entries.append(badge)
        self.setToolTip("What the badges on the graph mean")
        self.adjustSize()
        self.move(MARGIN, MARGIN)
        self.hide()

    def entries(self) -> list[Badge]:
        """The badges explained, in the order shown."""
        return list(self._entries)
