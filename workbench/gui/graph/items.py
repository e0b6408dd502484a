"""The graphics items of the dialog-state graph: nodes, edges and the stubs of "from anywhere" edges.

Items paint themselves from the scene's `Theme`, their live state (current, visited, traversed) and an optional
style overlay (`set_style`), so a later feature can colour any node or edge without knowing how it is drawn.
"""

from __future__ import annotations

import itertools
import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem, QWidget

from workbench.flow.graph import Transition
from workbench.flow.model import StateKind
from workbench.gui.graph.badges import KIND_BADGES, STUB_BADGES, Badge
from workbench.gui.graph.flow_graph import GraphNode
from workbench.gui.graph.layout import Point
from workbench.gui.graph.theme import KIND_HUES, EdgeStyle, NodeStyle, Theme, mix

NODE_HEIGHT = 34.0
NODE_MIN_WIDTH = 84.0
NODE_MAX_CHARS = 40
"""A box holds names of about this many average characters; longer ones are elided in the middle (the tooltip
has the whole name)."""
GLYPH_WIDTH = 28.0
PADDING = 8.0
TEXT_SLACK = 4.0
"""Room beyond the name's measured width, so that no zoom's rounding cuts off its last letter."""
ARROW = 8.0
LABEL_CHARS = 24
BREAKPOINT_RADIUS = 6.0
STUB_RADIUS = 8.0
TEXT_LOD = 0.35
"""Below this zoom, names and labels are not drawn (they would be unreadable anyway)."""


class GraphScene(QGraphicsScene):
    """The scene of one graph; its items paint with `theme`."""

    def __init__(self, theme: Theme) -> None:
        super().__init__()
        self.theme = theme


def node_width(name: str, metrics: QFontMetricsF) -> float:
    """The width of the box that shows state `name` whole (up to `max_node_width`)."""
    return min(max_node_width(metrics), max(NODE_MIN_WIDTH, _box_width(metrics.horizontalAdvance(name))))


def max_node_width(metrics: QFontMetricsF) -> float:
    """The widest box: room for `NODE_MAX_CHARS` average characters."""
    return _box_width(metrics.averageCharWidth() * NODE_MAX_CHARS)


def _box_width(text_width: float) -> float:
    return text_width + TEXT_SLACK + GLYPH_WIDTH + 3 * PADDING


def draw_kind_badge(painter: QPainter, rect: QRectF, kind: StateKind, theme: Theme, text: QColor, font: QFont) -> None:
    """Draw the badge of a node of `kind` in `rect` (the node and the legend draw it alike)."""
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(mix(theme.background, KIND_HUES[kind], 0.55))
    painter.drawRoundedRect(rect, 4, 4)
    painter.setPen(text)
    painter.setFont(font)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, KIND_BADGES[kind].letters)


def draw_stub_badge(painter: QPainter, centre: QPointF, why: str, pen: QPen, theme: Theme, font: QFont | None) -> None:
    """Draw the round badge of a stub of `why` at `centre`; its letter only when `font` is given."""
    painter.setPen(pen)
    painter.setBrush(theme.background)
    painter.drawEllipse(centre, STUB_RADIUS, STUB_RADIUS)
    if font is not None:
        painter.setFont(font)
        box = QRectF(centre.x() - STUB_RADIUS, centre.y() - STUB_RADIUS, 2 * STUB_RADIUS, 2 * STUB_RADIUS)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, STUB_BADGES[why].letters)


def _theme(item: QGraphicsItem) -> Theme:
    scene = item.scene()
    assert isinstance(scene, GraphScene)
    return scene.theme


def _lod(painter: QPainter, option: QStyleOptionGraphicsItem) -> float:
    return option.levelOfDetailFromTransform(painter.worldTransform())


