"""`ask` input validation: each expect kind with good and bad answers; dates relative to a fixed day."""

import datetime as dt
import subprocess
import sys

import pytest

from workbench.engine.entities.dates import parse_date
from workbench.engine.inputs import EXPECT_KINDS, Validation, is_known_expect, validate
from workbench.engine.nlu import NluMatcher
from workbench.flow.model import Entity, Nlu

TODAY = dt.date(2026, 11, 25)  # a Wednesday
MATCHER = NluMatcher(
    Nlu(entities={"city": Entity("city", ("Brussels", "Antwerp"), {"Brussels": ("Bruxelles", "Brussel")})})
)


def accepted(expect: str, text: str) -> object:
    result = validate(expect, text, MATCHER, TODAY)
    assert result.ok, f"{expect}: {text!r} rejected"
    return result.value


def rejected(expect: str, text: str) -> bool:
    return validate(expect, text, MATCHER, TODAY) == Validation(False, None)


@pytest.mark.parametrize("expect", ["any", "text"])
def test_text(expect: str) -> None:
    assert accepted(expect, "  Hello there  ") == "Hello there"
    assert accepted(expect, "42") == "42"
    assert rejected(expect, "")
    assert rejected(expect, " \n\t ")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42", 42),
        ("3.5", 3.5),
        ("3,5", 3.5),
        ("-2", -2),
        ("1 000", 1000),
        ("1,000", 1000),
        ("4.0", 4),
        ("two", 2),
        ("Three.", 3),
        ("3 tickets please", 3),  # the first number in the answer
        ("for two people", 2),
    ],
)
def test_number_accepted(text: str, value: float) -> None:
    result = accepted("number", text)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize("text", ["", "many", "a few", "twenty-ish", "on 25.12.2026"])
def test_number_rejected(text: str) -> None:
    assert rejected("number", text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ann@example.com", "ann@example.com"),
        ("  Ann.Smith+tag@Example.co.uk ", "Ann.Smith+tag@Example.co.uk"),
        ("it's ann@example.com.", "ann@example.com"),
    ],
)
def test_email_accepted(text: str, value: str) -> None:
    assert accepted("email", text) == value


@pytest.mark.parametrize("text", ["", "ann", "ann@", "ann@example", "@example.com", "ann at example dot com"])
def test_email_rejected(text: str) -> None:
    assert rejected("email", text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("+32 470 12 34 56", "(+32) 470123456"),  # Chatlayer's form: country code in brackets
        ("0470123456", "0470123456"),
        ("(02) 123-45-67", "(02)123-45-67"),  # spaces removed, other separators kept
        ("02.123.45.67", "02.123.45.67"),
        ("1234567", "1234567"),  # 7 to 16 digits
        ("call me at 0470 12 34 56 please", "0470123456"),
    ],
)
def test_phone_number_accepted(text: str, value: str) -> None:
    assert accepted("phone_number", text) == value


@pytest.mark.parametrize("text", ["", "123456", "12345678901234567", "phone", "25.12.2026", "12-25-2026"])
def test_phone_number_rejected(text: str) -> None:
    assert rejected("phone_number", text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("https://example.com/tickets?id=4", "https://example.com/tickets?id=4"),
        ("http://localhost:8765/x", "http://localhost:8765/x"),
        ("www.sncb.be", "www.sncb.be"),
        ("sncb.be", "sncb.be"),
        ("Example.COM/path", "Example.COM/path"),
        ("see www.sncb.be.", "www.sncb.be"),
    ],
)
def test_url_accepted(text: str, value: str) -> None:
    assert accepted("url", text) == value


@pytest.mark.parametrize("text", ["", "example", "ann@example.com", "3.5", "http//example"])
def test_url_rejected(text: str) -> None:
    assert rejected("url", text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("today", "25-11-2026"),
        ("tomorrow", "26-11-2026"),
        ("Tomorrow please!", "26-11-2026"),
        ("in 3 days", "28-11-2026"),
        ("next Monday", "30-11-2026"),
        ("next wednesday", "02-12-2026"),  # a week ahead, never today
        ("Friday", "27-11-2026"),
        ("25/12/2026", "25-12-2026"),
        ("01/02/2027", "01-02-2027"),  # day first
        ("December 25", "25-12-2026"),
        ("25 december", "25-12-2026"),
        ("5 jan", "05-01-2027"),  # a future date rather than last January
        ("2026-12-31", "31-12-2026"),
    ],
)
def test_date_accepted(text: str, value: str) -> None:
    assert accepted("date", text) == value


