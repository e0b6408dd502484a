"""The view of the dialog-state graph: builds the items from a layout, zooms, pans, fits, finds, and traces.

Items are found by state name (`node_item`) and by transition key (`edge_item`, `Transition.key`; stubs of
"from anywhere" edges included), and restyled with `set_node_style` / `set_edge_style`: that is how later
features (coverage colours) reach them. `state_clicked` fires when a node is clicked. Breakpoints are drawn with
`set_breakpoint`; a double-click on a node or its context menu (Add/Remove breakpoint) asks for one
(`breakpoint_requested`); `set_paused` marks where the debugger holds the conversation.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QFont, QFontMetricsF, QKeyEvent, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QMenu, QWidget

from workbench.flow.graph import Transition
from workbench.flow.model import Flow
from workbench.gui.graph.flow_graph import FlowGraph
from workbench.gui.graph.items import NODE_HEIGHT, EdgeItem, GraphScene, NodeItem, StubItem, loop_route, node_width
from workbench.gui.graph.labels import Placement, Rect, place_labels
from workbench.gui.graph.layout import Layout, layered_layout
from workbench.gui.graph.theme import EdgeStyle, NodeStyle, Theme

EdgeKey = tuple[str, str, str, int | None]
ZOOM_STEP = 1.25
MIN_SCALE = 0.02
SCROLL_MARGIN = 2000.0
MAX_SCALE = 4.0
READABLE_SCALE = 0.8
"""Finding a state zooms in to at least this scale."""
LABELS = Placement()
LEGIBLE_SCALE = 0.6
"""Fitting never zooms out further than this: names stay legible, and the overview shows the whole graph."""


class GraphView(QGraphicsView):
    """A zoomable, pannable view of a flow's states and transitions, with the conversation's path traced on it."""

    state_clicked = Signal(str)
    """A node was clicked (with any mouse button); the state's name."""
    state_selected = Signal(str)
    """The selected node changed (by a click, a search or code); the state's name."""
    breakpoint_requested = Signal(str)
    """The user asked to toggle the breakpoint on a state (double-click on its node, or its context menu)."""
    scene_replaced = Signal()
    """A new graph was shown: the view has a new scene."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = Theme.from_palette(self.palette())
        self._font = QFont(self.font())
        # Unhinted text measures the same at every zoom, so a box sized at scale 1 holds its name at any scale.
        self._font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        self._small_font = QFont(self._font)
        self._small_font.setPointSizeF(max(6.0, self._font.pointSizeF() * 0.8))
        self._nodes: dict[str, NodeItem] = {}
        self._edges: dict[EdgeKey, EdgeItem | StubItem] = {}
        self._runtime: list[EdgeItem] = []
        self._current: NodeItem | None = None
        self._paused: NodeItem | None = None
        self._content = QRectF()
        self._graph: FlowGraph | None = None
        self._set_scene(GraphScene(self._theme))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackgroundBrush(self._theme.background)

    # --- building ---

    @property
    def graph(self) -> FlowGraph | None:
        """The graph shown, if any."""
        return self._graph

    def node_font(self) -> QFont:
        """The font of the states' names."""
        return QFont(self._font)

    def badge_font(self) -> QFont:
        """The font of badges and edge labels."""
        return QFont(self._small_font)

    def node_sizes(self, graph: FlowGraph) -> dict[str, tuple[float, float]]:
        """The size of every node's box (the layout needs them)."""
        metrics = QFontMetricsF(self._font)
        return {n.name: (node_width(n.name, metrics), NODE_HEIGHT) for n in graph.nodes}

    def show_flow(self, flow: Flow) -> None:
        """Lay out and show `flow`."""
        graph = FlowGraph.from_flow(flow)
        edges = [(e.source, e.target) for e in graph.edges]
        layout = layered_layout([n.name for n in graph.nodes], edges, self.node_sizes(graph), start=graph.start)
        self.set_graph(graph, layout)

    def set_graph(self, graph: FlowGraph, layout: Layout) -> None:
        """Show `graph` where `layout` puts it (the layout's routes follow `graph.edges`)."""
        scene = GraphScene(self._theme)
        scene.setItemIndexMethod(GraphScene.ItemIndexMethod.NoIndex)
        self._nodes, self._edges, self._runtime, self._current, self._paused = {}, {}, [], None, None
        metrics = QFontMetricsF(self._font)
        for node in graph.nodes:
            item = NodeItem(node, node_width(node.name, metrics), self._font, self._small_font)
            item.setPos(*layout.positions[node.name])
            scene.addItem(item)
            self._nodes[node.name] = item
        for edge, route in zip(graph.edges, layout.routes, strict=True):
            if edge.source == edge.target:
                rect = self._nodes[edge.source].sceneBoundingRect().adjusted(6, 6, -6, -6)
                item_edge = EdgeItem(edge, loop_route(rect), self._small_font, loop=True)
            else:
                item_edge = EdgeItem(edge, route, self._small_font)
            scene.addItem(item_edge)
            self._edges[edge.key] = item_edge
        slots: dict[str, int] = {}
        for stub in graph.stubs:
            slot = slots.get(stub.target, 0)
            slots[stub.target] = slot + 1
            self._edges[stub.key] = StubItem(stub, slot, self._small_font, self._nodes[stub.target])
        self._place_labels()
        scene.setItemIndexMethod(GraphScene.ItemIndexMethod.BspTreeIndex)
        self._content = scene.itemsBoundingRect().adjusted(-40, -40, 40, 40)
        # Room around the graph so that any state, even one at the border, can be scrolled to the centre.
        scene.setSceneRect(self._content.adjusted(-SCROLL_MARGIN, -SCROLL_MARGIN, SCROLL_MARGIN, SCROLL_MARGIN))
        self._graph = graph
        self._set_scene(scene)

    def _place_labels(self) -> None:
        labelled = [edge for edge in self.edge_items() if not edge.label_rect.isEmpty()]
        obstacles = [_rect(node.mapRectToScene(node.rect)) for node in self._nodes.values()]
        obstacles += [_rect(stub.sceneBoundingRect()) for stub in self.stub_items()]
        sizes = [(edge.label_rect.width(), edge.label_rect.height()) for edge in labelled]
        tracks = [edge.label_track(LABELS.reach) for edge in labelled]
        centres = place_labels(sizes, tracks, obstacles, LABELS)
        for edge, centre in zip(labelled, centres, strict=True):
            edge.move_label(QPointF(*centre))

    def _set_scene(self, scene: GraphScene) -> None:
        old = self.scene()
        self.setScene(scene)
        scene.selectionChanged.connect(self._on_selection)
        if old is not None:
            old.deleteLater()
        self.scene_replaced.emit()

    # --- finding and styling items ---

    def node_item(self, name: str) -> NodeItem | None:
        """The node of state `name`."""
        return self._nodes.get(name)

    def node_items(self) -> list[NodeItem]:
        """Every node, in the graph's order."""
        return list(self._nodes.values())

    def edge_item(self, key: EdgeKey) -> EdgeItem | StubItem | None:
        """The edge (or the stub, for a transition from anywhere) with `Transition.key` `key`."""
        return self._edges.get(key)

    def edge_items(self) -> list[EdgeItem]:
        """Every drawn edge between two nodes, in the graph's order (stubs and runtime jumps left out)."""
        return [item for item in self._edges.values() if isinstance(item, EdgeItem)]

    def stub_items(self) -> list[StubItem]:
        """Every stub of a transition from anywhere."""
        return [item for item in self._edges.values() if isinstance(item, StubItem)]

    def set_node_style(self, name: str, style: NodeStyle | None) -> None:
        """Lay `style` over node `name` (None: back to its default look)."""
        if item := self._nodes.get(name):
            item.set_style(style)

    def set_edge_style(self, key: EdgeKey, style: EdgeStyle | None) -> None:
        """Lay `style` over the edge or stub with key `key` (None: back to its default look)."""
        if item := self._edges.get(key):
            item.set_style(style)

    def set_breakpoint(self, name: str, on: bool) -> None:
        """Draw (or remove) the breakpoint dot on state `name`."""
        if item := self._nodes.get(name):
            item.set_breakpoint(on)

    def set_paused(self, name: str | None) -> None:
        """Mark state `name` as where the debugger holds the conversation (None: not paused), and show it."""
        if self._paused is not None:
            self._paused.set_paused(False)
        self._paused = self._nodes.get(name) if name is not None else None
        if self._paused is not None:
            self._paused.set_paused(True)
            self.ensureVisible(self._paused, 60, 60)

    # --- the conversation's path ---

    @property
    def current_state(self) -> str | None:
        """The state marked current."""
        return self._current.name if self._current else None

    def trace(self, transition: Transition) -> None:
        """The conversation took `transition`: mark the edge, the target becomes current, the path grows."""
        target = self._nodes.get(transition.target)
        if self._current is not None:
            self._current.set_current(False)
        self._current = target
        if target is None:
            return
        target.set_current(True)
        target.set_visited(True)
        edge = self._edges.get(transition.key)
        if edge is None and transition.source in self._nodes:
            edge = self._runtime_edge(transition)
        if edge is not None:
            edge.set_traversed(True)

    def _runtime_edge(self, transition: Transition) -> EdgeItem:
        # A jump decided at run time (an API response, an iframe message): drawn straight, and only while traced.
        source = self._nodes[transition.source].sceneBoundingRect()
        target = self._nodes[transition.target].sceneBoundingRect()
        upward = target.center().y() < source.center().y()
        start = source.center().x(), (source.top() if upward else source.bottom()) + (6 if upward else -6)
        end = target.center().x(), (target.bottom() if upward else target.top()) + (-6 if upward else 6)
        item = EdgeItem(transition, (start, end), self._small_font)
        self.scene().addItem(item)
        self._edges[transition.key] = item
        self._runtime.append(item)
        return item

    def clear_trace(self) -> None:
        """Forget the conversation's path (a restart, another conversation)."""
        for node in self._nodes.values():
            if node.visited or node.is_current:
                node.set_visited(False)
                node.set_current(False)
        for edge in self._edges.values():
            if edge.traversed:
                edge.set_traversed(False)
        for item in self._runtime:
            del self._edges[item.transition.key]
            self.scene().removeItem(item)
        self._runtime, self._current = [], None

    def reveal_current(self) -> None:
        """Scroll so that the current state is in sight."""
        if self._current is not None:
            self.ensureVisible(self._current, 60, 60)

    # --- navigation ---

    def center_on_state(self, name: str) -> bool:
        """Select state `name`, zoom in to a readable scale if needed and centre it; False if there is none."""
        item = self._nodes.get(name)
        if item is None:
            return False
        self.scene().clearSelection()
        item.setSelected(True)
        if self.transform().m11() < READABLE_SCALE:
            self._scale_to(READABLE_SCALE)
        self.centerOn(item)
        return True

    def selected_state(self) -> str | None:
        """The selected state, if any."""
        selected = [i for i in self.scene().selectedItems() if isinstance(i, NodeItem)]
        return selected[0].name if selected else None

    def zoom_by(self, factor: float) -> None:
        """Zoom by `factor`, within sensible limits."""
        self._scale_to(self.transform().m11() * factor)

    def zoom_in(self) -> None:
        """Zoom in one step."""
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        """Zoom out one step."""
        self.zoom_by(1 / ZOOM_STEP)

    def fit(self) -> None:
        """Show the whole graph (not enlarged beyond the natural size) when its names stay legible; else show the
        current state (or the start) at `LEGIBLE_SCALE`, from the top of the graph when it is near the top."""
        self.fitInView(self._content, Qt.AspectRatioMode.KeepAspectRatio)
        scale = self.transform().m11()
        if scale > 1.0:
            self._scale_to(1.0)
        elif scale < LEGIBLE_SCALE and self._graph is not None:
            self._scale_to(LEGIBLE_SCALE)
            focus = self._current or self._nodes[self._graph.start]
            half_height = self.viewport().height() / LEGIBLE_SCALE / 2
            self.centerOn(focus.x(), max(focus.y(), self._content.top() + half_height))

    def shows_whole_graph(self) -> bool:
        """Whether every node and edge is in sight."""
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        return visible.contains(self._content.adjusted(30, 30, -30, -30))

    def content_rect(self) -> QRectF:
        """The scene rectangle the graph takes (with a small margin)."""
        return QRectF(self._content)

    def _scale_to(self, scale: float) -> None:
        scale = min(MAX_SCALE, max(MIN_SCALE, scale))
        factor = scale / self.transform().m11()
        self.scale(factor, factor)

    # --- events ---

    def wheelEvent(self, event: QWheelEvent) -> None:
        """The wheel zooms around the cursor."""
        delta = event.angleDelta().y()
        if delta:
            self.zoom_by(ZOOM_STEP ** (delta / 120))
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """+ and - zoom, 0 fits."""
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_out()
        elif key == Qt.Key.Key_0:
            self.fit()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A press on a node is a click on its state."""
        node = self._node_at(event.position())
        super().mousePressEvent(event)
        if node is not None:
            self.state_clicked.emit(node.name)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double-click on a node toggles its breakpoint."""
        node = self._node_at(event.position())
        if node is None:
            super().mouseDoubleClickEvent(event)
        else:
            self.breakpoint_requested.emit(node.name)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """A node's context menu: toggle its breakpoint."""
        node = self._node_at(QPointF(event.pos()))
        if node is None:
            super().contextMenuEvent(event)
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        toggle = menu.addAction("Remove breakpoint" if node.has_breakpoint else "Add breakpoint")
        toggle.triggered.connect(lambda: self.breakpoint_requested.emit(node.name))
        menu.popup(event.globalPos())  # not exec(): a nested event loop would stall the engine's loop

    def _node_at(self, position: QPointF) -> NodeItem | None:
        item: QGraphicsItem | None = self.itemAt(position.toPoint())
        while item is not None and not isinstance(item, NodeItem):
            item = item.parentItem()
        return item

    def _on_selection(self) -> None:
        name = self.selected_state()
        if name is not None:
            self.state_selected.emit(name)

    def changeEvent(self, event: QEvent) -> None:
        """Follow palette changes (the system switching between light and dark)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._theme = Theme.from_palette(self.palette())
            scene = self.scene()
            assert isinstance(scene, GraphScene)
            scene.theme = self._theme
            self.setBackgroundBrush(self._theme.background)
            for node in self._nodes.values():
                node.update()
            scene.update()


def _rect(rect: QRectF) -> Rect:
    return rect.left(), rect.top(), rect.right(), rect.bottom()
