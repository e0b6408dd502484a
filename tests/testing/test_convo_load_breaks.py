"""The characters `document_chunks` looks for besides "\n" are exactly those `str.splitlines` splits at."""

from __future__ import annotations

import sys

from padded_documents import padded

from workbench.testing.convo_format import _OTHER_BREAKS


def test_the_other_breaks_are_where_splitlines_splits() -> None:
    splits = {chr(c) for c in range(sys.maxunicode + 1) if len(f"a{chr(c)}b".splitlines()) == 2}
    assert set(_OTHER_BREAKS) == splits - {"\n"}


def test_a_text_with_another_break_is_split_as_splitlines_splits_it() -> None:
    for mark in _OTHER_BREAKS:
        assert padded(f"a: 1{mark}b: 2\n") == ["a: 1\nb: 2"]
    assert padded("a: 1\nb: 2\n") == ["a: 1\nb: 2"]
