"""What a convo turn expects, and how it is checked against what the engine did.

Text matching (`TextMatch`): exact with white space folded (runs of spaces, tabs and new lines count as one
space; leading and trailing ones are ignored), a `/regular expression/` searched in the folded text, or
`contains`. Value matching (`subset_mismatches`): a subset match in which mappings need only the expected keys,
`null` for a key means "absent (or null)", lists match item by item and must have the same length, and a
string written as `/regex/` matches any value whose text the expression finds. Every regular expression runs with
a time bound (`workbench.flow.regex_limits`): a search that takes too long fails the turn and says so.

Every check returns a list of mismatches (plain sentences); an empty list means the turn passed.

The module's dataclasses are never changed once made. They are not `frozen` only because a frozen dataclass takes four
times as long to make (a file makes two per `bot` turn); they compare and hash as frozen ones do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from workbench.engine import events as ev
from workbench.flow.build import value_kind
from workbench.flow.regex_limits import BoundedPattern, PatternTimeout, compile_pattern

MatchMode = Literal["exact", "regex", "contains", "template", "key"]


def fold(text: str) -> str:
    """`text` with every run of white space turned into one space, trimmed."""
    return " ".join(text.split())


def is_regex(text: str) -> bool:
    """Whether a convo string is written as a `/regular expression/`."""
    return len(text) >= 2 and text.startswith("/") and text.endswith("/")


def show(value: Any) -> str:
    """A value as a convo file would write it: strings quoted, everything else as compact JSON."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):  # a value that holds itself
        return "a value that cannot be written as JSON"


@dataclass(slots=True, unsafe_hash=True)
class TextMatch:
    """One expectation about a text: `exact` (white space folded), `regex` (searched) or `contains`.

    Two more come from the flow's texts (`workbench.testing.localize`): `key`, a translation key as the test names
    it (looked up in the flow before the test runs), and `template`, a flow text whose `{variables}` stand for any
    value (`pattern` is the text, `regex` the pattern made of it). `note` says where a text from the flow comes
    from, for reports: `the Dutch (nl) text of `ask_date.ask[0]``.
    """

    mode: MatchMode
    pattern: str
    regex: BoundedPattern | None = None
    note: str = ""

    @classmethod
    def parse(cls, text: str, mode: MatchMode | None = None) -> TextMatch:
        """`/…/` is a regular expression, anything else `mode` (exact by default); raises `re.error` for a bad
        expression."""
        if is_regex(text):
            return cls("regex", text, compile_pattern(text[1:-1]))
        return cls(mode or "exact", fold(text))

    def test(self, text: str) -> bool:
        """Whether `text` satisfies this expectation (a pattern that takes too long does not)."""
        return self.mismatch(text, "text") is None

    def mismatch(self, text: str, what: str) -> str | None:
        """Why `text` (the message's `what`, e.g. its text) does not satisfy this expectation; None when it does."""
        folded = fold(text)
        if self.mode == "key":
            return f"{what}: the translation key `{self.pattern}` was not looked up in the flow"
        if self.regex is not None:
            try:
                ok = self.regex.search(folded) is not None
            except PatternTimeout as exc:
                return f"{what}: {exc}"
        elif self.mode == "contains":
            ok = self.pattern in folded
        else:
            ok = folded == self.pattern
        return None if ok else f"{what} is {show(text)}, expected {self.describe()}"

    def describe(self) -> str:
        """The expectation for a failure report."""
        if self.mode == "regex":
            shown = f"text matching {self.pattern}"
        elif self.mode == "contains":
            shown = f"text containing {show(self.pattern)}"
        elif self.mode == "template":
            shown = f"text like {self.pattern}"
        elif self.mode == "key":
            shown = f"the text of `{self.pattern}`"
        else:
            shown = show(self.pattern)
        return f"{shown} ({self.note})" if self.note else shown


@dataclass(slots=True, unsafe_hash=True)
class BotExpectation:
    """What one bot message must look like; every given part must hold, and no part of `negated` may."""

    texts: tuple[TextMatch, ...] = ()
    type: str | None = None
    buttons: tuple[str, ...] | None = None
    quick_replies: tuple[str, ...] | None = None
    cards: tuple[Any, ...] = ()
    media: Any = None
    html: TextMatch | None = None
    negated: tuple[BotExpectation, ...] = ()

    def mismatches(self, message: ev.BotMessage) -> list[str]:
        """Why `message` does not meet the expectation (empty when it does)."""
        problems: list[str] = []
        for match in self.texts:
            if (problem := match.mismatch(message.text, "text")) is not None:
                problems.append(problem)
        if self.type is not None and message.type != self.type:
            problems.append(f"message type is {message.type}, expected {self.type}")
        if self.buttons is not None or self.quick_replies is not None:  # most expectations name neither
            for name, wanted, got in (
                ("buttons", self.buttons, message.buttons),
                ("quick replies", self.quick_replies, message.quick_replies),
            ):
                if wanted is None:
                    continue
                titles = tuple(fold(c.title) for c in got)
                if titles != tuple(fold(t) for t in wanted):
                    problems.append(f"{name} are {show(list(titles))}, expected {show(list(wanted))}")
        if self.cards:
            cards = [card_dict(c) for c in message.cards]
            for card in self.cards:
                if not any(not subset_mismatches(card, actual) for actual in cards):
                    problems.append(f"no card matches {show(card)}; the cards are {show(cards)}")
        if self.media is not None:
            problems += [f"media: {p}" for p in subset_mismatches(self.media, message.media)]
        if self.html is not None and (problem := self.html.mismatch(message.html or "", "html")) is not None:
            problems.append(problem)
        for negation in self.negated:
            if not negation.mismatches(message):
                problems.append(f"the message matches {negation.describe()}, which it must not")
        return problems

    def describe(self) -> str:
        """The expectation for a failure report."""
        parts = [m.describe() for m in self.texts]
        if self.type is not None:
            parts.append(f"a {self.type} message")
        if self.buttons is not None:
            parts.append(f"buttons {show(list(self.buttons))}")
        if self.quick_replies is not None:
            parts.append(f"quick replies {show(list(self.quick_replies))}")
        parts += [f"a card like {show(c)}" for c in self.cards]
        if self.media is not None:
            parts.append(f"media like {show(self.media)}")
        if self.html is not None:
            parts.append(f"html {self.html.describe()}")
        parts += [f"not ({n.describe()})" for n in self.negated]
        return ", ".join(parts) or "any message"

    @property
    def exact_text(self) -> str | None:
        """The exact text expected, when there is one (the report diffs it against the actual text)."""
        return next((m.pattern for m in self.texts if m.mode == "exact"), None)


