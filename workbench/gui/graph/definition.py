"""The side view of the graph panel: a state's definition as it stands in the flow file, with its line numbers, or the
line of a problem in a flow file (which may not have loaded)."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import (
    QFontDatabase,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from workbench.flow.model import Flow

PROMPT = "Click a state to see its definition."


class CodeView(QPlainTextEdit):
    """Read-only text with a gutter of line numbers that start at `first_line`.

    A subclass can draw marks in the gutter (`paint_line_mark`, with room from `gutter_width`) and act on
    clicks there (`gutter_clicked`): the debugger's breakpoints do.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first_line = 1
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._gutter = _Gutter(self)
        self.blockCountChanged.connect(self.refresh_gutter)
        self.updateRequest.connect(self._scroll_gutter)
        self.refresh_gutter()

    def show_lines(self, text: str, first_line: int) -> None:
        """Show `text`, numbering its first line `first_line`."""
        self.first_line = first_line
        self.setPlainText(text)
        self.refresh_gutter()

    def gutter_width(self) -> int:
        """The width the line numbers need."""
        digits = len(str(self.first_line + max(1, self.blockCount()) - 1))
        return 10 + self.fontMetrics().horizontalAdvance("9") * digits

    def refresh_gutter(self) -> None:
        """Fit the gutter to its width and repaint it (its marks or the line count changed)."""
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)
        self._gutter.update()

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the gutter along the left edge."""
        super().resizeEvent(event)
        area = self.contentsRect()
        self._gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        """Draw the line numbers of the visible lines."""
        painter = QPainter(self._gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible():
                line = self.first_line + block.blockNumber()
                self.paint_line_mark(painter, line, QRect(0, top, self._gutter.width(), height))
                box = QRect(0, top, self._gutter.width() - 5, height)
                painter.drawText(box, Qt.AlignmentFlag.AlignRight, str(line))
            top += round(self.blockBoundingRect(block).height())
            block = block.next()

    def paint_line_mark(self, painter: QPainter, line: int, box: QRect) -> None:
        """Draw a mark for `line` in its gutter `box` (under the number); nothing here."""

    def gutter_clicked(self, line: int) -> None:
        """The gutter was clicked beside `line`; nothing happens here."""

    def line_at(self, y: int) -> int:
        """The number of the line shown at height `y` of the text area."""
        return self.first_line + self.cursorForPosition(QPoint(0, y)).blockNumber()


class _Gutter(QWidget):
    def __init__(self, editor: CodeView) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_gutter(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._editor.gutter_clicked(self._editor.line_at(round(event.position().y())))


class DefinitionView(QWidget):
    """A title (the state, its kind and where it is defined) over the state's lines of the flow file; or a whole
    file with one line marked (where a problem is)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(PROMPT)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code = CodeView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.code)
        self._lines: list[str] | None = None
        self._flow: Flow | None = None
        self._state: str | None = None

    def show_state(self, flow: Flow, name: str) -> None:
        """Show the definition of state `name` of `flow`."""
        self._state = name
        self.code.setExtraSelections([])
        state = flow.states.get(name)
        if state is None:
            self.title.setText(f"<b>{name}</b>: a built-in state of the engine, not defined in the flow.")
            self.code.show_lines("", 1)
            return
        self.title.setText(f"<b>{name}</b> ({state.kind}) — {state.loc}")
        lines = self._file_lines(flow)
        if lines is None:
            self.code.show_lines("No flow file to show: this flow was loaded from text, or its file is gone.", 1)
            return
        first, last = state.loc.line, max(state.end_line, state.loc.line)
        self.code.show_lines("\n".join(lines[first - 1 : last]), first)

    def show_flow(self, flow: Flow | None) -> None:
        """A flow was opened or reloaded (None: it did not load): show its version of the state on view, if it
        has that state, else nothing, so that no other flow's text stays here."""
        name = self._state
        if flow is not None and name is not None and name in flow.states:
            self.show_state(flow, name)
        else:
            self.clear()

    def show_line(self, path: Path, line: int, column: int, caption: str) -> None:
        """Show the file at `path` (as it is now: it may not load) with `line` marked and the cursor at `column`,
        under `caption`."""
        self._state = None
        self.title.setText(html.escape(caption))
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            self.code.setExtraSelections([])
            self.code.show_lines(f"Cannot read {path}: {exc.strerror or exc}", 1)
            return
        self.code.show_lines(text, 1)
        block = self.code.document().findBlockByNumber(max(0, line - 1))
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.Right, n=max(0, min(column - 1, block.length() - 1)))
        self.code.setTextCursor(cursor)
        self.code.centerCursor()
        mark = QTextEdit.ExtraSelection()
        mark.cursor = QTextCursor(block)
        mark.format.setBackground(self.palette().color(QPalette.ColorRole.Highlight).lighter(160))
        mark.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        self.code.setExtraSelections([mark])

    def clear(self) -> None:
        """Show nothing but the prompt to click a state."""
        self._state = None
        self.title.setText(PROMPT)
        self.code.setExtraSelections([])
        self.code.show_lines("", 1)

    def _file_lines(self, flow: Flow) -> list[str] | None:
        # Read once per flow, not once per click.
        if flow is not self._flow:
            self._flow = flow
            try:
                self._lines = flow.path.read_text(encoding="utf-8").splitlines() if flow.path else None
            except OSError:
                self._lines = None
        return self._lines
