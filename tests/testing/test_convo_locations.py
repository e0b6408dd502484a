"""Convo files read by the fast block-YAML reader keep every `file:line:column` a report or a problem gives."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from workbench.testing import convo_format
from workbench.testing.block_yaml import load_block_yaml
from workbench.testing.convo_format import ConvoFile, load_convo_file
from workbench.testing.runner import ConvoResult

DATA = Path(__file__).parent / "data"
Replay = Callable[..., ConvoResult]

PLAIN = """\
# Everything here is plain block YAML, so the fast reader reads it.
flow: {flow}
start: welcome
http:
  - request: POST {{api_base}}/orders
    status: 201
    body: done
conversations:
  - name: Coffee   # the first
    turns:
      - bot: Welcome to the shop!
      - click: Coffee
      - state: ask_size
  - name: Tea
    tags:
      - tea
    turns:
      -   user: 'I''d like tea'
      - vars:
          drink: tea
          size: ~
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plain.convo.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def locations(loaded: ConvoFile) -> list[str]:
    """Every location and written text the loaded file gives, in order."""
    found = [str(p) for p in loaded.problems]
    for test in loaded.tests:
        found += [f"{test.loc} {test.name}", str(test.start_loc), *(f"{s.loc} {s.describe()}" for s in test.http)]
        found += [f"{turn.loc} {turn.text}" for turn in test.turns]
    return found


def test_a_plain_file_gives_the_same_locations_with_the_fast_reader_as_with_the_full_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = PLAIN.format(flow=DATA / "shop.yaml")
    assert load_block_yaml(text) is not None
    path = write(tmp_path, text)
    fast = load_convo_file(path)
    monkeypatch.setattr(convo_format, "load_block_yaml", lambda _: None)
    assert locations(fast) == locations(load_convo_file(path))
    file = str(path)
    assert locations(fast) == [
        f"{file}:9:5 Coffee",
        f"{file}:3:8",
        f"{file}:5:5 POST {{api_base}}/orders",
        f"{file}:11:9 bot: Welcome to the shop!",
        f"{file}:12:9 click: Coffee",
        f"{file}:13:9 state: ask_size",
        f"{file}:14:5 Tea",
        f"{file}:3:8",
        f"{file}:5:5 POST {{api_base}}/orders",
        f"{file}:18:11 user: I'd like tea",
        f'{file}:19:9 vars: {{"drink": "tea", "size": null}}',
    ]


@pytest.mark.parametrize(
    ("turns", "where", "message"),
    [
        ("      - botx: hello\n", "4:9", "unknown turn 'botx'; did you mean 'bot'?"),
        ("      - click: 0\n", "4:16", "'click' must be a button title or number (from 1), not 0"),
        ("      - user: hi\n        bot: hello\n", "4:9", "a turn has one key, like 'user: hello'; this one has 2"),
        ("      - vars:\n          a..b: 2\n", "5:11", "'a..b' is not a variable name"),
    ],
)
def test_a_problem_in_a_plain_file_is_reported_at_its_line_and_column(
    tmp_path: Path, turns: str, where: str, message: str
) -> None:
    text = f"flow: {DATA / 'shop.yaml'}\nconversations:\n  - turns:\n{turns}"
    assert load_block_yaml(text) is not None
    loaded = load_convo_file(write(tmp_path, text))
    assert not loaded.ok
    assert str(loaded.problems[0]).startswith(f"{tmp_path / 'plain.convo.yaml'}:{where}: error: {message}")


def test_a_duplicate_key_left_to_the_full_reader_is_still_reported_where_it_is(tmp_path: Path) -> None:
    text = f"flow: {DATA / 'shop.yaml'}\nturns:\n  - user: hi\nturns:\n  - user: ho\n"
    assert load_block_yaml(text) is None
    problems = [str(p) for p in load_convo_file(write(tmp_path, text)).problems]
    assert problems == [f"{tmp_path / 'plain.convo.yaml'}:4:1: error: duplicate key 'turns' (first given on line 2)"]


def test_a_failing_turn_of_a_plain_file_reports_its_line_and_column(replay: Replay) -> None:
    turns = """
        turns:
          - bot: Welcome to the shop!
          # a comment line does not shift what follows
          -   bot: 'Welcome to the store!'
        """  # line 6 of the file, after the flow line and a blank one; the turn's mapping starts at column 7
    assert load_block_yaml(textwrap.dedent(turns)) is not None
    result = replay(turns)
    assert result.failure is not None
    assert str(result.failure.loc).endswith("inline.convo.yaml:6:7")
    assert result.failure.turn == "bot: Welcome to the store!"
