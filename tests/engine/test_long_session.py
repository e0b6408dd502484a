"""A long conversation keeps its memory bounded (issue 12, item 13): the log keeps its recent turns whole and folds
older ones into a snapshot; going back to a recent turn stays exact, and the provenance of a variable set long ago
survives the folding."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from echo_flow import NAMED_ECHO, talk

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.event_log import KEEP_TURNS
from workbench.engine.provenance import provenance
from workbench.engine.timeline import turn_point
from workbench.flow.model import Flow

TURNS = 3 * KEEP_TURNS


async def chat(
    flow: Flow, turns: int, keep_session_at: frozenset[int] = frozenset()
) -> tuple[Conversation, dict[int, Any]]:
    """A conversation of `turns` messages after the name; the session as it was after the turns asked for."""
    conversation = Conversation(flow)
    return conversation, await talk(conversation, turns, keep_session_at)


@pytest.fixture
def echo(flow_from: Callable[[str], Flow]) -> Flow:
    return flow_from(NAMED_ECHO)


def test_a_long_conversation_keeps_a_bounded_number_of_events(echo: Flow) -> None:
    async def scenario() -> tuple[int, int, int, int]:
        conversation, _ = await chat(echo, 2 * KEEP_TURNS)
        kept_then = len(list(conversation.events))
        for n in range(2 * KEEP_TURNS + 1, 4 * KEEP_TURNS + 1):
            await conversation.send_text(f"message {n}")
        await conversation.aclose()
        return kept_then, len(list(conversation.events)), len(conversation.events), len(conversation.timeline.points())

    kept_then, kept_now, counted, points = asyncio.run(scenario())

    assert kept_now <= kept_then  # twice the turns, no more events held
    assert counted > 2 * kept_now  # every event is still counted: indexes stay the conversation's
    assert points <= 2 * KEEP_TURNS * 4  # a turn has 4 points here (3 states and its end)


def test_going_back_to_a_recent_turn_after_many_is_exact(echo: Flow) -> None:
    recent = TURNS - 10

    async def scenario() -> tuple[dict, dict, dict, str | None]:
        conversation, sessions = await chat(echo, TURNS, keep_session_at=frozenset({recent}))
        await conversation.rewind(turn_point(conversation.events, recent + 2))  # turns 1 and 2: start and name
        back = conversation.session.snapshot()
        await conversation.send_text("another way")
        rebuilt = conversation.events.session(echo.variables).snapshot()
        live = conversation.session.snapshot()
        await conversation.aclose()
        return sessions[recent], back, {"rebuilt": rebuilt, "live": live}, conversation.session.get("last")

    then, back, after, last = asyncio.run(scenario())

    assert back == then
    assert back["last"] == f"message {recent}"
    assert last == "another way"
    assert after["rebuilt"] == after["live"]


def test_the_oldest_point_is_after_the_last_turn_folded_and_older_ones_say_why(echo: Flow) -> None:
    async def scenario() -> tuple[Conversation, str]:
        conversation, _ = await chat(echo, TURNS)
        with pytest.raises(IndexError) as refused:
            await conversation.rewind(0)
        await conversation.aclose()
        return conversation, str(refused.value)

    conversation, refusal = asyncio.run(scenario())
    log = conversation.events
    first = conversation.timeline.points()[0]

    assert log.compacted and log.start > 0
    assert (first.index, first.kind, first.turn) == (log.start, "turn", log.turns_before)
    assert first.label == f"after turn {log.turns_before} (the turns before it are no longer kept)"
    assert isinstance(log[log.start], ev.Event)
    with pytest.raises(IndexError):
        log[log.start - 1]
    with pytest.raises(LookupError):
        turn_point(log, 3)
    assert refusal.startswith("event 0 is no longer kept: the conversation keeps its last")
    assert f"the earliest point to go back to is after turn {log.turns_before}" in refusal


def test_a_variable_set_long_ago_keeps_its_provenance(echo: Flow) -> None:
    async def scenario() -> Conversation:
        conversation, _ = await chat(echo, TURNS)
        await conversation.aclose()
        return conversation

    conversation = asyncio.run(scenario())
    standing = provenance(conversation.events, echo.variables)

    assert conversation.events.compacted
    assert conversation.session.get("name") == "Ann"
    assert (standing["name"].value, standing["name"].origin, standing["name"].turn) == ("Ann", "ask", 2)
    assert standing["last"].value == f"message {TURNS}"
    assert standing["last"].index is not None and standing["last"].index >= conversation.events.start
