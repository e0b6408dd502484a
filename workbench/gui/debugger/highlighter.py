"""JavaScript syntax colours for the debugger's code view: keywords, strings, template literals, numbers and
comments. Colours are hues mixed into the palette's text colour, so they read on light and dark backgrounds.

Block comments and template literals may span lines: a line's highlighting starts in the state the line before
it ended in (`previousBlockState`). `${…}` inside a template literal is coloured as part of the literal.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QPalette, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from workbench.gui.graph.theme import mix

KEYWORDS = frozenset(
    [
        "async",
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "let",
        "new",
        "null",
        "of",
        "return",
        "static",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "undefined",
        "var",
        "void",
        "while",
        "with",
        "yield",
    ]
)
NORMAL, IN_COMMENT, IN_TEMPLATE = -1, 1, 2

_TOKEN = re.compile(
    r"""(?P<comment>//.*)
      | (?P<block>/\*)
      | (?P<string>'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)
      | (?P<template>`)
      | (?P<number>\b(?:0[xXbBoO][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?)n?\b)
      | (?P<word>[A-Za-z_$][\w$]*)""",
    re.VERBOSE,
)
_TEMPLATE_END = re.compile(r"(?:[^`\\]|\\.)*`")
_COMMENT_END = re.compile(r"\*/")

_HUES = {"string": QColor(40, 150, 60), "number": QColor(200, 110, 20)}


class JavaScriptHighlighter(QSyntaxHighlighter):
    """Colours a `QTextDocument` holding JavaScript; `set_palette` follows a palette change."""

    def __init__(self, document: QTextDocument, palette: QPalette) -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        self.set_palette(palette)

    def set_palette(self, palette: QPalette) -> None:
        """Derive the colours from `palette` and colour the document again."""
        text = palette.color(QPalette.ColorRole.Text)
        keyword = QTextCharFormat()
        keyword.setForeground(palette.color(QPalette.ColorRole.Link))
        keyword.setFontWeight(QFont.Weight.Bold)
        comment = QTextCharFormat()
        comment.setForeground(palette.color(QPalette.ColorRole.PlaceholderText))
        comment.setFontItalic(True)
        self.formats = {"keyword": keyword, "comment": comment}
        for name, hue in _HUES.items():
            self.formats[name] = QTextCharFormat()
            self.formats[name].setForeground(mix(text, hue, 0.7))
        self.formats["template"] = self.formats["string"]
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        """Colour one line, carrying an open block comment or template literal over to the next."""
        position = 0
        state = self.previousBlockState()
        if state in (IN_COMMENT, IN_TEMPLATE):
            position = self._close(text, 0, 0, state)
        while position >= 0 and (match := _TOKEN.search(text, position)) is not None:
            kind = match.lastgroup or ""
            start, position = match.start(), match.end()
            if kind == "block":
                position = self._close(text, start, position, IN_COMMENT)
            elif kind == "template":
                position = self._close(text, start, position, IN_TEMPLATE)
            elif kind != "word" or match.group() in KEYWORDS:
                self.setFormat(start, position - start, self.formats["keyword" if kind == "word" else kind])
        if position >= 0:
            self.setCurrentBlockState(NORMAL)

    def _close(self, text: str, start: int, body: int, state: int) -> int:
        """Colour the comment or literal that opened at `start` (its body from `body`) up to where it closes;
        -1 when it runs on past the line."""
        ending = _COMMENT_END.search(text, body) if state == IN_COMMENT else _TEMPLATE_END.match(text, body)
        end = ending.end() if ending is not None else len(text)
        self.setFormat(start, end - start, self.formats["comment" if state == IN_COMMENT else "template"])
        if ending is None:
            self.setCurrentBlockState(state)
            return -1
        return end
