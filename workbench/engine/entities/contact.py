"""E-mail addresses, web addresses and phone numbers in a user's text.

The patterns run on whatever a user types, so each is linear in the text: an address may start only where the
text before it cannot continue it (no search restarts inside a run of `a.a.a…`), and label and name runs are
possessive (they never give back what cannot be followed by `.` or `@` anyway).
"""

from __future__ import annotations

import re

EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+")
URL_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|(?<![a-z0-9-])(?<![a-z0-9-]\.)(?:[a-z0-9][a-z0-9-]*+\.)+[a-z]{2,24}(?::\d+)?(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
PHONE_RE = re.compile(r"(?:\(\s*)?\+?\(?\d[\d\s().-]*\d")
# Chatlayer's input-validation page: "more than 6 and fewer than 17 numbers".
MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 16
_DATE_LIKE_RE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")
_ASCII_DIGITS = b"0123456789"
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""
_URL_HOST = re.compile(r"^(?:https?://)?(?:www\.)?([^/:?#]+)", re.IGNORECASE)


def find_email(text: str) -> str | None:
    """The first e-mail address in `text`, or None."""
    m = EMAIL_RE.search(text) if "@" in text else None
    return _strip_trailing(m.group()) if m else None


def find_url(text: str) -> str | None:
    """The first web address in `text` (`http(s)://…`, `www.…`, `domain.tld/…`), e-mail addresses excluded."""
    if "." not in text and "://" not in text:
        return None
    m = URL_RE.search(mask(text, EMAIL_RE) if "@" in text else text)
    return _strip_trailing(m.group()) if m else None


def url_domain(url: str) -> str:
    """The domain of a web address as Chatlayer's `sys.url_domain` has it: `www.chatlayer.ai/jobs` → `chatlayer.ai`."""
    m = _URL_HOST.match(url)
    return m[1].lower() if m else url


def phone_number(candidate: str) -> str | None:
    """`candidate` in Chatlayer's form when it is a phone number (7 to 16 digits, not a date), else None.

    The form is Chatlayer's (`+32 487 23 02 03` → `(+32) 487230203`): the country code in brackets, then the
    rest without its spaces (other separators stay). Without a `+` there is no country code: `0470123456`.
    """
    digits = sum(map(str.isdigit, candidate))
    if not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS or _DATE_LIKE_RE.fullmatch(candidate):
        return None
    plus = candidate.find("+")
    if plus < 0:
        return re.sub(r"\s", "", candidate)
    rest = candidate[plus + 1 :].lstrip()
    code = _country_code(re.match(r"\d*", rest)[0])
    if code is None:
        return re.sub(r"\s", "", candidate)
    national = re.sub(r"\s", "", rest[len(code) :].lstrip(") .-"))
    return f"(+{code}) {national}"


def find_phone_number(text: str) -> str | None:
    """The first phone number in `text` outside e-mail and web addresses, in Chatlayer's form, or None."""
    m = phone_match(without_addresses(text))
    return phone_number(m.group()) if m else None


def phone_match(text: str, digits: int | None = None) -> re.Match[str] | None:
    """Where the first phone number in `text` is written, or None; `digits`: `digit_count(text)`, if known."""
    if (digit_count(text) if digits is None else digits) < MIN_PHONE_DIGITS:
        return None  # too few digits for any part of it to be one
    for m in PHONE_RE.finditer(text):
        if phone_number(m.group()) is not None:
            return m
    return None


def digit_count(text: str) -> int:
    """How many characters of `text` are digits (`str.isdigit`)."""
    if text.isascii():  # the digits are the bytes 0-9 then, and bytes.translate deletes them in one C loop
        return len(text) - len(text.encode().translate(None, _ASCII_DIGITS))
    return sum(map(str.isdigit, text))


def without_addresses(text: str) -> str:
    """`text` with its e-mail and web addresses blanked out (positions unchanged)."""
    if "@" in text:
        text = mask(text, EMAIL_RE)
    return mask(text, URL_RE) if "." in text or "://" in text else text


def mask(text: str, pattern: re.Pattern[str]) -> str:
    """`text` with what `pattern` finds replaced by as many spaces."""
    return pattern.sub(lambda m: " " * len(m.group()), text)


def _country_code(digits: str) -> str | None:
    """The country calling code that `digits` start with (codes are prefix-free: 1 to 3 digits), or None."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE  # the ITU table, kept up to date by libphonenumber

    return next((digits[:n] for n in (1, 2, 3) if int(digits[:n] or 0) in COUNTRY_CODE_TO_REGION_CODE), None)


def _strip_trailing(value: str) -> str:
    return value.rstrip(_TRAILING_PUNCTUATION)
