"""The names of explored conversations: where the last input was given, the input and where it led, how when the
input does not say it (an intent, give_up, on_error, the HTTP answers planned), and unique in a stable way."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.testing.flow_on_disk import load_written
from workbench.flow.model import Flow
from workbench.testing.explore.output import write_suite
from workbench.testing.explore.search import explore
from workbench.testing.explore.writer import Names

FLOW = """\
name: Small
start: hello
nlu:
  intents:
    help: [I need help]
states:
  hello:
    say:
      - text: Hi! Pick one
        buttons:
          - {title: Count, goto: ask_count}
          - {title: Code, goto: lookup}
  ask_count:
    ask: How many?
    save: count
    expect: number
    give_up_goto: hello
    next: done
  done:
    say: Thanks.
  lookup:
    api: {method: GET, url: "http://127.0.0.1:9/codes", save: {owner: owner.name}}
    on_error: failed
    next: found
  found:
    say: It belongs to {owner}.
  failed:
    say: Lookup failed.
  helper:
    intent: help
    say: Here is some help.
"""


def flow(folder: Path) -> Flow:
    return load_written(folder, FLOW, "small.yaml")


def test_a_name_says_where_the_input_was_given_what_it_was_and_how_it_led_there(tmp_path: Path) -> None:
    exploration = asyncio.run(explore(flow(tmp_path)))
    names = [w.name for w in write_suite(exploration, tmp_path / "explored")]
    assert {
        "start → hello",
        "hello: [Count] → ask_count",
        "hello: [Code] → found",
        "hello: 'xyzzy plugh' → not_understood",
        "hello: 'I need help' → helper (intent help)",
        "hello: [Code] → failed (on_error; HTTP fails at lookup)",
        "ask_count: 'no idea' → hello (give_up)",
    } <= set(names)
    assert any(name.startswith("ask_count: '") and name.endswith("' → done") for name in names)


def test_names_are_made_unique_in_order_and_each_keeps_its_own_whatever_is_chosen(tmp_path: Path) -> None:
    names = Names()
    given = ["a → b", "a → b", "c", "a → b (2)", "a → b"]
    assert [names.unique(name) for name in given] == ["a → b", "a → b (2)", "c", "a → b (2) (2)", "a → b (3)"]
    exploration = asyncio.run(explore(flow(tmp_path)))
    every = write_suite(exploration, tmp_path / "all")
    chosen = write_suite(exploration, tmp_path / "chosen", only=[6, 2])
    assert [(w.path.name, w.name) for w in chosen] == [(w.path.name, w.name) for w in (every[2], every[6])]
    assert [w.path.read_bytes() for w in chosen] == [every[2].path.read_bytes(), every[6].path.read_bytes()]
