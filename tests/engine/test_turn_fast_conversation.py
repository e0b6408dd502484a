"""What a conversation takes from the ones before it gives what making it afresh gives: the conversations of one
flow and clock share its NLU matchers, in the order a fresh `LanguageModels` gives them, and a conversation with
another clock (or on another flow) reads by its own, however the conversations follow one another."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from multilingual_flow import bilingual_flow

from workbench.engine import languages
from workbench.engine.conversation import Conversation


def _fresh(conversation: Conversation, language: str) -> tuple[tuple[object, object], ...]:
    fresh = languages.LanguageModels(conversation.flow, conversation.models.clock).in_order(language)
    return tuple((matcher._model, matcher.clock) for matcher in fresh)


def test_conversations_of_one_flow_and_clock_share_the_matchers_a_fresh_start_makes() -> None:
    flow = bilingual_flow()
    first, second = Conversation(flow), Conversation(flow)
    assert second.models is first.models and second.matcher is first.matcher
    for language in ("en", "nl", "fr"):
        shared = first.models.in_order(language)
        assert shared is second.models.in_order(language)
        assert tuple((matcher._model, matcher.clock) for matcher in shared) == _fresh(first, language)
    assert first._matchers == first.models.in_order("en")


def test_a_conversation_with_its_own_clock_or_flow_reads_by_its_own() -> None:
    flow, other = bilingual_flow(), bilingual_flow()
    monday, friday = dt.datetime(2024, 5, 13, 9), dt.datetime(2024, 5, 17, 9)
    on_monday = Conversation(flow, clock=lambda: monday)
    on_friday = Conversation(flow, clock=lambda: friday)
    again = Conversation(flow, clock=on_monday._clock)
    elsewhere = Conversation(other, clock=on_monday._clock)
    assert on_friday.models is not on_monday.models and elsewhere.models is not again.models
    assert elsewhere.models.flow is other and again.models.flow is flow
    assert on_monday.matcher.extract_entities("tomorrow")["sys.time"].startswith("2024-05-14")
    assert on_friday.matcher.extract_entities("tomorrow")["sys.time"].startswith("2024-05-18")
    assert again.matcher.extract_entities("tomorrow")["sys.time"].startswith("2024-05-14")


def test_a_conversation_after_others_understands_what_a_first_one_does(monkeypatch: pytest.MonkeyPatch) -> None:
    flow = bilingual_flow()

    async def understood(conversation: Conversation) -> list[object]:
        await conversation.start()
        await conversation.send_text("goedemorgen")
        return [
            (event.kind, getattr(event, "name", None), getattr(event, "value", None)) for event in conversation.events
        ]

    monkeypatch.setattr(languages, "_last_models", None)  # the first conversation makes its models
    first = asyncio.run(understood(Conversation(flow)))
    Conversation(bilingual_flow())
    assert asyncio.run(understood(Conversation(flow))) == first
    assert asyncio.run(understood(Conversation(flow))) == first
