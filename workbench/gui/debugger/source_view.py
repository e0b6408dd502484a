"""The debugger's code view: a code action's source with line numbers, JavaScript colours, breakpoint dots in the
gutter (a click there asks to toggle one) and the line the debugger is paused at marked."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRect, Qt, Signal
from PySide6.QtGui import QPainter, QPalette, QPolygonF, QTextCursor, QTextFormat
from PySide6.QtWidgets import QTextEdit, QWidget

from workbench.gui.debugger.highlighter import JavaScriptHighlighter
from workbench.gui.graph.definition import CodeView
from workbench.gui.graph.theme import ERROR_HUE, mix

MARK_ROOM = 16
"""Room in the gutter, left of the numbers, for a breakpoint dot or the current-line arrow."""
_LINE_SHARE = 0.35


class SourceView(CodeView):
    """Read-only JavaScript, numbered from 1; `breakpoint_clicked(line)` when the gutter is clicked."""

    breakpoint_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("debugger_source")
        self.highlighter = JavaScriptHighlighter(self.document(), self.palette())
        self.breakpoints: frozenset[int] = frozenset()
        self.current_line: int | None = None
        self._error = False

    def show_source(self, source: str) -> None:
        """Show `source` (a code action's body), with no line marked."""
        if source != self.toPlainText():
            self.show_lines(source, 1)
        self.set_current_line(None)

    def set_breakpoints(self, lines: frozenset[int]) -> None:
        """Draw dots beside `lines`."""
        self.breakpoints = lines
        self.refresh_gutter()

    def set_current_line(self, line: int | None, *, error: bool = False) -> None:
        """Mark `line` as where the debugger holds the code (in the error colour for an uncaught error) and
        scroll to it; None clears the mark."""
        self.current_line, self._error = line, error
        self._mark_line()
        if line is not None:
            self.reveal_line(line)
        self.refresh_gutter()

    def reveal_line(self, line: int) -> None:
        """Put the cursor on `line` and scroll it into the middle of the view."""
        block = self.document().findBlockByNumber(line - 1)
        if block.isValid():
            self.setTextCursor(QTextCursor(block))
            self.centerCursor()

    def _mark_line(self) -> None:
        selections: list[QTextEdit.ExtraSelection] = []
        if self.current_line is not None:
            block = self.document().findBlockByNumber(self.current_line - 1)
            palette = self.palette()
            base = palette.color(QPalette.ColorRole.Base)
            mark = ERROR_HUE if self._error else palette.color(QPalette.ColorRole.Highlight)
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(mix(base, mark, _LINE_SHARE))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(block)
            selections.append(selection)
        self.setExtraSelections(selections)

    # --- the gutter (CodeView's hooks) ---

    def gutter_width(self) -> int:
        """The numbers and room for the marks."""
        return super().gutter_width() + MARK_ROOM

    def paint_line_mark(self, painter: QPainter, line: int, box: QRect) -> None:
        """A dot for a breakpoint, an arrow for the current line."""
        palette = self.palette()
        size = min(box.height(), MARK_ROOM) - 4
        top = box.top() + (box.height() - size) / 2
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        if line in self.breakpoints:
            painter.setBrush(mix(ERROR_HUE, palette.color(QPalette.ColorRole.Text), 0.15))
            painter.drawEllipse(QPointF(2 + size / 2, top + size / 2), size / 2, size / 2)
        if line == self.current_line:
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            arrow = QPolygonF([QPointF(2, top + 2), QPointF(2 + size, top + size / 2), QPointF(2, top + size - 2)])
            painter.drawPolygon(arrow)
        painter.restore()

    def gutter_clicked(self, line: int) -> None:
        """Ask to toggle the breakpoint on `line`."""
        if 1 <= line <= self.blockCount() and self.toPlainText():
            self.breakpoint_clicked.emit(line)

    def changeEvent(self, event: QEvent) -> None:
        """Follow palette changes (the system switching between light and dark)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.highlighter.set_palette(self.palette())
            self._mark_line()