@pytest.mark.parametrize("text", ["", "banana", "yes", "42", "whenever", "please"])
def test_date_rejected(text: str) -> None:
    assert rejected("date", text)


def test_date_defaults_to_today() -> None:
    expected = (dt.date.today() + dt.timedelta(days=1)).strftime("%d-%m-%Y")
    assert validate("date", "tomorrow") == Validation(True, expected)


def test_parse_date_next_weekday_from_every_day() -> None:
    for offset in range(7):
        today = TODAY + dt.timedelta(days=offset)
        value = parse_date("next Monday", today)
        assert value is not None
        monday = dt.datetime.strptime(value, "%d-%m-%Y").date()
        assert monday.weekday() == 0
        assert 1 <= (monday - today).days <= 7


def test_importing_the_engine_does_not_import_the_parsers() -> None:
    modules = ("dateparser", "text_to_num", "phonenumbers")
    code = f"import sys, workbench.engine.inputs, workbench.engine.nlu; print([m in sys.modules for m in {modules}])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[False, False, False]"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", "yes"),
        ("Y", "yes"),
        ("Yeah!", "yes"),
        ("yep", "yes"),
        ("sure", "yes"),
        ("OK", "yes"),
        ("okay then", "yes"),
        ("correct", "yes"),
        ("true", "yes"),
        ("yes please", "yes"),
        ("no", "no"),
        ("N", "no"),
        ("nope.", "no"),
        ("nah", "no"),
        ("false", "no"),
        ("not really", "no"),
        ("no thanks", "no"),
        ("well, no", "no"),  # the first yes-like or no-like word decides
    ],
)
def test_yes_no_accepted(text: str, value: str) -> None:
    assert accepted("yes_no", text) == value


@pytest.mark.parametrize("text", ["", "maybe", "yesterday", "noon", "I don't know"])
def test_yes_no_rejected(text: str) -> None:
    assert rejected("yes_no", text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Brussels", "Brussels"),
        ("bruxelles", "Brussels"),
        ("To Brussel please", "Brussels"),
        ("Antwrep", "Antwerp"),
        ("antwerp!", "Antwerp"),
    ],
)
def test_entity_accepted(text: str, value: str) -> None:
    assert accepted("city", text) == value


@pytest.mark.parametrize("text", ["", "Paris", "Brusselsville", "somewhere"])
def test_entity_rejected(text: str) -> None:
    assert rejected("city", text)


def test_regex() -> None:
    assert accepted("/^[A-Z]{2}-\\d+$/", " AB-12 ") == "AB-12"  # the whole stripped answer is stored
    assert rejected("/^[A-Z]{2}-\\d+$/", "ab-12")
    assert accepted("/^[a-z]{2}-\\d+$/i", "AB-12") == "AB-12"
    assert accepted("/seat (\\d+)/", "I want seat 12 please") == "I want seat 12 please"  # not the group
    assert rejected("/seat (\\d+)/", "no seat")


@pytest.mark.parametrize("expect", ["unknown", "city", "/(/", "//", "/a/x"])
def test_unknown_expect_raises(expect: str) -> None:
    with pytest.raises(ValueError, match="expect"):
        validate(expect, "Brussels", None, TODAY)


def test_entity_expect_needs_a_matcher_that_knows_it() -> None:
    with pytest.raises(ValueError, match="unknown expect 'station'"):
        validate("station", "Brussels", MATCHER, TODAY)


def test_is_known_expect() -> None:
    for kind in EXPECT_KINDS:
        assert is_known_expect(kind, ())
    assert is_known_expect("city", {"city"})
    assert is_known_expect("/^\\d{4}$/", ())
    assert is_known_expect("/abc/i", ())
    assert not is_known_expect("city", ())
    assert not is_known_expect("/(/", ())
    assert not is_known_expect("//", ())
    assert not is_known_expect("/abc/x", ())
    assert not is_known_expect("numbers", ())


def test_expect_kinds() -> None:
    expected = ("any", "text", "number", "email", "phone_number", "url", "date", "time", "language", "yes_no")
    assert expected == EXPECT_KINDS
