"""The overview of a large graph: a small picture of the whole graph in the bottom-right corner of the view, with a
frame around the part in sight. A click or a drag in it moves the view there.

It shows itself only when it is wanted (the panel's Overview toggle) and the view does not show the whole graph
anyway. The picture is a pixmap of the scene, drawn again shortly after the scene changes (a trace, coverage
colours), so that scrolling the view costs only the frame.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from workbench.gui.graph.theme import mix
from workbench.gui.graph.view import GraphView

MAX_SIZE = QSize(220, 150)
MIN_SIDE = 24
MARGIN = 10
REDRAW_DELAY_MS = 120


class GraphOverview(QWidget):
    """A minimap over the view's corner: the whole graph, the visible part framed; click or drag to move there."""

    def __init__(self, view: GraphView) -> None:
        super().__init__(view)
        self.view = view
        self._wanted = True
        self._picture = QPixmap()
        self._source = QRectF()
        self._redraw = QTimer(self, singleShot=True, interval=REDRAW_DELAY_MS)
        self._redraw.timeout.connect(self.redraw)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview of the whole graph: click or drag to move the view")
        view.installEventFilter(self)
        view.scene_replaced.connect(self._on_scene)
        for bar in (view.horizontalScrollBar(), view.verticalScrollBar()):
            bar.valueChanged.connect(self.update)
            bar.rangeChanged.connect(self.follow)
        self._on_scene()

    # --- showing ---

    def set_wanted(self, wanted: bool) -> None:
        """Allow (or forbid) the overview; it still shows only while the view does not show the whole graph."""
        self._wanted = wanted
        self.follow()

    def follow(self) -> None:
        """Show or hide the overview for the view's current zoom, in the viewport's bottom-right corner."""
        show = self._wanted and self.view.graph is not None and not self.view.shows_whole_graph()
        if show:
            viewport = self.view.viewport().geometry()
            self.move(viewport.right() - self.width() - MARGIN, viewport.bottom() - self.height() - MARGIN)
            self.raise_()
        self.setVisible(show)
        self.update()

    def _on_scene(self) -> None:
        scene = self.view.scene()
        scene.changed.connect(lambda _regions: self._redraw.start())
        self.redraw()

    def redraw(self) -> None:
        """Draw the picture of the whole graph again."""
        self._source = self.view.content_rect()
        if self._source.isEmpty():
            self._picture = QPixmap()
            self.follow()
            return
        scale = min(MAX_SIZE.width() / self._source.width(), MAX_SIZE.height() / self._source.height())
        width = max(MIN_SIDE, round(self._source.width() * scale))
        height = max(MIN_SIDE, round(self._source.height() * scale))
        self.setFixedSize(width + 2, height + 2)
        self._picture = QPixmap(width, height)
        self._picture.fill(self.view.backgroundBrush().color())
        painter = QPainter(self._picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.scene().render(painter, QRectF(self._picture.rect()), self._source)
        painter.end()
        self.follow()

    # --- where things are ---

    def visible_frame(self) -> QRectF:
        """The frame around the part of the graph in sight, in the overview's coordinates."""
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        return self._to_overview(visible).intersected(QRectF(self.rect()))

    def scene_point(self, point: QPointF) -> QPointF:
        """The point of the scene that `point` of the overview pictures."""
        picture = self._picture_rect()
        x = self._source.left() + (point.x() - picture.left()) * self._source.width() / picture.width()
        y = self._source.top() + (point.y() - picture.top()) * self._source.height() / picture.height()
        return QPointF(x, y)

    def _picture_rect(self) -> QRectF:
        return QRectF(1, 1, max(1, self._picture.width()), max(1, self._picture.height()))

    def _to_overview(self, rect: QRectF) -> QRectF:
        picture = self._picture_rect()
        sx = picture.width() / self._source.width() if self._source.width() else 1.0
        sy = picture.height() / self._source.height() if self._source.height() else 1.0
        return QRectF(
            picture.left() + (rect.left() - self._source.left()) * sx,
            picture.top() + (rect.top() - self._source.top()) * sy,
            rect.width() * sx,
            rect.height() * sy,
        )

    # --- events ---

    def paintEvent(self, event: QPaintEvent) -> None:
        """The picture, a border, and the frame of the visible part."""
        painter = QPainter(self)
        theme = self.view.scene().theme
        painter.drawPixmap(1, 1, self._picture)
        painter.setPen(QPen(mix(theme.background, theme.text, 0.4), 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        painter.setPen(QPen(theme.highlight, 2.0))
        painter.drawRect(self.visible_frame().adjusted(1, 1, -1, -1))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click moves the view to the point clicked."""
        self._move_view(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """A drag keeps moving the view with the mouse."""
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._move_view(event)

    def _move_view(self, event: QMouseEvent) -> None:
        self.view.centerOn(self.scene_point(event.position()))
        event.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Stay in the corner as the view is resized."""
        if watched is self.view and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.follow()
        return False
