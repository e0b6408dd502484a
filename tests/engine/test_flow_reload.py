"""Reloading the flow into a running conversation: the history stays, the conversation goes on with the new
version from where it was, says what changed, and restarts (saying so) only when its state is gone."""

import asyncio

from trip_flow import TRIP, TRIP_ASKING_ANEW, TRIP_WITHOUT_SEAT

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.provenance import provenance
from workbench.engine.timeline import points


def texts(events):
    return [e.text for e in events if isinstance(e, ev.BotMessage)]


def reloads(events):
    return [e for e in events if isinstance(e, ev.FlowReloaded)]


def test_a_reload_keeps_the_log_and_goes_on_with_the_new_version(flow_from):
    new_flow = flow_from(TRIP.replace("Going to {destination} in seat {seat}", "Off to {destination}, seat {seat}"))

    async def scenario():
        async with Conversation(flow_from(TRIP)) as conversation:
            await conversation.start()
            await conversation.send_text("Ghent")
            before = list(conversation.events)
            log = conversation.events
            changes = await conversation.replace_flow(new_flow)
            await conversation.send_text("12A")
        return conversation, before, log, changes

    conversation, before, log, changes = asyncio.run(scenario())
    assert conversation.events is log and conversation.events[: len(before)] == before
    assert changes.changed == ("done",) and not changes.added and not changes.removed
    (reloaded,) = reloads(conversation.events)
    assert reloaded.state == "ask_seat" and reloaded.restart_at is None
    assert reloaded.summary == "flow reloaded: done changed"
    assert conversation.flow is new_flow
    assert texts(conversation.events)[-1] == "Off to Ghent, seat 12A"
    assert provenance(conversation.events)["destination"].origin == "ask"
    assert [p.label for p in points(conversation.events) if p.kind == "turn"][-2] == "after turn 3 (reload)"


def test_when_the_current_state_is_gone_the_conversation_says_so_and_restarts_at_the_start(flow_from):
    without_seat = flow_from(TRIP_WITHOUT_SEAT)

    async def scenario():
        async with Conversation(flow_from(TRIP)) as conversation:
            await conversation.start()
            await conversation.send_text("Ghent")
            await conversation.replace_flow(without_seat)
        return conversation

    conversation = asyncio.run(scenario())
    (reloaded,) = reloads(conversation.events)
    assert reloaded.removed == ("ask_seat",) and reloaded.changed == ("ask_destination",)
    assert reloaded.summary == (
        "flow reloaded: ask_destination changed; the current state ask_seat was removed; "
        "the conversation restarts at welcome"
    )
    after = conversation.events[conversation.events.index(reloaded) :]
    entered = [e for e in after if isinstance(e, ev.StateEntered)]
    assert entered[0].state == "welcome" and entered[0].reason == "start"
    assert conversation.session.current_state == "done"
    assert conversation.session.get("destination") == "Ghent", "the session stays"


def test_going_back_to_before_a_reload_runs_the_new_version(flow_from):
    asks_again = flow_from(TRIP_ASKING_ANEW)

    async def scenario():
        async with Conversation(flow_from(TRIP)) as conversation:
            await conversation.start()
            await conversation.send_text("Ghent")
            await conversation.replace_flow(asks_again)
            before_ask = next(p for p in conversation.timeline.points() if p.state == "ask_destination")
            await conversation.rewind(before_ask)
        return conversation

    conversation = asyncio.run(scenario())
    assert texts(conversation.events)[-1] == "Where would you like to go?"
    assert conversation.flow is asks_again
    assert not reloads(conversation.events), "the reload happened after the point gone back to"
    assert len(reloads(conversation.timeline.branch(0).events)) == 1, "the branch left behind keeps it"


def test_the_session_takes_the_new_flows_defaults_unless_the_conversation_set_them(flow_from):
    async def scenario():
        async with Conversation(flow_from(TRIP), variables={"first_name": "Ann"}) as conversation:
            await conversation.start()
            await conversation.set_variable("greeting", "Hello")
            await conversation.replace_flow(flow_from(TRIP.replace("{greeting: Hi}", "{greeting: Hey, api: v2}")))
        return conversation.session

    session = asyncio.run(scenario())
    assert session.get("api") == "v2" and session.get("greeting") == "Hello" and session.get("first_name") == "Ann"


def test_a_reload_before_the_conversation_started_starts_it(flow_from):
    async def scenario():
        async with Conversation(flow_from(TRIP)) as conversation:
            await conversation.replace_flow(flow_from(TRIP.replace("Where to?", "Where now?")))
        return conversation

    conversation = asyncio.run(scenario())
    (reloaded,) = reloads(conversation.events)
    assert reloaded.summary == "flow reloaded: ask_destination changed; the conversation starts at welcome"
    assert texts(conversation.events) == ["Hi", "Where now?"]
