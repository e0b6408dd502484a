"""Property test: the quick check for plain ASCII text agrees with the full check of the characters YAML allows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workbench.testing.block_yaml import _OUTSIDE, _plain_ascii


@given(st.text(st.characters(max_codepoint=0x7F)))
def test_ascii_text_passes_the_quick_check_exactly_when_it_passes_the_full_one(text: str) -> None:
    assert _plain_ascii(text) == (_OUTSIDE.search(text) is None)


@given(st.text())
def test_text_that_passes_the_quick_check_passes_the_full_one(text: str) -> None:
    if _plain_ascii(text):
        assert _OUTSIDE.search(text) is None
