"""Regular expressions cannot block the loop: authors' patterns run with a time bound, the built-in ones are linear."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

import pytest
from fidelity.convo import replay as replay_convo

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.entities.system import system_entities
from workbench.engine.inputs import EXPECT_KINDS, validate, warm_up_dates
from workbench.flow.regex_limits import TIMEOUT, PatternTimeout, compile_pattern
from workbench.testing.runner import ConvoResult

CATASTROPHIC = "/^(a|aa)+$/"
"""Backtracks exponentially in the length of a run of `a`s that does not end the text."""
VICTIM = "a" * 40 + "b"

HOSTILE_TEXTS = {
    "dotted labels": "a." * 10_000,
    "a name without a domain": "a" * 20_000 + "@",
    "hyphenated labels": "a-" * 10_000 + ".",
    "spaced digits": "1 " * 10_000,
    "dotted digits": "1." * 10_000,
    "digits and brackets": "1(" * 10_000,
    "digits and colons": "1:" * 10_000,
    "digits and slashes": "1/" * 10_000,
    "one long number": "1" * 20_000,
    "numbers in words": "one " * 5_000,
    "dates and times": "next monday at 3 pm " * 1_000,
    "plus and bracket": "+(" * 10_000,
    "one long word": "x" * 20_000,
}
TODAY = dt.date(2024, 1, 1)


@pytest.fixture(scope="module", autouse=True)
def dates_loaded() -> None:
    """The date parser's one-off start-up (about 150 ms) is not what these tests time."""
    warm_up_dates()


def seconds(action: object) -> float:
    began = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - began


def test_a_catastrophic_expect_pattern_is_stopped_and_counts_as_no_match_with_a_warning() -> None:
    began = time.perf_counter()
    checked = validate(CATASTROPHIC, VICTIM)
    assert time.perf_counter() - began < 2
    assert not checked.ok
    assert checked.warning == (
        f"the pattern {CATASTROPHIC} took longer than {TIMEOUT:g} s on this input: treated as no match"
    )


def test_a_bounded_pattern_still_matches_what_it_matches() -> None:
    assert validate(CATASTROPHIC, "aaaa").ok
    assert validate("/^T-\\d+$/i", "t-42").value == "t-42"
    assert not validate("/^T-\\d+$/", "t-42").ok


def test_a_timed_out_search_says_which_pattern_in_the_authors_terms() -> None:
    with pytest.raises(PatternTimeout, match=r"the pattern /\^\(a\|aa\)\+\$/ took longer than"):
        compile_pattern("^(a|aa)+$").search(VICTIM)


@pytest.mark.parametrize("kind", EXPECT_KINDS)
@pytest.mark.parametrize("text", HOSTILE_TEXTS.values(), ids=HOSTILE_TEXTS.keys())
def test_every_built_in_expect_classifies_20000_hostile_characters_in_well_under_a_second(kind: str, text: str) -> None:
    assert seconds(lambda: validate(kind, text, today=TODAY)) < 1


@pytest.mark.parametrize("text", HOSTILE_TEXTS.values(), ids=HOSTILE_TEXTS.keys())
def test_system_entities_of_20000_hostile_characters_are_found_in_well_under_a_second(text: str) -> None:
    assert seconds(lambda: system_entities(text, dt.datetime(2024, 1, 1))) < 1


def test_the_linear_address_patterns_still_find_addresses() -> None:
    assert validate("url", "see www.chatlayer.ai/jobs.").value == "www.chatlayer.ai/jobs"
    assert validate("url", "visit example.com.").value == "example.com"
    assert validate("url", "a.b.c.example.org/x").value == "a.b.c.example.org/x"
    assert validate("email", "mail me at ann.b+x@mail.example.be please").value == "ann.b+x@mail.example.be"
    assert validate("phone_number", "call +32 487 23 02 03 or my.site.be").value == "(+32) 487230203"


def replay(tmp_path: Path, bot_turn: str) -> ConvoResult:
    """The runner's result for a convo file whose one bot turn is `bot_turn`, on a flow that says VICTIM."""
    flow = f"name: echo\nstart: hello\nstates:\n  hello:\n    say: {VICTIM}\n"
    return replay_convo(tmp_path, flow, f"timeout: 5\nturns:\n  - bot: '{bot_turn}'\n")


def test_a_catastrophic_bot_pattern_in_a_convo_file_fails_the_turn_in_time_and_says_why(tmp_path: Path) -> None:
    began = time.perf_counter()
    result = replay(tmp_path, CATASTROPHIC)
    assert time.perf_counter() - began < 5
    assert result.status == "failed"
    assert result.failure is not None
    assert f"the pattern {CATASTROPHIC} took longer than {TIMEOUT:g} s on this input" in result.failure.report()


def test_a_bot_pattern_that_matches_in_time_passes(tmp_path: Path) -> None:
    assert replay(tmp_path, "/^a+b$/").passed


def test_a_catastrophic_expect_pattern_in_a_conversation_warns_and_asks_again(flow_from) -> None:
    flow = flow_from(
        f"""
        name: Codes
        start: ask_code
        states:
          ask_code:
            ask: Your code?
            save: code
            expect: "{CATASTROPHIC}"
            retry: That is not a code.
            next: done
          done:
            say: Thanks
        """
    )

    async def scenario() -> Conversation:
        conversation = Conversation(flow)
        await conversation.start()
        await conversation.send_text(VICTIM)
        await conversation.aclose()
        return conversation

    conversation = asyncio.run(scenario())
    warnings = [e.message for e in conversation.events if isinstance(e, ev.EngineWarning)]
    assert warnings == [f"the pattern {CATASTROPHIC} took longer than {TIMEOUT:g} s on this input: treated as no match"]
    assert [e.text for e in conversation.events if isinstance(e, ev.BotMessage)][-1] == "That is not a code."
    assert conversation.session.get("code") is None
