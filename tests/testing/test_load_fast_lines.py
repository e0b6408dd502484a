"""The fast reader's line pattern takes a key at once (possessively); it splits every line as the plain pattern,
which tries a character at a time whether the key ends there, splits it."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from workbench.testing.block_yaml import _LINES

_PLAIN_LINES = re.compile(
    r"^( *)(-(?: +|$))?(?:([^ #'\"\[\]{},&*!|>%@`:?\n-][^#\n]*?|[?-][^ #\n:][^#\n]*?)( *:)( +|$))?(.*)$", re.MULTILINE
)
_PIECES = st.sampled_from([*" -?:#'\"[]{}\n\t", "a", "b c", "k", "You said", "é", "  ", ": ", " :", "::", "- "])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
@example("a  : b")
@example("a :b: c")
@example("-a: b")
@example("?k:")
@example("k#x: y")
def test_the_line_pattern_splits_lines_as_the_plain_pattern_does(text: str) -> None:
    assert _LINES.findall(text) == _PLAIN_LINES.findall(text)
