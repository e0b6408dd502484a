"""What a conversation finds once per flow (`conversation._facts_of`) is what each flow's own states say, however
conversations on several flows take turns."""

from __future__ import annotations

import asyncio

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation, _facts_of

GREETINGS = """
start: a
nlu: {intents: {hello: [hello there]}}
states:
  a: {say: Ready}
  greet: {intent: hello, say: Hi}
  greet_again: {intent: hello, say: Hi again, required_context: [never]}
"""

FAREWELLS = """
start: a
nlu: {intents: {hello: [hello there]}}
states:
  a: {say: Ready}
  leave: {intent: hello, say: Bye}
  handover: {offload: {message: Connecting you}}
"""


async def _said(conversation: Conversation, text: str) -> list[str]:
    await conversation.start()
    await conversation.send_text(text)
    return [e.text for e in conversation.events if isinstance(e, ev.BotMessage)]


def test_conversations_on_two_flows_in_turn_each_go_by_their_own_flow(flow_from) -> None:
    greetings, farewells = flow_from(GREETINGS), flow_from(FAREWELLS)
    for flow, said in [(greetings, "Hi"), (farewells, "Bye"), (greetings, "Hi"), (farewells, "Bye")]:
        conversation = Conversation(flow)
        assert asyncio.run(_said(conversation, "hello there")) == ["Ready", said]


def test_the_facts_of_a_flow_are_its_states(flow_from) -> None:
    greetings, farewells = flow_from(GREETINGS), flow_from(FAREWELLS)
    for flow in (greetings, farewells, greetings):
        facts = _facts_of(flow)
        assert facts.offloads == any(state.offload is not None for state in flow.states.values())
        expected = {"hello": tuple(state for state in flow.states.values() if state.intent == "hello")}
        assert facts.intent_states == expected
    assert [state.name for state in _facts_of(greetings).intent_states["hello"]] == ["greet", "greet_again"]
    assert _facts_of(farewells).offloads and not _facts_of(greetings).offloads
