"""All of Chatlayer's system entities in one text, under the variable names Chatlayer stores them as."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from workbench.engine.entities.contact import (
    digit_count,
    find_email,
    find_url,
    phone_match,
    phone_number,
    url_domain,
    without_addresses,
)
from workbench.engine.entities.dates import LETTER_RUNS, find_time, has_time_cue
from workbench.engine.entities.measures import may_hold_measures, measures_in
from workbench.engine.entities.numbers import (
    ORDINAL_SUFFIXES,
    first_number,
    first_ordinal,
    has_number_words,
    words_to_digits,
)

_DIGIT = re.compile(r"\d")


def system_entities(text: str, now: dt.datetime | Callable[[], dt.datetime] | None = None) -> dict[str, Any]:
    """The system entities found in `text`: `sys.number`, `sys.ordinal`, `sys.email`, `sys.phone_number`,
    `sys.url` (with `sys.url_domain`), `sys.amount_of_money`, `sys.distance`, `sys.quantity`,
    `sys.temperature`, `sys.duration` (each with its unit) and `sys.time` (with `sys.time_grain`, relative
    to `now`, the current time unless given; `now` may be a clock, asked only when the text says a date or time).

    Digits inside an e-mail address, a web address or a phone number written as one (with `+`, a leading 0 or
    separators) count neither as `sys.number` nor as a date; `1000000` is both a number and a phone number.
    """
    rest = without_addresses(text)
    count = digit_count(rest)
    phone = phone_match(rest, count)
    if phone is not None:
        written = phone.group()
        if not written.isdigit() or written.startswith("0"):
            rest = rest[: phone.start()] + " " * len(written) + rest[phone.end() :]
            count = digit_count(rest)
    lower = rest.lower()
    runs = LETTER_RUNS.findall(lower)
    # An ASCII text without a number word is its own digits: its runs of letters tell which finders may find
    # something in it. Numbers, ordinals and measures are digits once the words are read (once, for all three).
    plain = rest.isascii() and not has_number_words(lower, runs)
    digits = rest if plain else words_to_digits(rest)
    counted = count > 0 if plain else _DIGIT.search(digits) is not None
    found: dict[str, Any] = {}  # in this order: it is the order in which a message's entities are stored
    if counted:
        _put(found, "sys.number", first_number(digits))
        if not (plain and ORDINAL_SUFFIXES.isdisjoint(runs)):
            _put(found, "sys.ordinal", first_ordinal(digits))
    _put(found, "sys.email", find_email(text))
    if phone is not None:
        _put(found, "sys.phone_number", phone_number(written))
    url = find_url(text)
    if url is not None:
        found["sys.url"] = url
        if url:
            found["sys.url_domain"] = url_domain(url)
    if counted and not (plain and not may_hold_measures(rest, runs)):
        found.update(measures_in(digits))
    if has_time_cue(lower, digit=counted, runs=runs):  # most texts say no date or time: the clock is not asked
        moment = now() if callable(now) else now or dt.datetime.now()
        found.update(find_time(rest, moment) or {})
    return found


def _put(found: dict[str, Any], name: str, value: object) -> None:
    if value is not None:
        found[name] = value
