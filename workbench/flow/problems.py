"""Problems found in a flow file: errors and warnings with their position."""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from workbench.flow.model import Loc

Severity = Literal["error", "warning"]

_CONTROLS = {code: f"\\u{code:04x}" for code in (*range(0x20), *range(0x7F, 0xA0)) if chr(code) not in "\n\t"}


def shown(text: str) -> str:
    """`text` for a terminal: its control characters (a file's "\\e[2J", "\\r"…) written as `\\u001b`, as JSON
    writes them, so that none can move the cursor, clear the screen or change colours."""
    return text.translate(_CONTROLS)


@dataclass(frozen=True, slots=True)
class Problem:
    """One error or warning; prints as `file:line:column: error: message` (control characters `shown`)."""

    loc: Loc
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return shown(f"{self.loc}: {self.severity}: {self.message}")

    @property
    def is_error(self) -> bool:
        """Whether this problem stops the flow from loading."""
        return self.severity == "error"


class Reporter:
    """Collects the problems of one file; positions are given as line and column."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def error(self, line: int, column: int, message: str) -> None:
        """Record an error."""
        self.problems.append(Problem(Loc(self.file, line, column), message, "error"))

    def warning(self, line: int, column: int, message: str) -> None:
        """Record a warning."""
        self.problems.append(Problem(Loc(self.file, line, column), message, "warning"))

    def sorted(self) -> tuple[Problem, ...]:
        """All problems in file order (errors first where two share a position)."""
        return tuple(sorted(self.problems, key=lambda p: (p.loc.line, p.loc.column, p.severity)))


def did_you_mean(word: Any, choices: Collection[str], quote: str = "'") -> str:
    """`; did you mean 'x'?` naming the closest of `choices` (between `quote`s), or an empty string when none is
    close."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {quote}{close[0]}{quote}?" if close else ""
