"""Numbers and ordinals, in digits or in English words (`42`, `3,5`, `1 000`, `eighty eight`, `5th`, `fifth`)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

_PLAIN_NUMBER_RE = re.compile(r"[-+]?(?:\d+(?:[.,]\d+)?|[.,]\d+)")
_GROUPED_NUMBER_RE = re.compile(r"[-+]?\d{1,3}(?:([ ,'\u00a0\u202f])\d{3})(?:\1\d{3})*(?:\.\d+)?")
_GROUP_SEPARATORS = re.compile(r"[ ,'\u00a0\u202f]")
# Not a piece of 25.12.2026, and not the digits of an ordinal (5th).
NUMBER_RE = re.compile(r"(?<![\w.,])(?>[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:[.,]\d+)?)(?![.,]\d|st\b|nd\b|rd\b|th\b)")
ORDINAL_RE = re.compile(r"(?<![\w.,])(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
"""What follows the digits of an ordinal: a run of letters of its own in a text `ORDINAL_RE` finds one in."""
# Every word text_to_num reads as (a part of) an English number (text2num's src/lang/en: "point", "and" and the
# like only go on a number that one of these starts). It reads the runs of letters of a text (split at `-` too),
# lower-cased, with any number of `s` dropped at their end ("ones", "thousands", "os").
_NUMBER_WORDS = (
    "zero", "o", "nought", "one", "first", "oneth", "two", "second", "three", "third", "four", "fourth", "five",
    "fifth", "six", "sixth", "seven", "seventh", "eight", "eighth", "nine", "ninth", "ten", "tenth", "eleven",
    "eleventh", "twelve", "twelfth", "thirteen", "thirteenth", "fourteen", "fourteenth", "fifteen", "fifteenth",
    "sixteen", "sixteenth", "seventeen", "seventeenth", "eighteen", "eighteenth", "nineteen", "nineteenth",
    "twenty", "twentieth", "thirty", "thirtieth", "fourty", "forty", "fortieth", "fourtieth", "fifty", "fiftieth",
    "sixty", "sixteeth", "seventy", "seventieth", "eighty", "eightieth", "ninety", "ninetieth", "hundred",
    "hundredth", "thousand", "thousandth", "million", "millionth", "billion", "billionth",
)  # fmt: skip
_NUMBER_WORD_FORMS = frozenset(word + ending for word in _NUMBER_WORDS for ending in ("", "s", "ss"))


def js_number(value: float) -> int | float | None:
    """`value` as the session holds a number read from a text: int when integral, None when it is beyond what a
    JavaScript number holds (about 1.8e308: more than 309 digits), so such digits are no number at all."""
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() else value


@lru_cache(maxsize=64)
def words_to_digits(text: str) -> str:
    """`text` with every number written in English words turned into digits: `eighty eight` → `88`,
    `twenty two April` → `22 April`, `the fifth` → `the 5th`; small numbers too (`one` → `1`).

    The system entities read one text for numbers, ordinals and measures: the last few answers are kept so that
    the text is read once."""
    if not any(map(str.isalpha, text)):
        return text
    return _alpha2digit()(text, "en", threshold=0)


def has_number_words(lower: str, runs: Iterable[str]) -> bool:
    """Whether `words_to_digits` may change the lower-case ASCII text `lower` whose runs of letters (`[a-z]+`) are
    `runs`: only a text with a number word does (a run ending in three `s` or more is taken to be one)."""
    return not _NUMBER_WORD_FORMS.isdisjoint(runs) or "sss" in lower


@cache
def _alpha2digit() -> Callable[..., str]:
    """text_to_num's compiled parser, imported when a text first has words to read (an import statement in
    `words_to_digits` would run the import machinery for every text)."""
    from text_to_num import alpha2digit

    return alpha2digit


def parse_number(text: str) -> int | float | None:
    """The number that the whole of `text` is, or None.

    Accepts `42`, `-2`, `3.5`, `3,5` (a decimal comma), groups of three digits separated by spaces, commas or
    apostrophes (`1 000`, `1,000,000`) and numbers in words (`two`, `eighty eight`, `two hundred`). Integral
    values come back as int; one too large for JavaScript is None (see `js_number`).
    """
    text = text.strip()
    if any(map(str.isalpha, text)):
        text = words_to_digits(text.lower()).strip()
    if _GROUPED_NUMBER_RE.fullmatch(text):
        text = _GROUP_SEPARATORS.sub("", text)
    elif not _PLAIN_NUMBER_RE.fullmatch(text):
        return None
    return js_number(float(text.replace(",", ".")))


def find_number(text: str) -> int | float | None:
    """The first number written in `text`, in digits or in words, or None. Ordinals (`5th`) are not numbers."""
    return first_number(words_to_digits(text))


def first_number(digits: str) -> int | float | None:
    """`find_number` of a text whose numbers are written in digits already (`words_to_digits` has read it)."""
    m = NUMBER_RE.search(digits)
    if m is None:
        return None
    found = m.group()
    if found.isdecimal():  # most numbers: digits alone, read as `parse_number` reads them without its checks
        return js_number(float(found))
    return parse_number(found)


def find_ordinal(text: str) -> int | None:
    """The first ordinal in `text` (`5th`, `fifth`, `twenty first`) as its number, or None."""
    return first_ordinal(words_to_digits(text))


def first_ordinal(digits: str) -> int | None:
    """`find_ordinal` of a text whose numbers are written in digits already (`words_to_digits` has read it); an
    ordinal too large for JavaScript is none."""
    m = ORDINAL_RE.search(digits)
    if m is None or js_number(float(m[1])) is None:
        return None
    return int(m[1])
