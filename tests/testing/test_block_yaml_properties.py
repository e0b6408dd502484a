"""Property tests: on any text made of block-YAML-like lines, the fast reader gives exactly what `load_yaml` gives
(values, types, every position), or None; and the convo loader gives the same tests and problems either way."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.testing.test_block_yaml import check
from workbench.testing import convo_format
from workbench.testing.convo_format import load_convo_text

# Pieces on both sides of the subset's edges: indicators, quotes, comments, colons, numbers, YAML 1.1 words.
_PIECES = st.sampled_from(
    [
        *"-?:#'\"[]{},&*!|>%@` \t",
        "a",
        "b",
        "x y",
        "yes",
        "no",
        "true",
        "~",
        "null",
        "12",
        "-3",
        "1.5",
        "0x1f",
        "''",
        "item0-1",
        "You said:",
        "é",
        "<<",
        "--",
        "...",
    ]
)
_TEXT = st.lists(_PIECES, max_size=5).map("".join)
_KEY = st.one_of(st.sampled_from(["user", "bot", "name", "turns", "flow", "vars", "k", "-k", "?k", "'q'"]), _TEXT)


@st.composite
def _line(draw: st.DrawFn) -> str:
    indent = " " * draw(st.sampled_from([0, 0, 2, 2, 4, 6, 1, 3]))
    dash = draw(st.sampled_from(["", "", "- ", "-  ", "-"]))
    shape = draw(st.sampled_from(["key-value", "key", "scalar", "comment", "blank"]))
    if shape == "key-value":
        body = f"{draw(_KEY)}:{draw(st.sampled_from([' ', '  ', '']))}{draw(_TEXT)}"
    elif shape == "key":
        body = f"{draw(_KEY)}:{draw(st.sampled_from(['', ' ', ' # note']))}"
    elif shape == "scalar":
        body = draw(_TEXT)
    elif shape == "comment":
        body = "# " + draw(_TEXT)
    else:
        body = ""
    return indent + dash + body


_DOCUMENT = st.tuples(
    st.lists(_line(), min_size=1, max_size=12), st.sampled_from(["", "\n", "\n\n", "\n  ", "\n# end"])
).map(lambda parts: "\n".join(parts[0]) + parts[1])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENT)
@example("-: You said:")  # `-` is the key there, and `You said:` a value YAML refuses
def test_the_fast_reader_gives_what_load_yaml_gives_or_leaves_the_text_to_it(text: str) -> None:
    check(text)


_TURN = st.sampled_from(
    [
        "user: hi",
        "bot: 'You said: hi'",
        "bot: Hello!",
        "click: 2",
        "state: ask",
        "botx: hi",
        "user:",
        "vars:",
        "  a: 1",
        "  b: yes",
        "bot: /[/",
        "silence: 30",
        "user: [a]",
        "# a comment",
        "",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(turns=st.lists(_TURN, max_size=8), group=st.booleans())
def test_a_convo_file_loads_to_the_same_tests_and_problems_with_either_reader(
    turns: list[str], group: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "echo.yaml").write_text("name: Echo\nstart: hi\nstates:\n  hi:\n    say: Hello!\n")
    pad = "    " if group else ""
    head = "flow: echo.yaml\nconversations:\n  - name: one\n    turns:\n" if group else "flow: echo.yaml\nturns:\n"
    text = head + "".join(f"{pad}  - {turn}\n" if turn else "\n" for turn in turns)
    fast = load_convo_text(text, "t.convo.yaml", tmp_path)
    with monkeypatch.context() as patched:
        patched.setattr(convo_format, "load_block_yaml", lambda _: None)
        slow = load_convo_text(text, "t.convo.yaml", tmp_path)
    assert fast == slow
    assert [str(p) for p in fast.problems] == [str(p) for p in slow.problems]
