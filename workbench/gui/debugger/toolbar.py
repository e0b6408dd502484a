"""The debugger's toolbar: each command named beside its icon when the panel is wide enough, under it when it is
less wide, by its icon alone (its tool tip names it, with its key) when the panel is narrow."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QStyle, QToolBar, QWidget

Style = Qt.ToolButtonStyle
STYLES = (Style.ToolButtonTextBesideIcon, Style.ToolButtonTextUnderIcon, Style.ToolButtonIconOnly)
"""From the widest to the narrowest."""


class StepToolBar(QToolBar):
    """A toolbar that shows its buttons' text wherever there is room for it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMovable(False)
        self._widths: dict[Style, int] = {}

    def needed_width(self, style: Style) -> int:
        """How wide the toolbar must be to show every button in `style` (measured once, on first need)."""
        if not self._widths:
            shown = self.toolButtonStyle()
            for each in STYLES:
                self.setToolButtonStyle(each)
                self._widths[each] = self._measure()
            self.setToolButtonStyle(shown)
        return self._widths[style]

    def _measure(self) -> int:
        widgets = [self.widgetForAction(action) for action in self.actions() if action.isVisible()]
        spacing = self.style().pixelMetric(QStyle.PixelMetric.PM_ToolBarItemSpacing, None, self)
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_ToolBarItemMargin, None, self)
        frame = self.style().pixelMetric(QStyle.PixelMetric.PM_ToolBarFrameWidth, None, self)
        buttons = sum(widget.sizeHint().width() + spacing for widget in widgets if widget is not None)
        return buttons + 2 * (margin + frame)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Pick the widest style that fits the new width."""
        super().resizeEvent(event)
        width = event.size().width()
        style = next((s for s in STYLES if self.needed_width(s) <= width), Style.ToolButtonIconOnly)
        if style != self.toolButtonStyle():
            self.setToolButtonStyle(style)