class NodeItem(QGraphicsItem):
    """A dialog state: a box (a hexagon for routers) with the kind's glyph and the state's name."""

    def __init__(self, node: GraphNode, width: float, font: QFont, glyph_font: QFont) -> None:
        super().__init__()
        self.node = node
        self.rect = QRectF(-width / 2, -NODE_HEIGHT / 2, width, NODE_HEIGHT)
        self._font = font
        self._glyph_font = glyph_font
        text_width = width - GLYPH_WIDTH - 3 * PADDING
        self._label = QFontMetricsF(font).elidedText(node.name, Qt.TextElideMode.ElideMiddle, text_width)
        """The name as drawn: whole, or elided in the middle when it is too long for the widest box."""
        self._outline = self._make_outline()
        self._current = False
        self._visited = False
        self._breakpoint = False
        self._paused = False
        self._style: NodeStyle | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(2)
        where = f"\n{node.state.loc}" if node.state else "\nbuilt into the engine"
        self.setToolTip(f"{node.name} — {node.kind}{' (system)' if node.system else ''}{where}")

    @property
    def name(self) -> str:
        """The state's name."""
        return self.node.name

    @property
    def badge(self) -> Badge:
        """The badge of the state's kind, drawn on the left of the box."""
        return KIND_BADGES[self.node.kind]

    @property
    def label(self) -> str:
        """The name as drawn in the box (elided in the middle when it is too long; the tooltip has it whole)."""
        return self._label

    @property
    def is_current(self) -> bool:
        """Whether the conversation is in this state."""
        return self._current

    @property
    def visited(self) -> bool:
        """Whether the conversation has been in this state."""
        return self._visited

    @property
    def style(self) -> NodeStyle | None:
        """The overlay on the default look, if any."""
        return self._style

    @property
    def has_breakpoint(self) -> bool:
        """Whether the debugger stops before this state (drawn as a dot on the box's right end)."""
        return self._breakpoint

    @property
    def is_paused(self) -> bool:
        """Whether the debugger holds the conversation before or inside this state."""
        return self._paused

    def set_breakpoint(self, on: bool) -> None:
        """Draw (or remove) the breakpoint dot."""
        self._breakpoint = on
        self.update()

    def set_paused(self, paused: bool) -> None:
        """Mark (or unmark) the state the debugger is paused at: a thick dashed highlight around the box."""
        self._paused = paused
        self.setZValue(3 if paused or self._current else 2)
        self.update()

    def set_current(self, current: bool) -> None:
        """Mark (or unmark) the state the conversation is in."""
        self._current = current
        self.setZValue(3 if current or self._paused else 2)
        self.update()

    def set_visited(self, visited: bool) -> None:
        """Mark (or unmark) a state on the conversation's path."""
        self._visited = visited
        self.update()

    def set_style(self, style: NodeStyle | None) -> None:
        """Lay `style` over the default look (None: back to the default)."""
        self._style = style
        self.update()

    def _make_outline(self) -> QPainterPath:
        path = QPainterPath()
        r = self.rect
        if self.node.kind == "router":
            dent = r.height() / 2
            path.moveTo(r.left(), r.center().y())
            path.lineTo(r.left() + dent, r.top())
            path.lineTo(r.right() - dent, r.top())
            path.lineTo(r.right(), r.center().y())
            path.lineTo(r.right() - dent, r.bottom())
            path.lineTo(r.left() + dent, r.bottom())
            path.closeSubpath()
        else:
            path.addRoundedRect(r, 8, 8)
        return path

    def fill_color(self) -> QColor:
        """The colour the box is filled with now."""
        theme = _theme(self)
        if self._style and self._style.fill is not None:
            return self._style.fill
        base = theme.system_fill if self.node.system else theme.kind_fills[self.node.kind]
        if self._current:
            return mix(base, theme.highlight, 0.45)
        if self._visited:
            return mix(base, theme.highlight, 0.15)
        return base

    def border_pen(self) -> QPen:
        """The pen of the box's outline now."""
        theme = _theme(self)
        if self._current:
            pen = QPen(theme.highlight, 3.5)
        elif self._visited:
            pen = QPen(theme.highlight, 2.0)
        elif self._style and self._style.border is not None:
            pen = QPen(self._style.border, 1.5)
        else:
            pen = QPen(theme.border, 1.2)
        if self.node.system:
            pen.setStyle(Qt.PenStyle.DashLine)
        return pen

    def boundingRect(self) -> QRectF:
        """The box and room for the thickest outline, the selection and pause frames."""
        return self.rect.adjusted(-7, -7, 7, 7)

    def shape(self) -> QPainterPath:
        """The outline, for hits and selection."""
        return self._outline

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Draw the box, the kind's glyph and the name."""
        theme = _theme(self)
        painter.setPen(self.border_pen())
        painter.setBrush(self.fill_color())
        painter.drawPath(self._outline)
        if self.isSelected():
            painter.setPen(QPen(theme.selection, 2.0, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self.rect.adjusted(-4, -4, 4, 4), 10, 10)
        if self._paused:
            painter.setPen(QPen(theme.highlight, 3.0, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self.rect.adjusted(-5, -5, 5, 5), 11, 11)
        if self._breakpoint:
            painter.setPen(QPen(theme.background, 1.5))
            painter.setBrush(theme.error_edge)
            centre = QPointF(self.rect.right() - BREAKPOINT_RADIUS, self.rect.top() + BREAKPOINT_RADIUS)
            painter.drawEllipse(centre, BREAKPOINT_RADIUS, BREAKPOINT_RADIUS)
        if _lod(painter, option) < TEXT_LOD:
            return
        text = self._style.text if self._style and self._style.text is not None else theme.text
        glyph = QRectF(self.rect.left() + PADDING, -9, GLYPH_WIDTH, 18)
        draw_kind_badge(painter, glyph, self.node.kind, theme, text, self._glyph_font)
        painter.setFont(self._font)
        label = self.rect.adjusted(GLYPH_WIDTH + 2 * PADDING, 0, -PADDING, 0)
        painter.drawText(label, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self._label)


class TransitionItem(QGraphicsItem):
    """What edges and stubs share: the transition drawn, whether the conversation took it, and a style overlay."""

    def __init__(self, transition: Transition, parent: QGraphicsItem | None = None) -> None:
        super().__init__(parent)
        self.transition = transition
        self._traversed = False
        self._style: EdgeStyle | None = None

    @property
    def traversed(self) -> bool:
        """Whether the conversation took this transition (for a stub: came in this way)."""
        return self._traversed

    @property
    def style(self) -> EdgeStyle | None:
        """The overlay on the default look, if any."""
        return self._style

    def set_traversed(self, traversed: bool) -> None:
        """Mark (or unmark) a transition on the conversation's path."""
        self._traversed = traversed
        self.update()

    def set_style(self, style: EdgeStyle | None) -> None:
        """Lay `style` over the default look (None: back to the default)."""
        self._style = style
        self.update()


class EdgeItem(TransitionItem):
    """A transition between two states, drawn through its route's points, with an arrowhead and a label."""

    def __init__(self, transition: Transition, route: tuple[Point, ...], font: QFont, *, loop: bool = False) -> None:
        super().__init__(transition)
        self._pieces = _pieces(route, loop)
        self._path = _path(self._pieces)
        self._arrow = _arrowhead(self._path)
        self._font = font
        self._label, self._label_rect = self._make_label(route, font, loop)
        self._shape: QPainterPath | None = None
        self._bounds = self._path.controlPointRect().united(self._arrow.boundingRect()).united(self._label_rect)
        self._bounds.adjust(-4, -4, 4, 4)
        self.setZValue(0)
        self.setToolTip(_describe(transition))

    def set_traversed(self, traversed: bool) -> None:
        """Mark (or unmark) a transition on the conversation's path; a traversed edge is drawn above the others."""
        self.setZValue(1 if traversed else 0)
        super().set_traversed(traversed)

    def pen(self) -> QPen:
        """The pen the edge is drawn with now."""
        theme = _theme(self)
        why = self.transition.why
        color = theme.error_edge if why == "on_error" else theme.edge
        width = 1.3
        if self._style:
            color = self._style.color if self._style.color is not None else color
            width = self._style.width if self._style.width is not None else width
        if self._traversed:
            color, width = theme.highlight, max(width, 3.0)
        pen = QPen(color, width)
        pen.setStyle(_DASHES.get(why, Qt.PenStyle.SolidLine))
        return pen

    def _make_label(self, route: tuple[Point, ...], font: QFont, loop: bool) -> tuple[str, QRectF]:
        text = _label_text(self.transition)
        if not text:
            return "", QRectF()
        metrics = QFontMetricsF(font)
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, metrics.averageCharWidth() * LABEL_CHARS)
        width = metrics.horizontalAdvance(text) + 6
        if loop:
            x, y = route[1][0] + 4, (route[1][1] + route[2][1]) / 2
        else:
            # On the curve, halfway along its first segment (where an S-curve passes its middle).
            (x0, y0), (x1, y1) = route[0], route[1]
            x, y = (x0 + x1) / 2 - width / 2, (y0 + y1) / 2
        return text, QRectF(x, y - metrics.height() / 2, width, metrics.height())

    @property
    def label_rect(self) -> QRectF:
        """Where the label is drawn (empty when the edge has none)."""
        return QRectF(self._label_rect)

    def path(self) -> QPainterPath:
        """The curve as drawn, in scene coordinates."""
        return QPainterPath(self._path)

    def label_track(self, reach: float) -> list[Point]:
        """The curve from its source for at least `reach` (where its label may go), as a polyline."""
        return _track(self._pieces, reach)

    def move_label(self, centre: QPointF) -> None:
        """Put the label's centre at `centre` (on or beside the curve, where it meets nothing else)."""
        self.prepareGeometryChange()
        self._label_rect.moveCenter(centre)
        self._bounds = self._path.controlPointRect().united(self._arrow.boundingRect()).united(self._label_rect)
        self._bounds.adjust(-4, -4, 4, 4)
        self._shape = None

    def boundingRect(self) -> QRectF:
        """The curve, its arrowhead and its label."""
        return self._bounds

    def shape(self) -> QPainterPath:
        """A band along the curve, for tooltips and hits."""
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(8)
            self._shape = stroker.createStroke(self._path)
            self._shape.addRect(self._label_rect)
        return self._shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Draw the curve, the arrowhead and (when zoomed in enough) the label."""
        pen = self.pen()
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pen.color())
        painter.drawPath(self._arrow)
        if self._label and _lod(painter, option) >= TEXT_LOD:
            theme = _theme(self)
            # A faint frame: two labels side by side read as two, not as one phrase.
            painter.setPen(QPen(mix(theme.background, theme.edge, 0.35), 1.0))
            painter.setBrush(QBrush(theme.background))
            painter.drawRoundedRect(self._label_rect, 3, 3)
            painter.setPen(pen.color() if self._traversed else theme.text)
            painter.setFont(self._font)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self._label)


class StubItem(TransitionItem):
    """An edge from anywhere (an intent, the fallback): a short arrow into its target's top-left corner."""

    def __init__(self, transition: Transition, slot: int, font: QFont, parent: NodeItem) -> None:
        super().__init__(transition, parent)
        self._font = font
        corner = parent.rect.topLeft()
        self._tip = QPointF(corner.x() + 10 + 18 * slot, corner.y())
        self._badge = QPointF(self._tip.x() - 12, self._tip.y() - 22)
        self.setToolTip(_describe(transition))
        self.setZValue(-1)

    def color(self) -> QColor:
        """The colour the stub is drawn in now."""
        theme = _theme(self)
        if self._traversed:
            return theme.highlight
        if self._style and self._style.color is not None:
            return self._style.color
        return theme.edge

    @property
    def badge(self) -> Badge:
        """The badge drawn (I for an intent, F for the fallback)."""
        return STUB_BADGES[self.transition.why]

    def boundingRect(self) -> QRectF:
        """The badge and the arrow."""
        r = STUB_RADIUS
        return QRectF(self._badge.x() - r - 2, self._badge.y() - r - 2, 2 * r + 16, 2 * r + 28)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Draw the badge with its letter and the arrow into the node."""
        pen = QPen(self.color(), 3.0 if self._traversed else 1.3)
        painter.setPen(pen)
        painter.drawLine(self._badge, self._tip)
        font = self._font if _lod(painter, option) >= TEXT_LOD else None
        draw_stub_badge(painter, self._badge, self.transition.why, pen, _theme(self), font)


_DASHES = {
    "on_error": Qt.PenStyle.DashLine,
    "give_up": Qt.PenStyle.DashLine,
    "code": Qt.PenStyle.DashDotLine,
    "api": Qt.PenStyle.DashDotLine,
    "iframe": Qt.PenStyle.DashDotLine,
    "offload": Qt.PenStyle.DotLine,
    "hand_back": Qt.PenStyle.DotLine,
}


def _label_text(transition: Transition) -> str:
    if transition.why in ("route", "button"):
        return transition.label
    if transition.why in ("on_error", "give_up", "code", "api", "iframe"):
        return transition.why.replace("_", " ")
    return ""


def _describe(transition: Transition) -> str:
    if transition.source == "*":
        if transition.why == "intent":
            return f"intent {transition.label}: from anywhere to {transition.target}"
        return f"fallback: input that matches nothing goes to {transition.target}"
    what = transition.why.replace("_", " ")
    if transition.why == "route":
        what = f"route {transition.route}: {transition.label}"
    elif transition.label:
        what = f"{what}: {transition.label}"
    return f"{transition.source} → {transition.target}\n{what}"


Cubic = tuple[Point, Point, Point, Point]
TRACK_SAMPLES = 8
"""Points per piece of a curve in its label track."""


def _pieces(route: tuple[Point, ...], loop: bool) -> list[Cubic]:
    """The Bézier pieces of an edge's curve: the one shape both the painted path and the label track follow."""
    if loop:
        return [(route[0], route[1], route[2], route[3])]
    # Vertical tangents at every point: segments through a layer stay straight, the gaps get S-curves. (A
    # straight piece keeps its controls off its ends, so that the arrowhead finds its direction.)
    pieces: list[Cubic] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(route):
        pull = (y1 - y0) / (3 if x0 == x1 else 2)
        pieces.append(((x0, y0), (x0, y0 + pull), (x1, y1 - pull), (x1, y1)))
    return pieces


def _path(pieces: list[Cubic]) -> QPainterPath:
    path = QPainterPath(QPointF(*pieces[0][0]))
    for _, (ax, ay), (bx, by), (x, y) in pieces:
        path.cubicTo(ax, ay, bx, by, x, y)
    return path


def _track(pieces: list[Cubic], reach: float) -> list[Point]:
    """Points along `pieces` from the start until at least `reach` has been covered."""
    points = [pieces[0][0]]
    travelled = 0.0
    for p0, p1, p2, p3 in pieces:
        for k in range(1, TRACK_SAMPLES + 1):
            t = k / TRACK_SAMPLES
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t**3
            point = (
                a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
            )
            travelled += math.dist(points[-1], point)
            points.append(point)
        if travelled >= reach:
            break
    return points


def _arrowhead(path: QPainterPath) -> QPainterPath:
    tip = path.pointAtPercent(1.0)
    angle = math.radians(path.angleAtPercent(1.0))
    # angleAtPercent counts counter-clockwise with y up; scene y points down.
    dx, dy = math.cos(angle), -math.sin(angle)
    back = QPointF(tip.x() - dx * ARROW, tip.y() - dy * ARROW)
    side = QPointF(-dy * ARROW * 0.45, dx * ARROW * 0.45)
    head = QPainterPath(tip)
    head.lineTo(back + side)
    head.lineTo(back - side)
    head.closeSubpath()
    return head


def loop_route(rect: QRectF) -> tuple[Point, ...]:
    """The control points of a self-loop on the right side of a node box (`rect` in scene coordinates)."""
    right, middle = rect.right(), rect.center().y()
    return ((right, middle - 8), (right + 34, middle - 22), (right + 34, middle + 22), (right, middle + 8))