@dataclass(slots=True, unsafe_hash=True)
class ErrorExpectation:
    """An engine or action error: by kind (`api`, `code`, `flow`, `loop`…) and/or by its message."""

    kind: str | None = None
    message: TextMatch | None = None
    either: bool = False

    def matches(self, kind: str, message: str) -> bool:
        """Whether an error of `kind` with `message` is the one expected.

        With `either` (a bare string in the convo file) it is enough that the kind is the string or the
        message contains it (or matches it, for a `/regex/`).
        """
        kind_ok = self.kind is None or kind == self.kind
        message_ok = self.message is None or self.message.test(message)
        return (kind_ok or message_ok) if self.either else (kind_ok and message_ok)

    def describe(self) -> str:
        """The expectation for a failure report."""
        parts = []
        if self.kind is not None:
            parts.append(f"kind {self.kind}")
        if self.message is not None:
            parts.append(f"message {self.message.describe()}")
        return (" or " if self.either else " and ").join(parts) or "any error"


def card_dict(card: ev.CardOut) -> dict[str, Any]:
    """A rendered card as the convo format writes one: title, subtitle, image and button titles."""
    data: dict[str, Any] = {"title": card.title}
    if card.subtitle:
        data["subtitle"] = card.subtitle
    if card.image:
        data["image"] = card.image
    if card.buttons:
        data["buttons"] = [b.title for b in card.buttons]
    return data


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return bool(expected == actual)


def subset_mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where `actual` differs from the subset `expected` (see the module docstring), as `path: why` lines."""
    where = f"{path}: " if path else ""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{where}expected a mapping, got {show(actual)}"]
        problems: list[str] = []
        for key, value in expected.items():
            child = f"{path}.{key}" if path else str(key)
            if value is None:
                if actual.get(key) is not None:
                    problems.append(f"{child}: expected no value, got {show(actual[key])}")
            elif key not in actual:
                problems.append(f"{child}: expected {show(value)}, but it is not set")
            else:
                problems += subset_mismatches(value, actual[key], child)
        return problems
    if isinstance(expected, list | tuple):
        if not isinstance(actual, list | tuple):
            return [f"{where}expected a list, got {show(actual)}"]
        if len(expected) != len(actual):
            return [f"{where}expected {len(expected)} items, got {len(actual)}: {show(actual)}"]
        return [
            p
            for index, (want, got) in enumerate(zip(expected, actual, strict=True))
            for p in subset_mismatches(want, got, f"{path}[{index}]")
        ]
    if isinstance(expected, str) and is_regex(expected):
        text = actual if isinstance(actual, str) else show(actual)
        try:
            found = actual is not None and compile_pattern(expected[1:-1]).search(text) is not None
        except PatternTimeout as exc:
            return [f"{where}{exc}"]
        return [] if found else [f"{where}expected a value matching {expected}, got {show(actual)}"]
    if _same(expected, actual):
        return []
    detail = (
        ""
        if value_kind(expected, yaml=True) == value_kind(actual, yaml=True)
        else (f" ({value_kind(actual, yaml=True)}, not {value_kind(expected, yaml=True)})")
    )
    return [f"{where}expected {show(expected)}, got {show(actual)}{detail}"]


def context_mismatches(expected: Mapping[str, int | None], active: Mapping[str, int]) -> list[str]:
    """Where the active contexts (name → remaining lifespan) differ from the subset `expected`, in which a
    lifespan of `null` means "not active"."""
    problems: list[str] = []
    for name, lifespan in expected.items():
        actual = active.get(name)
        if lifespan is None and actual is not None:
            problems.append(f"context '{name}' is active (lifespan {actual}), expected it not to be")
        elif lifespan is not None and actual is None:
            problems.append(f"context '{name}' is not active, expected lifespan {lifespan}")
        elif lifespan != actual:
            problems.append(f"context '{name}' has lifespan {actual}, expected {lifespan}")
    return problems
