"""Regular expressions written by flow and test authors (`expect: /…/`, a convo file's `bot: /…/`), run with a
time bound.

A pattern such as `/^(a|aa)+$/` backtracks catastrophically: on a few dozen characters Python's `re` would block
the event loop for minutes. These patterns are compiled with the `regex` package in its `re`-compatible mode
(the same syntax) and every search stops after `TIMEOUT` seconds; a search that is stopped counts as no match,
and `PatternTimeout` says so in the author's terms.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import regex

TIMEOUT = 0.1
"""Seconds one search may take (the `regex` package checks now and then, so a stop comes a little later)."""


class PatternError(re.error):
    """A pattern that does not compile (a `re.error`, so callers that catch those keep working)."""


class PatternTimeout(Exception):
    """A search that took longer than `TIMEOUT` seconds; its message says the input counts as no match."""

    def __init__(self, shown: str) -> None:
        super().__init__(f"the pattern {shown} took longer than {TIMEOUT:g} s on this input: treated as no match")


@dataclass(frozen=True, slots=True)
class BoundedPattern:
    """A compiled author's pattern; `shown` is how the author wrote it (`/^(a+)+$/`)."""

    shown: str
    compiled: regex.Pattern[str]

    def search(self, text: str) -> regex.Match[str] | None:
        """The first match in `text`, or None; raises `PatternTimeout` when the search takes too long."""
        try:
            return self.compiled.search(text, timeout=TIMEOUT)
        except TimeoutError:
            raise PatternTimeout(self.shown) from None


@lru_cache(maxsize=512)
def compile_pattern(pattern: str, *, ignore_case: bool = False) -> BoundedPattern:
    """`pattern` (without its slashes) compiled with a time bound; raises `PatternError` when it does not compile."""
    # Python's syntax is the one authors know and the one its messages describe: check with `re` first.
    try:
        # `re` warns of syntax it may read differently one day (`[[`, a nested set): not the author's concern here,
        # and a warning would reach the user as Python's own text.
        with warnings.catch_warnings(action="ignore", category=FutureWarning):
            re.compile(pattern)
    except re.error as exc:
        raise PatternError(exc.msg, pattern, exc.pos) from None
    import regex  # here, not at the top: a flow without patterns need not load it

    try:
        compiled = regex.compile(pattern, regex.V0 | (regex.IGNORECASE if ignore_case else 0))
    except regex.error as exc:
        raise PatternError(exc.msg, pattern, exc.pos) from None
    return BoundedPattern(f"/{pattern}/{'i' if ignore_case else ''}", compiled)
