"""The coverage bar above the graph takes the graph's width and never asks for more: when a test run ends and its
coverage shows, the graph's dock (and with it the whole window) does not lay out again to fit a one-line summary."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QVBoxLayout, QWidget

from workbench.gui.coverage_view.bar import CoverageBar

LONG_SUMMARY = " · ".join(
    ["States 31/31 (100%)", "Transitions 40/44 (91%)", "Intents 6/6 (100%)", "Entities 4/5 (80%)"] * 3
)


def test_a_long_summary_wraps_within_the_graphs_width_instead_of_widening_it(qtbot):
    graph_panel = QWidget()
    qtbot.addWidget(graph_panel)
    bar = CoverageBar(QAction("Export"), QAction("Clear"))
    QVBoxLayout(graph_panel).addWidget(bar)
    narrow = graph_panel.minimumSizeHint().width()
    graph_panel.resize(400, 300)
    graph_panel.show()

    bar.show_summary("Train tickets", LONG_SUMMARY, [])

    qtbot.waitUntil(lambda: bar.isVisible() and bar.summary.height() > bar.summary.fontMetrics().height())
    assert graph_panel.minimumSizeHint().width() == narrow
    assert bar.width() <= graph_panel.width()
    assert bar.summary.text() == LONG_SUMMARY
