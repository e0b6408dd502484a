"""A code action's `send()` far past the limits (1 MB a value or a message, 5 MB in all) is not handed over by the
prelude: the engine never reads it back (an 18 MB array of empty objects took 16 s and 1.5 GB to parse and walk,
with the event loop blocked), and refuses it with the message it gives a result just past the limits. Nothing
within the limits is refused on the way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.model import Flow


def ran(flow_from: Callable[[str], Flow], source: str) -> Conversation:
    flow = flow_from(
        f"""
        start: c
        states:
          c:
            code: {source!r}
            next: done
          done: {{say: done}}
        """
    )

    async def go() -> Conversation:
        async with Conversation(flow) as conversation:
            await conversation.start()
            return conversation

    return asyncio.run(go())


def errors(conversation: Conversation) -> list[str]:
    return [e.message for e in conversation.events if isinstance(e, ev.EngineError)]


@pytest.mark.parametrize(
    ("source", "refusal"),
    [
        (
            "ChatlayerResponseBuilder().addSessionVariable('big', new Array(6e6).fill({})).send();",
            'addSessionVariable("big"): the value is 17.2 MB, more than 1 MB',
        ),
        (
            "ChatlayerResponseBuilder().addSessionVariable('ok', 1).addMessage('x'.repeat(3e6)).send();",
            "message 1: the value is 2.9 MB, more than 1 MB",
        ),
        (
            "const b = ChatlayerResponseBuilder();"
            " for (let i = 0; i < 12; i++) b.addSessionVariable('v' + i, 'x'.repeat(1e6)); b.send();",
            "it is 11.4 MB in all, more than 5 MB",
        ),
    ],
)
def test_a_result_far_past_the_limits_is_refused_whole(
    flow_from: Callable[[str], Flow], source: str, refusal: str
) -> None:
    conversation = ran(flow_from, source)
    assert errors(conversation) == [f"send() in the code of state 'c' was refused: {refusal}; nothing was applied"]
    assert conversation.session.get("big") is None and conversation.session.get("ok") is None


def test_a_value_just_past_the_limit_is_refused_by_the_engines_own_count(flow_from: Callable[[str], Flow]) -> None:
    conversation = ran(flow_from, "ChatlayerResponseBuilder().addSessionVariable('big', 'x'.repeat(1100000)).send();")
    assert errors(conversation) == [
        "send() in the code of state 'c' was refused: addSessionVariable(\"big\"): the value is 1.0 MB, more than"
        " 1 MB; nothing was applied"
    ]


@pytest.mark.parametrize(
    "value",
    [
        "'€'.repeat(349000)",  # 1,047,002 bytes in UTF-8: 349,002 characters for JavaScript
        "'x'.repeat(1048000)",
    ],
)
def test_a_value_within_the_limit_is_applied_however_javascript_counts_it(
    flow_from: Callable[[str], Flow], value: str
) -> None:
    conversation = ran(flow_from, f"ChatlayerResponseBuilder().addSessionVariable('fits', {value}).send();")
    assert errors(conversation) == []
    assert len(conversation.session.get("fits")) in (349000, 1048000)
