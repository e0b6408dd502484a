"""The conversation closest to catching each survivor: one that reaches the mutated state and shows something
different from the flow as it is (the bot says something else, it goes another way, it sends another request, it
ends with other variables) that no expectation looks at; else the one that checks the most after the state.
Shown in the text report and the JSON."""

from __future__ import annotations

import pytest

from tests.testing.test_mutate import FLOW
from workbench.testing.mutate.closest import Observation, Trace, closest
from workbench.testing.mutate.report import json_report, text_report
from workbench.testing.mutate.run import MutationRun, mutate

CONVERSATIONS = """\
flow: tiny.yaml
conversations:
  - name: an adult answers
    turns:
      - bot: How old are you?
      - user: "30"
  - name: a minor may try again
    turns:
      - bot: How old are you?
      - user: "10"
      - bot: Sorry, too young.
      - click: Again
      - bot: How old are you?
"""
"""Unlike test_mutate's suite, the adult's conversation ends without checking what the bot answers."""

ADULT, MINOR = "an adult answers", "a minor may try again"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> MutationRun:
    """test_mutate's tiny flow judged with the two conversations above."""
    folder = tmp_path_factory.mktemp("closest")
    (folder / "tiny.convo.yaml").write_text(CONVERSATIONS, encoding="utf-8")
    (folder / "tiny.yaml").write_text(FLOW, encoding="utf-8")
    return mutate(folder / "tiny.yaml")


def _closest(run: MutationRun, change: str) -> tuple[str, str, str] | None:
    verdict = next(v for v in run.verdicts if v.change == change)
    assert verdict.outcome == "survived"
    near = verdict.closest
    return None if near is None else (near.conversation.rpartition("::")[2], near.kind, near.hint)


def test_a_conversation_whose_bot_says_something_else_unchecked_is_the_closest(run: MutationRun) -> None:
    assert _closest(run, "adult.say: drop message 1 (Welcome, adult.)") == (
        ADULT,
        "says",
        "reaches it and the bot says something else, but no expectation checks it (no longer `bot: Welcome, adult.`)",
    )
    assert _closest(run, "route.next[0].goto: adult → minor") == (
        ADULT,
        "says",
        "reaches it and the bot says something else, but no expectation checks it "
        "(`bot: Sorry, too young.` instead of `bot: Welcome, adult.`)",
    )


def test_a_conversation_that_goes_another_way_unchecked_is_the_closest(run: MutationRun) -> None:
    assert _closest(run, "minor.say[1].buttons[0] (Again).goto: forget → wipe") == (
        MINOR,
        "goes",
        "reaches it and the conversation goes another way, but no state: turn checks it (→ wipe instead of → forget)",
    )


def test_a_conversation_that_ends_with_other_variables_unchecked_is_the_closest(run: MutationRun) -> None:
    assert _closest(run, "adult.set: drop grown") == (
        ADULT,
        "variables",
        'reaches it and ends with other variables, but no vars: turn checks them (grown: not set instead of "yes")',
    )
    assert _closest(run, "ask_age.expect: number → any")[2].endswith('(age: "30" instead of 30)')


def test_when_nothing_differs_the_conversation_checking_most_after_the_state_is_the_closest(run: MutationRun) -> None:
    # After `route`, the adult's conversation checks nothing, the minor's two bot turns.
    assert _closest(run, "route.next[0].if: age >= 18 → age > 18") == (
        MINOR,
        "checks",
        "reaches it and checks 2 expectations after it; none sees a difference",
    )


def test_a_survivor_that_no_conversation_reaches_has_no_closest(run: MutationRun) -> None:
    assert _closest(run, "wipe.next: ask_age → route") is None


def test_the_reports_name_the_closest_conversation(run: MutationRun) -> None:
    text = text_report(run)
    assert (
        "    minor.say[1].buttons[0] (Again).goto: forget → wipe\n"
        "      closest: a minor may try again (tiny.convo.yaml): reaches it and the conversation goes another way"
    ) in text
    found = {m["change"]: m["closest"] for m in json_report(run)["mutants"]}
    assert found["adult.set: drop grown"]["kind"] == "variables"
    assert found["adult.set: drop grown"]["conversation"].endswith("tiny.convo.yaml::an adult answers")
    assert found["wipe.next: ask_age → route"] is None


def test_an_unchecked_request_difference_beats_more_expectations_and_is_shown_where_it_differs() -> None:
    same = Trace(said=("bot: hi",), path=("a",), sent=("POST http://x/t " + '{"a":1,' * 30 + '"to":"Ghent"}',))
    other = Trace(said=same.said, path=same.path, sent=("POST http://x/t " + '{"a":1,' * 30 + '"to":2}',))
    baseline = {0: same, 1: same, 2: same}
    observations = [
        Observation(0, "f::checks a lot", same, 9),
        Observation(1, "f::sends another body", other, 1),
        Observation(2, "f::checks little", same, 2),
    ]
    near = closest(observations, baseline)
    assert near is not None
    assert (near.conversation, near.kind) == ("f::sends another body", "sends")
    assert near.hint.startswith("reaches it and makes another HTTP request, but no expectation checks it (`…")
    assert '"to":2}` instead of `…' in near.hint and near.hint.endswith('"to":"Ghent"}`)')
    assert closest([observations[0], observations[2]], baseline).conversation == "f::checks a lot"
    assert closest(observations, {}) is None, "only conversations that reached the state on the flow as it is"


def test_the_first_of_equally_close_conversations_is_the_closest() -> None:
    trace = Trace(said=("bot: hi",), path=("a",))
    observations = [Observation(3, "f::first", trace, 2), Observation(5, "f::second", trace, 2)]
    assert closest(observations, {3: trace, 5: trace}).conversation == "f::first"
