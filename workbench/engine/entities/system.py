"""All of Chatlayer's system entities in one text, under the variable names Chatlayer stores them as."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from workbench.engine.entities.contact import (
    find_email,
    find_url,
    phone_match,
    phone_number,
    url_domain,
    without_addresses,
)
from workbench.engine.entities.dates import find_time, has_time_cue
from workbench.engine.entities.measures import measures_in
from workbench.engine.entities.numbers import first_number, first_ordinal, words_to_digits

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
    phone = phone_match(rest)
    if phone and (not phone.group().isdigit() or phone.group().startswith("0")):
        rest = rest[: phone.start()] + " " * len(phone.group()) + rest[phone.end() :]
    # Numbers, ordinals and measures are digits once the words are read (once, for all three): most texts have
    # none to look for.
    digits = words_to_digits(rest)
    counted = _DIGIT.search(digits) is not None
    url = find_url(text)
    found: dict[str, Any] = {}  # in this order: it is the order in which a message's entities are stored
    for name, value in (
        ("sys.number", first_number(digits) if counted else None),
        ("sys.ordinal", first_ordinal(digits) if counted else None),
        ("sys.email", find_email(text)),
        ("sys.phone_number", phone_number(phone.group()) if phone else None),
        ("sys.url", url),
        ("sys.url_domain", url_domain(url) if url else None),
    ):
        if value is not None:
            found[name] = value
    if counted:
        found.update(measures_in(digits))
    if has_time_cue(rest.lower(), digit=counted):  # most texts say no date or time: the clock is not asked
        moment = now() if callable(now) else now or dt.datetime.now()
        found.update(find_time(rest, moment) or {})
    return found
