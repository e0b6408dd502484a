"""How chat items look: balloons painted from the palette, so light and dark themes both work."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen, QTextDocument
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

RADIUS = 10.0
TINT_SHARE = 0.18
"""How much of a note's tint colour is mixed into the palette's base colour."""

Role = QPalette.ColorRole


@dataclass(frozen=True, slots=True, eq=False)
class Tone:
    """The look of a balloon: the palette roles that fill it, outline it and colour its text."""

    background: Role | None
    text: Role = Role.Text
    border: Role | None = None
    tint: QColor | None = None
    dashed: bool = False


USER = Tone(Role.Highlight, Role.HighlightedText)
BOT = Tone(Role.Base, Role.Text, Role.Mid)
AGENT = Tone(Role.ToolTipBase, Role.ToolTipText, Role.Mid)
CARD = Tone(Role.Window, Role.WindowText, Role.Mid, dashed=True)
NOTICE = Tone(Role.AlternateBase, Role.Text, Role.Mid)
ERROR = Tone(Role.Base, Role.Text, tint=QColor(220, 53, 69))
WARNING = Tone(Role.Base, Role.Text, tint=QColor(230, 160, 0))
PLAIN = Tone(None, Role.WindowText)


def _mix(base: QColor, tint: QColor, share: float) -> QColor:
    return QColor(
        round(base.red() * (1 - share) + tint.red() * share),
        round(base.green() * (1 - share) + tint.green() * share),
        round(base.blue() * (1 - share) + tint.blue() * share),
    )


class Balloon(QFrame):
    """A rounded frame filled with its tone's palette colours; its `body` layout holds the content."""

    def __init__(self, tone: Tone, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tone = tone
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(10, 6, 10, 6)
        self.body.setSpacing(4)

    def add_label(self, text: str, *, rich: bool = False, small: bool = False) -> QLabel:
        """Add a word-wrapped, selectable label coloured for this balloon."""
        label = make_label(text, self.tone, rich=rich, small=small)
        self.body.addWidget(label)
        return label

    def paintEvent(self, event: QPaintEvent) -> None:
        """Fill and outline the rounded shape from the palette."""
        tone = self.tone
        if tone.background is None:
            return
        palette = self.palette()
        fill = palette.color(tone.background)
        if tone.tint is not None:
            fill = _mix(fill, tone.tint, TINT_SHARE)
            pen = QPen(tone.tint, 1.0)
        elif tone.border is not None:
            pen = QPen(palette.color(tone.border), 1.0, Qt.PenStyle.DashLine if tone.dashed else Qt.PenStyle.SolidLine)
        else:
            pen = QPen(Qt.PenStyle.NoPen)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), RADIUS, RADIUS)


class WrapLabel(QLabel):
    """A word-wrapping label that asks for the width of its longest line, so that a bubble is as wide as its
    text up to the bubble's limit (QLabel's own hint wraps even short paragraphs early)."""

    def sizeHint(self) -> QSize:
        """The natural (unwrapped) width, with the height the text takes at that width."""
        hint = super().sizeHint()
        if not self.wordWrap():
            return hint
        margins = self.contentsMargins()
        natural = self._text_width() + margins.left() + margins.right() + 2 * self.margin() + 1
        return hint if natural <= hint.width() else QSize(natural, self.heightForWidth(natural))

    def _text_width(self) -> int:
        if self.textFormat() == Qt.TextFormat.RichText:
            document = QTextDocument()
            document.setDefaultFont(self.font())
            document.setHtml(self.text())
            return math.ceil(document.idealWidth())
        metrics = self.fontMetrics()
        return max((metrics.horizontalAdvance(line) for line in self.text().splitlines()), default=0)


def make_label(text: str, tone: Tone = PLAIN, *, rich: bool = False, small: bool = False) -> QLabel:
    """A word-wrapped label in the tone's text colour; rich text opens its links in the system browser."""
    label = WrapLabel(text)
    label.setWordWrap(True)
    label.setForegroundRole(tone.text)
    if rich:
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setOpenExternalLinks(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    else:
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if small:
        shrink(label)
    return label


def shrink(widget: QWidget, factor: float = 0.85) -> None:
    """Make the widget's font smaller (captions, notes)."""
    font = QFont(widget.font())
    font.setPointSizeF(max(6.0, font.pointSizeF() * factor))
    widget.setFont(font)


def embolden(widget: QWidget) -> None:
    """Make the widget's font bold (titles)."""
    font = QFont(widget.font())
    font.setBold(True)
    widget.setFont(font)
