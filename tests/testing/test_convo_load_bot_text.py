"""A `bot:` turn written as a plain text is read without the general text parser: property test that it gives
exactly the expectation the general path (`TextMatch.parse`) gives, and the same problems for the rest."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from workbench.flow.yaml_source import Pos
from workbench.testing.assertions import BotExpectation, TextMatch
from workbench.testing.convo_format import _Reader

_TEXTS = st.one_of(
    st.text(),
    st.lists(st.sampled_from(["/", "a", " ", "\n", "\t", "You said:", "(", "[", "*", "é"]), max_size=6).map("".join),
)


@given(_TEXTS)
def test_a_bot_text_gives_what_the_general_parser_gives(text: str) -> None:
    reader = _Reader(str(Path.cwd()))
    got = reader.turn_bot(text, Pos(1, 1, 1, 1, ""), "f.convo.yaml")
    try:
        expected = BotExpectation(texts=(TextMatch.parse(text),))
    except re.error:  # a bad /regex/: reported, no expectation
        assert got is None
        assert len(reader.problems) == 1
    else:
        assert got == expected
        assert reader.problems == []
