"""Dates and times in a user's words, relative to a reference moment (`tomorrow`, `next week Friday`,
`22 april 18`, `twenty two April 2018`, `3 pm tomorrow`), for `expect: date` and the `sys.time` entity.

dateparser reads most of what Chatlayer's input-validation page lists; the rest is rewritten first (`tmr`,
`past`, `within`, two-digit years, numbers in words) or computed here (`next week Friday`, `next/last Monday`).
dateparser takes up to a second on a few hundred characters of digits, so only the first `MAX_CHARACTERS`
characters of a text are read for a date.
"""

from __future__ import annotations

import datetime as dt
import re

from workbench.engine.entities.numbers import words_to_digits

MAX_CHARACTERS = 100
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY = r"(mon|tue|wed|thu|fri|sat|sun)[a-z]*"
_NEXT_WEEK_DAY = re.compile(rf"\bnext\s+week\s+{_DAY}\b|\b{_DAY}\s+(?:of\s+)?next\s+week\b")
_NEXT_OR_LAST_DAY = re.compile(rf"\b(next|last)\s+{_DAY}\b")
_REWRITES = (
    (re.compile(r"\b(?:tmrw?|tomorow|2morrow)\b"), "tomorrow"),
    (re.compile(r"\bpast\s+(?=week|month|year|" + _DAY + r")"), "last "),
    (re.compile(r"\bwithin\b"), "in"),
)
# A day and a month followed by a two-digit year: `22 april 18`, `22-04-18`.
_SHORT_YEAR = re.compile(r"\b(\d{1,2}[\s./-]+(?:[a-z]{3,}\.?|\d{1,2})[\s./,-]+)(\d{2})\b(?![./:-]?\d)")
_FILLER = re.compile(r"[\s.!?]*\bplease\b[\s.!?]*|[.!?]+$")
_LEADING_WORDS = re.compile(r"^(?:(?:on|at|in|the|of|for)\s+)+")
_LONE_WORDS = frozenset({"may", "second", "sat", "sun", "mar", "wed"})  # dates only next to a cue
# Words that make a date or time in a longer text likely enough to run the (slow) parser for `sys.time`.
_CUE_WORDS = (
    "today", "tonight", "tomorrow", "tmr", "tmrw", "yesterday", "now", "noon", "midnight", "morning", "afternoon",
    "evening", "night", "week", "month", "year", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "mon", "tue", "tues", "thu", "thur", "thurs", "fri", "january", "february", "march", "april", "june",
    "july", "august", "september", "october", "november", "december", "jan", "feb", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec",
)  # fmt: skip
_TIME_CUE = re.compile(
    r"\b(?:" + "|".join(_CUE_WORDS) + r"|a\.?m|p\.?m|o'?clock|\d+\s+may|may\s+\d+"
    r"|(?:in|within)\s+\d+\s+(?:minute|hour|day|week|month|year)s?)\b"
    r"|\b\d{1,2}:\d{2}\b|\b\d{1,2}[/-]\d{1,2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b"
)
# The pattern above costs about half a microsecond per character of a sentence, so `has_time_cue` looks at a text
# without a digit's runs of letters first: every cue without a digit is one of the words standing alone, or `am`,
# `pm`, `a.m`, `p.m`, `oclock`, `o'clock` (runs `m` and `clock`).
_CUE_RUNS = frozenset([*_CUE_WORDS, "am", "pm", "m", "oclock", "clock"])
LETTER_RUNS = re.compile(r"[a-z]+")
_DIGIT = re.compile(r"\d")
# With a digit, a cue is one of those runs, a run of `\d+ may`, `may \d+` or `in/within \d+ days`, or a form of
# digits, each of which starts as `_DIGIT_FORM` does (the pattern itself is what the slow part is).
_DIGIT_CUE_RUNS = _CUE_RUNS | {"may", "in", "within"}
_DIGIT_FORM = re.compile(r"\b\d{1,2}[:./-]")
_MINUTES = re.compile(r"\d:\d{2}|\bhalf\b|\bquarter\b|\bminutes?\b")
_HOURS = re.compile(r"\d\s*(?:a\.?m|p\.?m)\b|\bo'?clock\b|\bnoon\b|\bmidnight\b|\bhours?\b|\bat\s+\d{1,2}\b")


def parse_date(answer: str, today: dt.date) -> str | None:
    """The date `answer` (or a date inside it) means, relative to `today`, as `DD-MM-YYYY`; or None.

    Future dates are preferred where the words leave a choice (`Friday`, `22-04`); bare digits are no date.
    """
    found = find_datetime(answer, dt.datetime.combine(today, dt.time()))
    return found[0].strftime("%d-%m-%Y") if found else None


