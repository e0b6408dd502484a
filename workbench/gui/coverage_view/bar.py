"""The coverage bar above the graph: the summary (`States 31/31 (100%) · …`), the legend, export and clear."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from workbench.gui.coverage_view.scale import Band

SWATCH = 14


def swatch(band: Band) -> QPixmap:
    """A small box in the band's node colours with a stroke of its edge colour."""
    pixmap = QPixmap(SWATCH * 2, SWATCH)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(band.node.border, 1.5))
    painter.setBrush(band.node.fill)
    painter.drawRoundedRect(QRectF(1, 1, SWATCH - 2, SWATCH - 2), 3, 3)
    assert band.edge.color is not None and band.edge.width is not None
    painter.setPen(QPen(band.edge.color, band.edge.width))
    painter.drawLine(SWATCH + 3, SWATCH // 2, 2 * SWATCH - 1, SWATCH // 2)
    painter.end()
    return pixmap


class Legend(QWidget):
    """One swatch and label per band."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self.labels: list[str] = []

    def set_bands(self, bands: list[Band]) -> None:
        """Show `bands`, replacing what was shown."""
        while (item := self._row.takeAt(0)) is not None:
            if widget := item.widget():
                widget.deleteLater()
        self.labels = [band.label for band in bands]
        for band in bands:
            icon = QLabel(pixmap=swatch(band))
            icon.setToolTip(f"states and transitions with {band.label}" if band.high else "never reached")
            self._row.addWidget(icon)
            self._row.addWidget(QLabel(band.label))
            self._row.addSpacing(6)
        self._row.addStretch()


class CoverageBar(QWidget):
    """Shown above the graph while coverage is painted on it. It takes the graph's width and never asks for more:
    the summary wraps, and the bar's width hint is ignored (a bar as wide as its one-line summary made the graph's
    dock, and with it the whole window, lay out again when a test run ended)."""

    def __init__(self, export: QAction, clear: QAction, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coverage_bar")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Maximum)
        self.summary = QLabel(objectName="coverage_summary", wordWrap=True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.legend = Legend()
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        for action in (export, clear):
            button = QToolButton()
            button.setDefaultAction(action)
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        self.hide()

    def show_summary(self, title: str, summary: str, bands: list[Band], *, explored: bool = False) -> None:
        """Show the summary line of flow `title` (`Explored: …` when it is what the explorer reached) and the
        legend of `bands`."""
        self.summary.setText(f"Explored: {summary}" if explored else summary)
        self.summary.setToolTip(f"Coverage of {title} by {'the explorer' if explored else 'its conversation tests'}")
        self.legend.set_bands(bands)
        self.show()
