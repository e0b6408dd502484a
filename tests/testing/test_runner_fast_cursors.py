"""The replay's event cursors, which an input clears: a `bot` turn takes the bot's messages since the last input, in
order, as a plain model of the rule says, whatever turns came before."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.loader import load_flow
from workbench.flow.model import Flow
from workbench.testing.convo_format import load_convo_text
from workbench.testing.runner import ConvoResult, Runner

ECHO = """name: Echo
start: ask0
states:
  ask0: {ask: Say something., save: said0, next: echo0}
  echo0: {say: 'You said: {said0}', next: more0}
  more0: {say: 'Again: {said0}', next: ask1}
  ask1: {ask: Say something., save: said1, next: echo1}
  echo1: {say: 'You said: {said1}', next: ask0}
"""
WORDS = ("a", "b")
BOT_TEXTS = ("Say something.", *(f"{lead}: {w}" for lead in ("You said", "Again") for w in WORDS))
Turn = tuple[str, str]


async def _said(flow: Flow, words: list[str]) -> list[list[str]]:
    """What the bot says at the start and after each of `words`, as the engine has it."""
    conversation = Conversation(flow)
    said: list[list[str]] = []
    for word in [None, *words]:
        mark = len(conversation.events)
        await (conversation.start() if word is None else conversation.send_text(word))
        said.append([e.text for e in conversation.events[mark:] if isinstance(e, ev.BotMessage)])
    await conversation.aclose()
    return said


def _model(turns: list[Turn], said: list[list[str]], strict: bool) -> int | None:
    """The index of the turn that fails (len(turns): the strict check after the last), None when all pass:
    each bot turn takes the next message since the last input."""
    inputs, messages, taken = 0, said[0], 0
    for index, (kind, value) in enumerate(turns):
        if kind == "user":
            if strict and taken < len(messages):
                return index
            inputs += 1
            messages, taken = said[inputs], 0
        elif taken == len(messages) or messages[taken] != value:
            return index
        else:
            taken += 1
    return len(turns) if strict and taken < len(messages) else None


_turns = st.lists(
    st.one_of(
        st.tuples(st.just("user"), st.sampled_from(WORDS)), st.tuples(st.just("bot"), st.sampled_from(BOT_TEXTS))
    ),
    min_size=1,
    max_size=8,
)


def _replayed(folder: Path, turns: list[Turn], strict: bool) -> ConvoResult:
    lines = "".join(f"  - {kind}: '{value}'\n" for kind, value in turns)
    convo = load_convo_text(f"flow: echo.yaml\nstrict: {str(strict).lower()}\nturns:\n{lines}", "t.convo.yaml", folder)
    assert convo.ok, [str(p) for p in convo.problems]

    async def go() -> ConvoResult:
        runner = Runner()
        try:
            return await runner.run(convo.tests[0])
        finally:
            await runner.aclose()

    return asyncio.run(go())


@settings(max_examples=60, deadline=None)
@given(turns=_turns, strict=st.booleans())
def test_bot_turns_take_the_messages_since_the_last_input_in_order(
    tmp_path_factory: pytest.TempPathFactory, turns: list[Turn], strict: bool
) -> None:
    folder = tmp_path_factory.mktemp("echo")
    (folder / "echo.yaml").write_text(ECHO, encoding="utf-8")
    result = _replayed(folder, turns, strict)
    said = asyncio.run(_said(load_flow(folder / "echo.yaml").flow, [value for kind, value in turns if kind == "user"]))
    failing = _model(turns, said, strict)
    if failing is None:
        assert result.passed, result.failure and result.failure.report()
    else:
        assert result.failure is not None
        # Turn i is on line 4 + i; the strict check after the last turn fails at the conversation.
        assert result.failure.loc.line == (4 + failing if failing < len(turns) else result.line)
