"""Surviving mutants marked on the dialog-state graph: a round amber badge with their number on the top-left
corner of each state that has some.

A badge is a child item of the state's node, so it moves with it, a click on it is a click on the state, and it
leaves the node's own look (and the coverage colours laid over it) alone. A new scene (a reload, another flow)
has new nodes: `show` lays the badges on again.
"""

from __future__ import annotations

from collections.abc import Mapping

import shiboken6
from PySide6.QtCore import QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from workbench.gui.graph.items import NodeItem
from workbench.gui.graph.view import GraphView

SURVIVOR_HUE = QColor(240, 150, 20)
RADIUS = 9.0


def badge_tooltip(state: str, survivors: int) -> str:
    """`2 mutants of route survived: click the state to list them`."""
    return f"{survivors} mutant{'' if survivors == 1 else 's'} of {state} survived: click the state to list them"


class SurvivorBadge(QGraphicsItem):
    """The number of surviving mutants of one state, on its node's top-left corner."""

    def __init__(self, node: NodeItem, survivors: int, font: QFont) -> None:
        super().__init__(node)
        self.survivors = survivors
        self._font = font
        self.setPos(node.rect.topLeft() + QPointF(RADIUS * 0.6, RADIUS * 0.1))
        self.setToolTip(badge_tooltip(node.name, survivors))

    def boundingRect(self) -> QRectF:
        """The disc and its outline."""
        return QRectF(-RADIUS - 1, -RADIUS - 1, 2 * RADIUS + 2, 2 * RADIUS + 2)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """An amber disc with the number in it (black reads on amber in light and dark palettes)."""
        painter.setPen(QPen(SURVIVOR_HUE.darker(160), 1.2))
        painter.setBrush(SURVIVOR_HUE)
        painter.drawEllipse(QPointF(0, 0), RADIUS, RADIUS)
        painter.setPen(QColor(Qt.GlobalColor.black))
        painter.setFont(self._font)
        shown = str(self.survivors) if self.survivors < 100 else "99+"
        painter.drawText(self.boundingRect(), Qt.AlignmentFlag.AlignCenter, shown)


class SurvivorMarks(QObject):
    """The survivor badges on one graph view."""

    def __init__(self, view: GraphView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._badges: dict[str, SurvivorBadge] = {}

    def show(self, survivors: Mapping[str, int]) -> None:
        """Badge each state of `survivors` (state → how many survived) that the graph shows, and no other."""
        self.clear()
        font = self.view.badge_font()
        font.setBold(True)
        for state, count in survivors.items():
            node = self.view.node_item(state)
            if node is not None and count > 0:
                self._badges[state] = SurvivorBadge(node, count, font)

    def clear(self) -> None:
        """Take every badge off (those of a scene already replaced went with it)."""
        for badge in self._badges.values():
            if shiboken6.isValid(badge) and badge.scene() is not None:
                badge.scene().removeItem(badge)
        self._badges = {}

    def marked(self) -> dict[str, int]:
        """The states badged now, with their numbers."""
        return {state: badge.survivors for state, badge in self._badges.items()}
