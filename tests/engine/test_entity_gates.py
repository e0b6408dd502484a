"""The system entities of a text are what they were before its runs of letters told which finders to skip: an ASCII
text without a number word is not read by text_to_num, one without `st`/`nd`/`rd`/`th` has no ordinal, one without
a unit, a currency or `$` no measure, the time cue's runs of letters are looked for once and the digits of an
ASCII text are counted in one pass. Compared, in order,
with the system entities found the long way on generated sentences of numbers in digits and in words, units,
currencies, dates, e-mail and web addresses, phone numbers and non-ASCII letters and digits."""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.engine.entities import contact, measures, numbers
from workbench.engine.entities.contact import (
    find_email,
    find_url,
    phone_match,
    phone_number,
    url_domain,
    without_addresses,
)
from workbench.engine.entities.dates import _TIME_CUE, LETTER_RUNS, find_time
from workbench.engine.entities.system import system_entities

NOW = dt.datetime(2026, 3, 2, 10, 0)
WORDS = [
    "I", "want", "tickets", "to", "Brussels", "tomorrow", "the", "a", "of", "for", "on", "at", "in", "within", "next",
    "last", "week", "month", "Monday", "tues", "thurs", "may", "April", "noon", "now", "pm", "am", "a.m", "o'clock",
    "one", "two", "three", "five", "ten", "eleven", "twelve", "twenty", "forty", "fourty", "hundred", "thousand",
    "million", "billion", "first", "second", "seconds", "third", "fifth", "twentieth", "hundredth", "zero", "o", "os",
    "oss", "osss", "nought", "oneth", "ones", "twos", "thousands", "and", "point", "minus", "euro", "euros", "EUR",
    "usd", "dollars", "pounds", "yen", "chf", "km", "m", "cm", "mile", "ft", "kg", "g", "lb", "oz", "l", "ml", "c",
    "f", "celsius", "degree", "degrees", "h", "hrs", "min", "sec", "days", "hours", "weeks", "st", "nd", "rd", "th",
    "ST", "TH", "item", "please", "tmr", "ONE", "Five", "KM", "class", "miss", "s", "ss",
]  # fmt: skip
PIECES = [
    *WORDS, "0", "3", "7", "12", "2026", "0470", "123", "45", "67", "+32", "(02)", "1,000", "3.5", "3,5", "1 000",
    "-4", "-", ".", ",", ":", "/", "'", "$", "€", "£", "°", "°C", "@", "https://", "www.", "example.com",
    "ann@example.com", "x.org/a", "25.12.2026", "22-04-18", "12:30", "1/2", "5th", "21st", "3rd", "٣", "²", "é",
    "ſt", "\u212a", "İ", "_", "!", "\n", "  ",
]  # fmt: skip
SEPARATORS = [" ", " ", "", "-", ", "]


def as_before(text: str, now: dt.datetime) -> dict[str, Any]:
    """The system entities found the long way: every text read by text_to_num, every finder run."""
    rest = without_addresses(text)
    phone = phone_match(rest)
    if phone and (not phone.group().isdigit() or phone.group().startswith("0")):
        rest = rest[: phone.start()] + " " * len(phone.group()) + rest[phone.end() :]
    digits = read_by_text_to_num(rest) if any(map(str.isalpha, rest)) else rest
    counted = re.search(r"\d", digits) is not None
    url = find_url(text)
    found: dict[str, Any] = {}
    for name, value in (
        ("sys.number", numbers.first_number(digits) if counted else None),
        ("sys.ordinal", numbers.first_ordinal(digits) if counted else None),
        ("sys.email", find_email(text)),
        ("sys.phone_number", phone_number(phone.group()) if phone else None),
        ("sys.url", url),
        ("sys.url_domain", url_domain(url) if url else None),
    ):
        if value is not None:
            found[name] = value
    if counted:
        found.update(measures.measures_in(digits))
    if _TIME_CUE.search(rest.lower()):
        found.update(find_time(rest, now) or {})
    return found


def read_by_text_to_num(text: str) -> str:
    return numbers._alpha2digit()(text, "en", threshold=0)


sentences = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=10).map(
    lambda parts: "".join(piece + separator for piece, separator in parts)
)
texts = st.one_of(sentences, sentences.map(str.upper), st.text(max_size=30))


@settings(max_examples=1500, deadline=None)
@given(texts)
def test_the_system_entities_are_what_the_long_way_finds_in_the_same_order(text: str) -> None:
    assert list(system_entities(text, NOW).items()) == list(as_before(text, NOW).items())


@pytest.mark.parametrize(
    "text",
    ["item1234-3", "I want 2 tickets to Brussels tomorrow", "twenty two km on the fifth", "5 $", "$5", "the 3rd",
     "5 degrees celsius", "it is 5 oclock", "1000000 euros", "call 0470 12 34 56, 2 km, 3rd time", "ONES 4", "osss 7"],
)  # fmt: skip
def test_sentences_of_each_kind_find_what_the_long_way_finds(text: str) -> None:
    assert list(system_entities(text, NOW).items()) == list(as_before(text, NOW).items())


@settings(max_examples=3000, deadline=None)
@given(st.text(string.ascii_lowercase, min_size=1, max_size=12) | st.sampled_from(WORDS).map(str.lower))
def test_a_word_text_to_num_reads_is_a_number_word(word: str) -> None:
    if not numbers.has_number_words(word, [word]):
        assert read_by_text_to_num(word) == word


@settings(max_examples=2000, deadline=None)
@given(sentences.filter(str.isascii))
def test_an_ascii_text_without_number_words_reads_as_written(text: str) -> None:
    lower = text.lower()
    if not numbers.has_number_words(lower, LETTER_RUNS.findall(lower)):
        assert read_by_text_to_num(text) == text


@settings(max_examples=2000, deadline=None)
@given(sentences.filter(str.isascii))
def test_an_ascii_text_whose_runs_of_letters_have_no_unit_nor_suffix_has_no_measure_nor_ordinal(text: str) -> None:
    runs = LETTER_RUNS.findall(text.lower())
    if not measures.may_hold_measures(text, runs):
        assert measures.measures_in(text) == {}
    if numbers.ORDINAL_SUFFIXES.isdisjoint(runs):
        assert numbers.first_ordinal(text) is None


@pytest.mark.parametrize(
    "word",
    ["one", "ones", "twos", "sixs", "zeros", "os", "oss", "osss", "tens", "tenth", "firsts", "second", "thirds",
     "thousands", "hundreds", "millions", "billions", "fourty", "forty", "twelve", "nineteen", "ninety"],
)  # fmt: skip
def test_the_words_text_to_num_reads_alone_are_number_words(word: str) -> None:
    assert read_by_text_to_num(word) != word
    assert numbers.has_number_words(word, [word])


@settings(max_examples=2000, deadline=None)
@given(texts | st.text(string.printable + "٣²⁵𝟗é"))
def test_the_digits_are_counted_as_str_isdigit_counts_them(text: str) -> None:
    assert contact.digit_count(text) == sum(map(str.isdigit, text))
