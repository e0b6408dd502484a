"""The detail of one result: the turns with how each went, and for a failure, expected and actual with a diff."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QPalette, QResizeEvent, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.gui.graph.theme import mix
from workbench.gui.test_explorer.model import status_icon
from workbench.gui.test_explorer.replay import failing_turn
from workbench.testing.convo_format import ConvoTest
from workbench.testing.runner import ConvoResult

_REMOVED = QColor(220, 53, 69)
_ADDED = QColor(40, 167, 69)
_TINT = 0.3
NOT_RUN = "not run"
REPORT_SHARE = 2 / 3
"""The most of the detail's height the failure report takes; the turns keep the rest."""


class DiffHighlighter(QSyntaxHighlighter):
    """Tints the diff section of a failure report (`- expected`, `+ actual`) over the palette's base colour."""

    DIFF_HEADER = "  diff "
    _IN_DIFF = 1

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor.document())
        self._editor = editor

    def highlightBlock(self, text: str) -> None:
        """Tint a removed or added line of the diff section."""
        continues = self.previousBlockState() == self._IN_DIFF and text.startswith("    ")
        in_diff = continues or text.startswith(self.DIFF_HEADER)
        self.setCurrentBlockState(self._IN_DIFF if in_diff else 0)
        tint = {"- ": _REMOVED, "+ ": _ADDED}.get(text[4:6]) if continues else None
        if tint is not None:
            fmt = QTextCharFormat()
            fmt.setBackground(mix(self._editor.palette().color(QPalette.ColorRole.Base), tint, _TINT))
            self.setFormat(0, len(text), fmt)


def turn_outcomes(test: ConvoTest, result: ConvoResult) -> list[str]:
    """How each turn went: passed up to the failing turn, failed there, not run after it."""
    failed_at = failing_turn(test, result)
    if result.passed or failed_at is None:
        outcome = "passed" if result.passed else NOT_RUN
        return [outcome] * len(test.turns)
    return ["passed"] * failed_at + ["failed"] + [NOT_RUN] * (len(test.turns) - failed_at - 1)


class ResultDetail(QWidget):
    """Shows the selected conversation's (or unloadable file's) last result; `open_in_chat(test, result)` asks the
    window to replay the conversation up to its failing turn."""

    open_in_chat = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._test: ConvoTest | None = None
        self._result: ConvoResult | None = None
        self.title = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("Open in chat")
        self.open_button.setObjectName("open_in_chat")
        self.open_button.setToolTip("Replay this conversation in the chat up to the failing turn, then go on by hand")
        self.open_button.clicked.connect(self._open)
        self.turns = QTreeWidget()
        self.turns.setObjectName("result_turns")
        self.turns.setHeaderLabels(["Line", "Turn"])
        self.turns.setRootIsDecorated(False)
        self.report = QPlainTextEdit(readOnly=True)
        self.report.setObjectName("failure_report")
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.highlighter = DiffHighlighter(self.report)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.open_button)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(self.turns)
        self.split.addWidget(self.report)
        self.split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.split, 1)
        self.show_result(None, None)

    def show_result(self, test: ConvoTest | None, result: ConvoResult | None) -> None:
        """Show `result` of `test` (either may be None: a file row, or a test not run yet)."""
        self._test, self._result = test, result
        self.open_button.setEnabled(test is not None)
        self.turns.clear()
        if test is not None:  # a language's result is named with its language
            name = result.name if result is not None else test.name
        else:
            name = result.file if result is not None else "Select a conversation"
        status = f" — {result.status} in {result.duration * 1000:.0f} ms" if result is not None else ""
        self.title.setText(name + status)
        outcomes = turn_outcomes(test, result) if test is not None and result is not None else []
        for index, turn in enumerate(test.turns if test is not None else ()):
            outcome = outcomes[index] if outcomes else NOT_RUN
            item = QTreeWidgetItem([str(turn.loc.line), turn.text])
            item.setIcon(0, status_icon(outcome if outcome != NOT_RUN else None))
            item.setToolTip(1, f"{turn.loc}: {outcome}")
            self.turns.addTopLevelItem(item)
            if outcome == "failed":
                self.turns.setCurrentItem(item)
        failure = result.failure if result is not None else None
        self.report.setPlainText(failure.report() if failure is not None else "")
        self._fit_report()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the report again: at another width its lines wrap differently."""
        super().resizeEvent(event)
        self._fit_report()

    def _fit_report(self) -> None:
        """Show the failure report (none: the turns take all the room) as tall as its wrapped lines need, up to
        REPORT_SHARE of the height."""
        report = self.report
        report.setVisible(bool(report.toPlainText()))
        total = sum(self.split.sizes())
        if report.isHidden() or total <= 0:
            return
        text = 0.0
        block = report.document().firstBlock()
        while block.isValid():  # a block's rectangle is as tall as its lines wrap at the report's width
            text += report.blockBoundingRect(block).height()
            block = block.next()
        margins = report.contentsMargins()
        chrome = margins.top() + margins.bottom() + 2 * report.document().documentMargin()
        height = min(round(text + chrome), round(total * REPORT_SHARE))
        self.split.setSizes([total - height, height])

    def _open(self) -> None:
        if self._test is not None:
            self.open_in_chat.emit(self._test, self._result)
