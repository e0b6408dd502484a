"""The replay's fast paths give the answers the long way gives: a file without document marks is one document as
the line-by-line split makes it, a plain scalar read again is the same value, the value objects of a suite compare
and hash as frozen ones did, an event log finds the next event of a kind as a scan would, and a suite that counts
no coverage gives the same results."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from padded_documents import padded

from workbench.engine import events as ev
from workbench.engine.event_log import EventLog
from workbench.testing import suite
from workbench.testing.assertions import BotExpectation, TextMatch
from workbench.testing.block_yaml import load_block_yaml
from workbench.testing.convo_format import ConvoTest, Turn, find_convo_files, load_convo_text
from workbench.testing.runner import ConvoResult, Failure, FlowCache

SAMPLE = Path(__file__).parents[2] / "flows"


def _split_line_by_line(text: str) -> list[str]:
    """What `padded` gives a text with no document mark: the lines joined again."""
    return ["\n".join(text.splitlines())]


@pytest.mark.parametrize(
    "text",
    ["flow: a.yaml\nturns:\n  - user: hi\n", "a: 1\r\nb: 2\r\n", "x: 1\n\n\n", "", "a: '--'\nb: ..\n"],
)
def test_a_text_without_document_marks_is_one_document_as_the_line_by_line_split_makes_it(text: str) -> None:
    assert padded(text) == _split_line_by_line(text)


def test_a_text_with_a_dash_line_inside_a_value_is_still_split_line_by_line() -> None:
    assert padded("a: '---'\nb: 1\n") == ["a: '---'\nb: 1"]
    assert padded("a: 1\n---\nb: 2\n") == ["a: 1", "\n   \nb: 2"]


def test_plain_scalars_read_again_are_the_same_values() -> None:
    text = "a: yes\nb: 12\nc: 1.5\nd: null\ne: true\nf: text\n"
    first, again = load_block_yaml(text), load_block_yaml(text)
    assert first is not None and again is not None
    assert dict(first.data) == dict(again.data) == {"a": "yes", "b": 12, "c": 1.5, "d": None, "e": True, "f": "text"}
    assert [type(v) for v in again.data.values()] == [str, int, float, type(None), bool, str]


def _test(folder: Path) -> ConvoTest:
    (folder / "hello.yaml").write_text("name: Hello\nstart: hi\nstates:\n  hi:\n    say: Hello!\n")
    convo = load_convo_text("flow: hello.yaml\nturns:\n  - bot: Hello!\n", str(folder / "t.convo.yaml"), folder)
    assert convo.ok
    return convo.tests[0]


def test_the_value_objects_of_a_suite_compare_and_hash_as_frozen_ones_did(tmp_path: Path) -> None:
    turn = Turn("user", "hi", "t.convo.yaml", 3, 5, "hi")
    assert turn == Turn("user", "hi", "t.convo.yaml", 3, 5, "hi") and len({turn, dataclasses.replace(turn)}) == 1
    match = TextMatch.parse("Hello!")
    assert hash(BotExpectation(texts=(match,))) == hash(BotExpectation(texts=(TextMatch.parse("Hello!"),)))
    failure = Failure(turn.loc, "why")
    result = ConvoResult("a", "t.convo.yaml", 1, "f.yaml", "failed", failure=failure, events=(ev.TurnFinished(),))
    assert result == result.without_events() and hash(result) == hash(result.without_events())
    assert result.without_events().events == () and result.without_events().failure is failure
    assert _test(tmp_path) == _test(tmp_path)


def test_a_flow_cache_gives_the_flow_it_last_loaded_without_looking_again(tmp_path: Path) -> None:
    test = _test(tmp_path)
    flows = FlowCache()
    loaded = flows.get(test.flow)
    test.flow.unlink()
    assert flows.last(test.flow) is loaded
    assert flows.get(test.flow).flow is None


def _four_turns_folded() -> EventLog:
    """A log of four turns (a user input and a bot message each) that folded its first ones away."""
    log = EventLog(keep_turns=1)
    for turn in range(4):
        log.append(ev.TurnStarted(input="text"))
        log.append(ev.BotMessage(state=f"s{turn}"))
        log.append(ev.TurnFinished())
    return log


def test_an_event_log_finds_the_next_event_of_a_kind_as_a_scan_does() -> None:
    log = _four_turns_folded()
    events = [log[i] for i in range(log.start, len(log))]

    def scanned(kind: type, start: int) -> int:
        return next(
            (i for i in range(max(start, log.start), len(log)) if type(events[i - log.start]) is kind), len(log)
        )

    assert log.start > 0
    for kind in (ev.BotMessage, ev.TurnFinished, ev.UserMessage):
        for start in range(len(log) + 1):
            assert log.find(kind, start) == scanned(kind, start), (kind, start)


def test_an_event_log_tells_whether_an_event_of_some_kinds_came_at_or_after_a_point() -> None:
    log = _four_turns_folded()
    kinds = frozenset({ev.BotMessage, ev.UserMessage})
    assert log.start > 0
    for start in range(len(log) + 1):
        assert log.has_any(kinds, start) == (log.find(ev.BotMessage, start) < len(log)), start
    assert not log.has_any(frozenset({ev.UserMessage}), 0)


def test_the_samples_suite_gives_the_same_results_with_and_without_coverage() -> None:
    files = [f for f in find_convo_files([SAMPLE]) if "live" not in os.path.basename(f)]
    counted = suite.run(suite.stream(files))
    uncounted = suite.run(suite.stream(files), coverage=False)
    assert [(r.id, r.status, r.failure) for r in uncounted.results] == [
        (r.id, r.status, r.failure) for r in counted.results
    ]
    assert counted.coverage.flows and not uncounted.coverage.flows
