"""Validation of the answer to an `ask` state against its `expect`.

`expect` is one of `EXPECT_KINDS`, the name of one of the flow's entities, or a regular expression written
`/pattern/` (or `/pattern/i` to ignore case). `validate` says whether the answer fits and what to store:

- `any`, `text`: any non-empty answer, stripped.
- `number`: the answer as a number (`42`, `-2`, `3.5`, `3,5`, `1 000`, `eighty eight`, `two hundred`), or else
  the first number in it (`3 tickets please`); int when integral.
- `email`, `phone_number`, `url`: the answer, or the first such thing in it; a phone number has 7 to 16 digits
  and is stored as Chatlayer stores it (`+32 487 23 02 03` → `(+32) 487230203`), a web address as typed.
- `date`: every format of Chatlayer's input-validation page, relative to `today` (`tomorrow`, `tmr`,
  `next week Friday`, `past Monday`, `within 5 days`, `twenty two April 2018`, `22 april 18`), also inside a
  sentence; future dates preferred, day before month; stored as `DD-MM-YYYY`. Bare digits are refused.
- `time` (Chatlayer's "Hours"): a time of day (`3 pm`, `15:30`), stored as `HH:MM`.
- `language`: a language Chatlayer's NLP supports, by the words its page lists (`Dutch`, `nl`, `vlaams`),
  stored as its code (`nl-nl`).

`today` is the matcher's clock's date unless given, so a test that fixes the clock fixes the dates.
- `yes_no`: `"yes"` or `"no"`, from the first yes-like or no-like word of the answer.
- an entity name: the entity's canonical value when the answer (or a word in it) is a value or synonym.
- `/pattern/`: the stripped answer when the pattern is found in it (the whole answer, not a group). The search
  has a time bound (`workbench.flow.regex_limits`): one that takes too long is no match, with a `warning`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from workbench.engine import nlu
from workbench.engine.entities import contact, dates, numbers
from workbench.engine.entities.languages import parse_language
from workbench.engine.nlu import NluMatcher
from workbench.flow.regex_limits import BoundedPattern, PatternTimeout, compile_pattern

EXPECT_KINDS: tuple[str, ...] = (
    "any",
    "text",
    "number",
    "email",
    "phone_number",
    "url",
    "date",
    "time",
    "language",
    "yes_no",
)

YES_WORDS: frozenset[str] = frozenset(
    {
        "yes",
        "y",
        "yeah",
        "yep",
        "yup",
        "yea",
        "sure",
        "ok",
        "okay",
        "correct",
        "true",
        "absolutely",
        "definitely",
    }
)
NO_WORDS: frozenset[str] = frozenset({"no", "n", "nope", "nah", "false", "not", "never"})

_REGEX_EXPECT = re.compile(r"/(?P<pattern>.+)/(?P<flags>i?)", re.DOTALL)


@dataclass(slots=True, unsafe_hash=True)
class Validation:
    """Whether an answer fits what was expected, and the value to store in the session when it does; `warning`
    says why an answer was refused that the flow's pattern could not check in time. Never changed once made
    (not frozen: one is made per answer, and a frozen dataclass takes twice as long)."""

    ok: bool
    value: Any = None
    warning: str = ""


_REJECTED = Validation(False)


def is_known_expect(expect: str, entity_names: Collection[str]) -> bool:
    """Whether `expect` is a built-in kind, one of `entity_names`, or a regular expression that compiles."""
    if expect in EXPECT_KINDS or expect in entity_names:
        return True
    try:
        return _regex(expect) is not None
    except re.error:
        return False


def validate(expect: str, text: str, matcher: NluMatcher | None = None, today: dt.date | None = None) -> Validation:
    """Check the answer `text` against `expect`.

    Raises ValueError for an `expect` that is none of the kinds, not an entity of `matcher`, or a regular
    expression that does not compile.
    """
    answer = text.strip()
    check = _CHECKS.get(expect)
    if check is not None:
        value = check(answer)
    elif expect == "date":
        value = dates.parse_date(answer, _now(matcher, today).date())
    elif expect == "time":
        value = dates.parse_hours(answer, _now(matcher, today))
    elif matcher is not None and expect in matcher.entity_names:
        value = matcher.entity_value(expect, answer)
    else:
        return _validate_regex(expect, answer)
    return Validation(True, value) if value is not None else _REJECTED


def _now(matcher: NluMatcher | None, today: dt.date | None) -> dt.datetime:
    """The moment relative dates and times are read from: midnight of `today`, else the matcher's clock."""
    if today:
        return dt.datetime.combine(today, dt.time())
    return (matcher.clock if matcher else dt.datetime.now)()


def _validate_regex(expect: str, answer: str) -> Validation:
    try:
        pattern = _regex(expect)
    except re.error as exc:
        raise ValueError(f"bad regular expression in expect '{expect}': {exc}") from exc
    if pattern is None:
        raise ValueError(f"unknown expect '{expect}'")
    try:
        found = pattern.search(answer)
    except PatternTimeout as exc:
        return Validation(False, warning=str(exc))
    return Validation(True, answer) if found else _REJECTED


def _regex(expect: str) -> BoundedPattern | None:
    """The compiled `/pattern/` or `/pattern/i`; None when `expect` is not written that way."""
    m = _REGEX_EXPECT.fullmatch(expect)
    if m is None:
        return None
    return compile_pattern(m["pattern"], ignore_case=bool(m["flags"]))


def _text(answer: str) -> str | None:
    return answer or None


def _number(answer: str) -> int | float | None:
    value = numbers.parse_number(answer)
    return value if value is not None else numbers.find_number(answer)


def parse_yes_no(answer: str) -> str | None:
    """`"yes"` or `"no"` from the first yes-like or no-like word of `answer`, or None."""
    for word in nlu.normalise(answer).split():
        if word in YES_WORDS:
            return "yes"
        if word in NO_WORDS:
            return "no"
    return None


def warm_up_dates() -> None:
    """Load the date parser now (about 150 ms on first use), in a thread at start-up rather than on the event
    loop in the middle of a conversation."""
    dates.warm_up()


_CHECKS: dict[str, Callable[[str], Any]] = {
    "any": _text,
    "text": _text,
    "number": _number,
    "email": contact.find_email,
    "phone_number": contact.find_phone_number,
    "url": contact.find_url,
    "language": parse_language,
    "yes_no": parse_yes_no,
}
