"""The popup shown when a never-reached state is clicked: every declared route into it, and where it is declared;
after an exploration, why it did not reach the state and why it did not take each route.

Activating a route (double click, Enter) centres the graph on the state it leaves from.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from workbench.flow.graph import ANYWHERE, Transition
from workbench.flow.model import Flow
from workbench.gui.coverage_view.data import Reasons
from workbench.testing.coverage import describe


def route_text(flow: Flow, transition: Transition) -> str:
    """`ask_date → ask_passengers (next) — flow.yaml:42` (where the source state is declared)."""
    source = flow.states.get(transition.source)
    where = f" — {source.loc.file}:{source.loc.line}" if source is not None else ""
    return describe(transition) + where


class RoutesPopup(QFrame):
    """A list of the routes into one state."""

    source_chosen = Signal(str)
    """A route was activated; the state it leaves from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("coverage_routes")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(wordWrap=True)
        self.routes = QListWidget()
        self.routes.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.routes)
        self.resize(460, 200)

    def show_routes(
        self, flow: Flow, state: str, routes: list[Transition], at: QPoint, reasons: Reasons | None = None
    ) -> None:
        """List `routes` into `state`, at global position `at`, each with why an exploration did not take it
        (from `reasons`, when given)."""
        reasons = reasons or Reasons()
        why = reasons.states.get(state)
        where = "Routes into it:" if routes else "No transition of the flow leads to it."
        self.title.setText(f"<b>{escape(state)}</b> was never reached{f': {escape(why)}' if why else ''}. {where}")
        self.routes.clear()
        for transition in routes:
            text = route_text(flow, transition)
            if not_taken := reasons.transitions.get(transition.key):
                text += f"\n    Not taken: {not_taken}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, transition.source)
            self.routes.addItem(item)
        self.move(at)
        self.show()
        self.routes.setFocus()

    def texts(self) -> list[str]:
        """The routes as listed."""
        return [self.routes.item(i).text() for i in range(self.routes.count())]

    def _activated(self, item: QListWidgetItem) -> None:
        source = item.data(Qt.ItemDataRole.UserRole)
        if source != ANYWHERE:
            self.hide()
            self.source_chosen.emit(source)
