"""What the window needs of the testing package: a replay that stops at a turn and leaves the conversation open,
a parallel run that can be stopped, and recordings with tags or with the network instead of canned answers."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import httpx

from workbench.engine.conversation import Conversation
from workbench.flow.loader import load_flow_or_raise
from workbench.testing import suite
from workbench.testing.convo_format import load_convo_file
from workbench.testing.recorder import record
from workbench.testing.runner import prepare, replay


def test_a_replay_up_to_a_turn_leaves_the_conversation_open_before_that_turn(data: Path) -> None:
    test = load_convo_file(data / "coffee.convo.yaml").tests[0]
    upto = next(i for i, turn in enumerate(test.turns) if turn.kind == "user" and turn.value == "large")

    async def go() -> tuple[object, str | None, str | None]:
        harness = prepare(test, load_flow_or_raise(test.flow))
        try:
            failure = await replay(test, harness, upto=upto)
            before = harness.conversation.session.current_state
            await harness.conversation.send_text("large")  # a person goes on from there
            return failure, before, harness.conversation.session.get("size")
        finally:
            await harness.aclose()

    failure, state, size = asyncio.run(go())
    assert failure is None
    assert state == "ask_size"
    assert size == "large"


def test_a_partial_replay_still_stops_at_the_first_failure(data: Path, tmp_path: Path) -> None:
    convo = tmp_path / "broken.convo.yaml"
    convo.write_text(f"flow: {data / 'shop.yaml'}\nturns:\n  - click: Coffee\n  - bot: nope\n  - user: large\n")
    test = load_convo_file(convo).tests[0]

    async def go() -> str | None:
        harness = prepare(test, load_flow_or_raise(test.flow))
        try:
            failure = await replay(test, harness, upto=3)
            return failure.turn if failure else None
        finally:
            await harness.aclose()

    assert asyncio.run(go()) == "bot: nope"


def test_a_stopped_parallel_run_drops_what_has_not_started(data: Path) -> None:
    files = [data / "coffee.convo.yaml", data / "suite.convo.yaml"] * 3
    todo = suite.plan(files)
    stop = threading.Event()
    stop.set()
    result = suite.run(todo, workers=2, stop=stop)
    assert 0 < len(result.results) < todo.count


def test_a_recording_can_carry_tags_and_use_the_network_instead_of_canned_answers(data: Path) -> None:
    flow = load_flow_or_raise(data / "prices.yaml")

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"distance_km": 10, "session": {"namespace": "booking", "data": {}}})

    async def go() -> Conversation:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            conversation = Conversation(flow, http=client)
            await conversation.start()
            await conversation.send_text("Paris")
            await conversation.aclose()
        return conversation

    conversation = asyncio.run(go())
    text = record(conversation.events, flow, name="Live", flow_ref="prices.yaml", tags=["live"], canned_http=False)
    assert "\ntags: [live]\n" in text
    assert "\nhttp: passthrough\n" in text
    canned = record(conversation.events, flow, name="Canned", flow_ref="prices.yaml")
    assert "\nhttp:\n  - request: GET {api_base}/price?to=Paris\n" in canned
