"""Which tests to run: `-k` name expressions and `--tags` expressions, in pytest's `-k`/`-m` syntax.

An expression is words combined with `and`, `or`, `not` and parentheses. For `-k` a word matches when it occurs
in the test's name or file name (case-insensitive); for `--tags` when the test has that tag. A comma-separated
list of words means any of them: `--tags smoke,slow` is `smoke or slow`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from workbench.testing.convo_format import ConvoTest

_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")
Word = Callable[[str], bool]


class ExpressionError(ValueError):
    """An expression that cannot be read."""


class _Parser:
    """Recursive descent over `or` / `and` / `not` / words, evaluated as it goes."""

    def __init__(self, text: str, word: Word) -> None:
        self.tokens = _TOKEN.findall(text.replace(",", " or "))
        self.word = word
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self) -> str:
        token = self.peek()
        if token is None:
            raise ExpressionError("the expression ends too early")
        self.pos += 1
        return token

    def parse(self) -> bool:
        value = self.any()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected '{self.peek()}'")
        return value

    def any(self) -> bool:
        value = self.all()
        while self.peek() == "or":
            self.next()
            value = self.all() or value
        return value

    def all(self) -> bool:
        value = self.one()
        while self.peek() == "and":
            self.next()
            value = self.one() and value
        return value

    def one(self) -> bool:
        token = self.next()
        if token == "not":
            return not self.one()
        if token == "(":
            value = self.any()
            if self.next() != ")":
                raise ExpressionError("a '(' is not closed")
            return value
        if token in ("and", "or", ")"):
            raise ExpressionError(f"unexpected '{token}'")
        return self.word(token)


def evaluate(expression: str, word: Word) -> bool:
    """The truth of `expression` when each word is `word(w)`; raises `ExpressionError` when unreadable."""
    return _Parser(expression, word).parse()


def check(expression: str) -> None:
    """Raise `ExpressionError` when `expression` cannot be read."""
    evaluate(expression, lambda _word: True)


@dataclass(frozen=True, slots=True)
class Selection:
    """A `-k` name expression and a `--tags` expression; either may be empty (everything)."""

    keyword: str = ""
    tags: str = ""

    def __call__(self, test: ConvoTest) -> bool:
        """Whether `test` is selected."""
        if self.keyword:
            haystack = f"{test.file}::{test.name}".casefold()
            if not evaluate(self.keyword, lambda w: w.casefold() in haystack):
                return False
        return not self.tags or evaluate(self.tags, lambda w: w in test.tags)
