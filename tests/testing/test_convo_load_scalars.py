"""The fast reader takes a plain scalar that starts with a character no YAML pattern starts with as a string,
without resolving it: property tests that resolving gives a string for each such text, and the same value."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workbench.flow.yaml_source import PLAIN_TAGGED_STARTS, _PositionLoader, load_yaml, plain_scalar_tag
from workbench.testing.block_yaml import load_block_yaml

_STR = "tag:yaml.org,2002:str"


def test_no_pattern_is_tried_on_every_text() -> None:
    assert None not in _PositionLoader.yaml_implicit_resolvers


@given(st.text(min_size=1).filter(lambda text: text[0] not in PLAIN_TAGGED_STARTS))
def test_a_text_that_starts_with_another_character_resolves_to_a_string(text: str) -> None:
    assert plain_scalar_tag(text) == _STR


_WORDS = st.sampled_from(["yes", "no", "true", "null", "~", "12", "1.5", "-3", "0x1f", "item0-1", "Yes", "é", "<<"])


@given(st.lists(_WORDS, min_size=1, max_size=3).map("".join))
def test_a_plain_value_loads_as_load_yaml_loads_it(word: str) -> None:
    text = f"user: {word}"
    fast = load_block_yaml(text)
    if fast is not None:
        full = load_yaml(text)
        assert fast.data == full.data
        assert type(fast.data["user"]) is type(full.data["user"])
