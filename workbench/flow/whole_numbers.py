"""Whole numbers written in digits, read without `int`'s two surprises.

`str.isdigit` accepts superscripts and circled digits (`²`, `①`), which `int` refuses. `int` also refuses a text
of more than 4,300 digits (Python's limit on long conversions). A number that a user, a flow or a server writes is
therefore read with `whole_number`, never with `isdigit` and `int`.
"""

from __future__ import annotations

MAX_DIGITS = 18
"""The most digits `whole_number` reads: more than any count, index, size or height the workbench takes."""


def whole_number(text: str) -> int | None:
    """The whole number that `text` is, written in decimal digits only (of any script, as `int` reads them: `3`,
    `٣`), or None: for an empty text, any other character (white space, a sign, `²`) or more than `MAX_DIGITS`
    digits."""
    if not text.isdecimal() or len(text) > MAX_DIGITS:
        return None
    return int(text)
