"""The graph panel: the conversation's flow as a dialog-state graph, its path traced live, with search and a side view.

Over the graph float an overview of the whole graph (when it does not fit the view legibly) and a legend of the
badges, each with its toggle in the toolbar.

It listens to the bridge only: `conversation_changed` rebuilds the graph when the flow object changed (a reload)
and restarts the trace; every `StateEntered` moves the current state and marks the transition taken; a restart
(`TurnStarted(input="restart")`) clears the path.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QSizePolicy, QSplitter, QToolBar, QVBoxLayout, QWidget

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.graph import Transition
from workbench.flow.model import Flow
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.graph.definition import DefinitionView
from workbench.gui.graph.legend import GraphLegend
from workbench.gui.graph.overview import GraphOverview
from workbench.gui.graph.view import GraphView
from workbench.gui.language import ActiveLanguage

PREFERRED_SIZE = QSize(480, 640)
"""Room the panel asks for: the toolbar, at least 420 px of graph, and the definition below it."""


class GraphPanel(QWidget):
    """Toolbar (search, fit, zoom, follow), the graph view and the definition of the selected state."""

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._flow: Flow | None = None
        self.view = GraphView()
        self.overview = GraphOverview(self.view)
        self.legend = GraphLegend(self.view, self.view.badge_font())
        self.definition = DefinitionView()
        self.search = QLineEdit(placeholderText="Find a state…", clearButtonEnabled=True)
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self.search)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.search.setCompleter(completer)
        self.search.returnPressed.connect(lambda: self.find(self.search.text()))
        completer.activated.connect(self.find)
        self.language = ActiveLanguage(bridge, self)
        self.language_badge = QLabel()
        self.language_badge.setObjectName("graph_language")
        self.language_badge.setToolTip("The language the conversation speaks now")
        self._build_layout()
        self.language.changed.connect(self._show_language)
        self._show_language()
        self.view.state_selected.connect(self.show_definition)
        bridge.event.connect(self._on_event)
        bridge.conversation_changed.connect(self._on_conversation)
        if bridge.conversation is not None:
            self._on_conversation(bridge.conversation)

    def _build_layout(self) -> None:
        toolbar = QToolBar()
        toolbar.addWidget(self.search)
        fit = toolbar.addAction("Fit", self.view.fit)
        fit.setToolTip("Show the whole graph, or as much as stays legible around the start (0)")
        toolbar.addAction("+", self.view.zoom_in).setToolTip("Zoom in (+, or the wheel)")
        toolbar.addAction("−", self.view.zoom_out).setToolTip("Zoom out (-, or the wheel)")
        self.follow = toolbar.addAction("Follow")
        self.follow.setCheckable(True)
        self.follow.setChecked(True)
        self.follow.setToolTip("Scroll to the current state as the conversation moves")
        self.show_overview = toolbar.addAction("Overview")
        self.show_overview.setCheckable(True)
        self.show_overview.setChecked(True)
        self.show_overview.setToolTip("A map of the whole graph in the corner, when it does not fit the view")
        self.show_overview.toggled.connect(self.overview.set_wanted)
        self.show_legend = toolbar.addAction("Legend")
        self.show_legend.setCheckable(True)
        self.show_legend.setToolTip("What the badges on the states mean")
        self.show_legend.toggled.connect(self.legend.setVisible)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self._language_action = toolbar.addWidget(self.language_badge)
        # The panel lives in a side dock: the definition goes under the graph, not beside it.
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.view)
        splitter.addWidget(self.definition)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([600, 160])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(toolbar)
        layout.addWidget(splitter)

    def sizeHint(self) -> QSize:
        """Enough room for the graph to be read: `PREFERRED_SIZE`."""
        return QSize(PREFERRED_SIZE)

    # --- actions ---

    def find(self, text: str) -> bool:
        """Centre on and select the state named `text` (else the first whose name contains it); False if none."""
        text = text.strip()
        if not text or self._flow is None:
            return False
        names = self._names.stringList()
        if text not in names:
            text = next((n for n in names if text.casefold() in n.casefold()), text)
        return self.view.center_on_state(text)

    def show_definition(self, name: str) -> None:
        """Show the YAML of state `name` in the side view."""
        if self._flow is not None:
            self.definition.show_state(self._flow, name)

    def _show_language(self) -> None:
        """The spoken language at the toolbar's end, for a flow in several languages."""
        self.language_badge.setText(self.language.label)
        self._language_action.setVisible(self.language.multilingual)

    # --- the bridge ---

    def _on_conversation(self, conversation: Conversation | None) -> None:
        self.view.clear_trace()
        if conversation is None:
            return
        if conversation.flow is not self._flow:
            self._show(conversation.flow)
        for event in conversation.events:
            self._on_event(event)

    def _show(self, flow: Flow) -> None:
        self._flow = flow
        self.view.show_flow(flow)
        self._names.setStringList([node.name for node in self.view.node_items()])
        self.view.fit()

    def _on_event(self, event: ev.Event) -> None:
        if isinstance(event, ev.StateEntered):
            self.view.trace(Transition.from_event(event))
            if self.follow.isChecked():
                self.view.reveal_current()
        elif isinstance(event, ev.TurnStarted) and event.input == "restart":
            self.view.clear_trace()