def find_time(text: str, now: dt.datetime) -> dict[str, str] | None:
    """`sys.time` and `sys.time_grain` for the first date or time in `text`, as Chatlayer stores them
    (`2020-12-25T15:00:00.000+00:00`, `hour`); None when the text has none.

    The workbench has no time zones: the reference moment's wall-clock time is written as UTC.
    """
    if not has_time_cue(text.lower()):
        return None
    found = find_datetime(text, now)
    if found is None:
        return None
    moment, words = found
    grain = "minute" if _MINUTES.search(words) else "hour" if _HOURS.search(words) else "day"
    if words.strip() == "now":
        grain = "second"
    elif grain == "day":  # as Chatlayer does, a moment is given at the start of its grain
        moment = dt.datetime.combine(moment.date(), dt.time())
    return {"sys.time": moment.strftime("%Y-%m-%dT%H:%M:%S.000+00:00"), "sys.time_grain": grain}


def has_time_cue(lower: str, *, digit: bool = False, runs: list[str] | None = None) -> bool:
    """Whether the lower-case text `lower` has a word or a form of digits that says a date or a time (what
    `_TIME_CUE` finds, looked for only when a cheap look says it may be there); `digit`: the caller knows that the
    text has a digit or a number in words; `runs`: the caller has `LETTER_RUNS.findall(lower)` already."""
    if runs is None:
        runs = LETTER_RUNS.findall(lower)
    if not digit and _DIGIT.search(lower) is None:
        if _CUE_RUNS.isdisjoint(runs):
            return False
    elif _DIGIT_CUE_RUNS.isdisjoint(runs) and _DIGIT_FORM.search(lower) is None:
        return False
    return _TIME_CUE.search(lower) is not None


def find_datetime(text: str, now: dt.datetime) -> tuple[dt.datetime, str] | None:
    """The first date or time in `text` and the (rewritten, lower-case) words that say it; or None."""
    text = _normalise(text[:MAX_CHARACTERS])
    if not text or text.isdigit():
        return None
    computed = _computed(text, now)
    if computed is not None:
        return computed
    import dateparser  # slow to import and to load its languages: only when a date is looked for

    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": now, "DATE_ORDER": "DMY"}
    if text not in _LONE_WORDS:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
        if parsed is not None:
            return parsed, text
    from dateparser.search import search_dates

    for words, moment in search_dates(text, languages=["en"], settings=settings) or ():
        core = _LEADING_WORDS.sub("", words.strip())
        if core and not core.isdigit() and core not in _LONE_WORDS:
            return moment, words
    return None


def warm_up() -> None:
    """Load the date parser now: its first use compiles its locales (about 150 ms), which is better spent in a
    thread at start-up than on the event loop in the middle of a conversation."""
    find_datetime("tomorrow at 3 pm", dt.datetime.now())


def _normalise(text: str) -> str:
    text = _FILLER.sub(" ", words_to_digits(text.lower())).strip()
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return _SHORT_YEAR.sub(lambda m: m[1] + _full_year(m[2]), text)


def _full_year(yy: str) -> str:
    # Python's %y pivot: 69-99 are 1969-1999, 00-68 are 2000-2068 (`22 april 18` is 2018, not 2118).
    return str(int(yy) + (1900 if int(yy) >= 69 else 2000))


def _computed(text: str, now: dt.datetime) -> tuple[dt.datetime, str] | None:
    """`next week Friday` (that day of next week), `next Monday` (1 to 7 days ahead, never today) and
    `last Monday` (1 to 7 days back), which dateparser reads differently or not at all."""
    midnight = dt.datetime.combine(now.date(), dt.time())
    m = _NEXT_WEEK_DAY.search(text)
    if m:
        day = _weekday(m[1] or m[2])
        return midnight + dt.timedelta(days=7 - now.weekday() + day), m[0]
    m = _NEXT_OR_LAST_DAY.search(text)
    if m:
        day = _weekday(m[2])
        if m[1] == "next":
            return midnight + dt.timedelta(days=(day - now.weekday() - 1) % 7 + 1), m[0]
        return midnight - dt.timedelta(days=(now.weekday() - day - 1) % 7 + 1), m[0]
    return None


def _weekday(prefix: str) -> int:
    return next(i for i, name in enumerate(WEEKDAYS) if name.startswith(prefix))


def parse_hours(answer: str, now: dt.datetime) -> str | None:
    """The time of day `answer` names (`3 pm`, `15:30`, `9am`, `noon`) as `HH:MM`; None when it names none."""
    found = find_datetime(answer, now)
    if found is None or not (_MINUTES.search(found[1]) or _HOURS.search(found[1])):
        return None
    return found[0].strftime("%H:%M")
