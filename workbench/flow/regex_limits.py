"""Regular expressions written by flow and test authors (`expect: /…/`, a convo file's `bot: /…/`), run with a
time bound.

A pattern such as `/^(a|aa)+$/` backtracks catastrophically: on a few dozen characters Python's `re` would block
the event loop for minutes. These patterns are compiled with the `regex` package in its `re`-compatible mode
(the same syntax) and every search stops after `TIMEOUT` seconds; a search that is stopped counts as no match,
and `PatternTimeout` says so in the author's terms.

Compiling is bounded too: the `regex` package writes a counted repeat out as that many copies (`a{4000000}` took
1.1 GB, `a{1000000000}` 16 GB), so a pattern is refused, with a `PatternError`, when a repeat count is above
`MAX_REPEAT` or its repeats, nested, would write out more than `MAX_WRITTEN_OUT` items (`(?:a{1000}){1000}`).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import regex

TIMEOUT = 0.1
"""Seconds one search may take (the `regex` package checks now and then, so a stop comes a little later)."""

MAX_REPEAT = 1000
"""The largest count a repeat (`{n}`, `{n,m}`, `{n,}`) may give."""

MAX_WRITTEN_OUT = 100_000
"""The most items (characters, sets) a pattern may stand for once its repeats are written out, when that is more
than the pattern's own length: about 40 MB and 30 ms to compile."""


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
    if "{" in pattern and (problem := size_problem(pattern)) is not None:
        raise PatternError(problem)
    import regex  # here, not at the top: a flow without patterns need not load it

    try:
        compiled = regex.compile(pattern, regex.V0 | (regex.IGNORECASE if ignore_case else 0))
    except regex.error as exc:
        raise PatternError(exc.msg, pattern, exc.pos) from None
    return BoundedPattern(f"/{pattern}/{'i' if ignore_case else ''}", compiled)


def size_problem(pattern: str) -> str | None:
    """Why `pattern` (one that `re` compiles) is too large to compile, in the author's terms, or None."""
    from re import _parser  # type: ignore[attr-defined]  # the standard library's own reader (as `re` compiles)

    try:
        written_out = _written_out(_parser.parse(pattern))
    except _TooLarge as exc:
        return str(exc)
    if written_out > max(MAX_WRITTEN_OUT, len(pattern)):
        return (
            f"its repeats, one inside another, make more than {MAX_WRITTEN_OUT:,} characters to match: "
            "the expression is too large"
        )
    return None


class _TooLarge(Exception):
    """A repeat count above `MAX_REPEAT`."""


def _written_out(items: Any) -> int:
    """How many items a parsed (sub)pattern stands for with each repeat written out as its least count of copies
    (what `regex` builds); raises `_TooLarge` for a repeat count above `MAX_REPEAT`."""
    from re import _constants as c  # type: ignore[attr-defined]

    repeats = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT))
    total = 0
    for op, value in items:
        if op in repeats:
            low, high, body = value
            if low > MAX_REPEAT or (high != c.MAXREPEAT and high > MAX_REPEAT):
                raise _TooLarge(f"a repeat of more than {MAX_REPEAT:,} is too large")
            total += max(low, 1) * _written_out(body)
        elif op is c.SUBPATTERN:
            total += _written_out(value[-1])
        elif op is c.BRANCH:
            total += sum(_written_out(branch) for branch in value[1])
        elif op in (c.ASSERT, c.ASSERT_NOT):
            total += _written_out(value[1])
        elif op is c.GROUPREF_EXISTS:
            total += sum(_written_out(branch) for branch in value[1:] if branch is not None)
        elif op is getattr(c, "ATOMIC_GROUP", None):
            total += _written_out(value)
        else:
            total += 1
    return total
