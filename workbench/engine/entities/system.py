"""All of Chatlayer's system entities in one text, under the variable names Chatlayer stores them as."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from workbench.engine.entities.contact import (
    find_email,
    find_url,
    phone_match,
    phone_number,
    url_domain,
    without_addresses,
)
from workbench.engine.entities.dates import find_time
from workbench.engine.entities.measures import find_measures
from workbench.engine.entities.numbers import find_number, find_ordinal, words_to_digits

_DIGIT = re.compile(r"\d")


def system_entities(text: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """The system entities found in `text`: `sys.number`, `sys.ordinal`, `sys.email`, `sys.phone_number`,
    `sys.url` (with `sys.url_domain`), `sys.amount_of_money`, `sys.distance`, `sys.quantity`,
    `sys.temperature`, `sys.duration` (each with its unit) and `sys.time` (with `sys.time_grain`, relative
    to `now`, the current time unless given).

    Digits inside an e-mail address, a web address or a phone number written as one (with `+`, a leading 0 or
    separators) count neither as `sys.number` nor as a date; `1000000` is both a number and a phone number.
    """
    rest = without_addresses(text)
    phone = phone_match(rest)
    if phone and (not phone.group().isdigit() or phone.group().startswith("0")):
        rest = rest[: phone.start()] + " " * len(phone.group()) + rest[phone.end() :]
    # Numbers, ordinals and measures are digits once the words are read: most texts have none to look for.
    counted = _DIGIT.search(words_to_digits(rest)) is not None
    url = find_url(text)
    found: dict[str, Any] = {}  # in this order: it is the order in which a message's entities are stored
    for name, value in (
        ("sys.number", find_number(rest) if counted else None),
        ("sys.ordinal", find_ordinal(rest) if counted else None),
        ("sys.email", find_email(text)),
        ("sys.phone_number", phone_number(phone.group()) if phone else None),
        ("sys.url", url),
        ("sys.url_domain", url_domain(url) if url else None),
    ):
        if value is not None:
            found[name] = value
    if counted:
        found.update(find_measures(rest))
    found.update(find_time(rest, now or dt.datetime.now()) or {})
    return found
