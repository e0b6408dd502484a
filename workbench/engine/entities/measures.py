"""Amounts with a unit in a user's text: money, distance, quantity, temperature and duration, named as
Chatlayer's system entities name them (`5 euro` → `sys.amount_of_money: 5`, `sys.amount_of_money_currency: EUR`).

The unit names are Chatlayer's (`kilometre`, `litre`, `celsius`, `hour`). quantulum3 was tried and not used: it
reads the documented `80C` as 80 coulombs, names units its own way and takes seconds on its first call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from workbench.engine.entities.numbers import js_number, parse_number, words_to_digits

_CURRENCIES: dict[str, str] = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP",
    "¥": "JPY", "jpy": "JPY", "yen": "JPY",
    "chf": "CHF", "franc": "CHF", "francs": "CHF",
}  # fmt: skip
_UNITS: dict[str, dict[str, str]] = {
    "distance": {
        "km": "kilometre", "kilometer": "kilometre", "kilometers": "kilometre", "kilometre": "kilometre",
        "kilometres": "kilometre", "m": "metre", "meter": "metre", "meters": "metre", "metre": "metre",
        "metres": "metre", "cm": "centimetre", "centimeter": "centimetre", "centimeters": "centimetre",
        "mm": "millimetre", "millimeter": "millimetre", "millimeters": "millimetre", "mi": "mile",
        "mile": "mile", "miles": "mile", "ft": "foot", "foot": "foot", "feet": "foot", "inch": "inch",
        "inches": "inch", "yd": "yard", "yard": "yard", "yards": "yard",
    },
    "quantity": {
        "l": "litre", "liter": "litre", "liters": "litre", "litre": "litre", "litres": "litre",
        "ml": "millilitre", "milliliter": "millilitre", "milliliters": "millilitre", "cl": "centilitre",
        "g": "gram", "gram": "gram", "grams": "gram", "gramme": "gram", "kg": "kilogram", "kilo": "kilogram",
        "kilos": "kilogram", "kilogram": "kilogram", "kilograms": "kilogram", "mg": "milligram",
        "lb": "pound", "lbs": "pound", "oz": "ounce", "ounce": "ounce", "ounces": "ounce", "cup": "cup",
        "cups": "cup",
    },
    "temperature": {
        "c": "celsius", "°c": "celsius", "celsius": "celsius", "degrees celsius": "celsius",
        "f": "fahrenheit", "°f": "fahrenheit", "fahrenheit": "fahrenheit", "degrees fahrenheit": "fahrenheit",
        "°": "degree", "degree": "degree", "degrees": "degree",
    },
    "duration": {
        "sec": "second", "secs": "second", "second": "second", "seconds": "second", "min": "minute",
        "mins": "minute", "minute": "minute", "minutes": "minute", "h": "hour", "hr": "hour", "hrs": "hour",
        "hour": "hour", "hours": "hour", "day": "day", "days": "day", "week": "week", "weeks": "week",
        "month": "month", "months": "month", "year": "year", "years": "year",
    },
}  # fmt: skip
# Seconds per unit for `sys.duration_normalized`; a month is 30 days and a year 365, as calendars are ignored.
_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2592000,
            "year": 31536000}  # fmt: skip
_NUMBER = r"(?<![\w.,])(-?\d+(?:[.,]\d+)?)"


def _alternatives(words: dict[str, str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def _after_number(words: dict[str, str]) -> re.Pattern[str]:
    return re.compile(_NUMBER + r"\s*(" + _alternatives(words) + r")(?![\w°])", re.IGNORECASE)


_AFTER = {dimension: _after_number(words) for dimension, words in _UNITS.items()}
_MONEY_AFTER = _after_number(_CURRENCIES)
_MONEY_BEFORE = re.compile(r"([€$£¥])\s*(\d+(?:[.,]\d+)?)(?![\d])")
# Every unit and currency starts with a letter, a degree sign or a currency sign: a text without a number
# followed by one of those (or a currency sign before digits) has no measure, and the patterns above need not run.
_MEASURE_HINT = re.compile(_NUMBER + r"\s*(?:[^\W\d_]|[°€$£¥])|[€$£¥]\s*\d")
# In an ASCII text a unit or a currency written in letters is a run of letters of its own (the patterns want no
# letter on either side of it), and the only sign there can be is `$`.
_UNIT_RUNS = frozenset(
    run for words in (*_UNITS.values(), _CURRENCIES) for word in words for run in re.findall(r"[a-z]+", word)
)


def find_measures(text: str) -> dict[str, Any]:
    """Every kind of measure found in `text`, the first of each kind, as `sys.*` variables."""
    return measures_in(words_to_digits(text))


def measures_in(text: str) -> dict[str, Any]:
    """`find_measures` of a text whose numbers are written in digits already (`words_to_digits` has read it)."""
    found: dict[str, Any] = {}
    if not _MEASURE_HINT.search(text):
        return found
    money = _money(text)
    if money:
        found["sys.amount_of_money"], found["sys.amount_of_money_currency"] = money
    for dimension, pattern in _AFTER.items():
        m = pattern.search(text)
        if m is None:
            continue
        value, unit = parse_number(m[1]), _UNITS[dimension][m[2].lower()]
        if value is None:
            continue
        found[f"sys.{dimension}"], found[f"sys.{dimension}_unit"] = value, unit
        normalized = js_number(value * float(_SECONDS[unit])) if dimension == "duration" else None
        if normalized is not None:
            found["sys.duration_normalized"], found["sys.duration_normalized_unit"] = normalized, "second"
    return found


def may_hold_measures(ascii_text: str, runs: Iterable[str]) -> bool:
    """Whether `measures_in` may find anything in the ASCII text `ascii_text` whose lower-case runs of letters
    (`[a-z]+`) are `runs`."""
    return "$" in ascii_text or not _UNIT_RUNS.isdisjoint(runs)


def _money(text: str) -> tuple[int | float, str] | None:
    after, before = _MONEY_AFTER.search(text), _MONEY_BEFORE.search(text)
    if before and (after is None or before.start() < after.start()):
        amount, currency = parse_number(before[2]), _CURRENCIES[before[1]]
    elif after:
        amount, currency = parse_number(after[1]), _CURRENCIES[after[2].lower()]
    else:
        return None
    return None if amount is None else (amount, currency)
