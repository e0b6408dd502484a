"""A turn's shape is checked once, where the turns are read: every kind of bad turn is still reported as before."""

from __future__ import annotations

from pathlib import Path

from workbench.testing.convo_format import load_convo_text

_TEXT = """flow: shop.yaml
turns:
  - hello
  - {}
  - user: a
    bot: b
  - include: 3
  - usr: hi
  - include: missing.yaml
  - user: fine
"""


def test_every_bad_turn_is_reported_where_it_is(tmp_path: Path) -> None:
    (tmp_path / "shop.yaml").write_text("start: s\n", encoding="utf-8")
    convo = load_convo_text(_TEXT, "t.convo.yaml", tmp_path)
    assert [str(p) for p in convo.problems] == [
        "t.convo.yaml:3:5: error: each turn must be a mapping with one key, like 'user: hello', not a string",
        "t.convo.yaml:4:5: error: each turn must be a mapping with one key, like 'user: hello', not a mapping",
        "t.convo.yaml:5:5: error: a turn has one key, like 'user: hello'; this one has 2: user, bot",
        "t.convo.yaml:7:14: error: 'include' must be the path of a file of turns, not 3",
        "t.convo.yaml:8:5: error: unknown turn 'usr'; did you mean 'user'?",
        "t.convo.yaml:9:14: error: cannot include missing.yaml: No such file or directory",
    ]
    assert convo.tests == ()
