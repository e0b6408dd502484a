"""Every recording loads back and replays: arbitrary user texts (YAML-significant ones, line and paragraph
separators, DEL, controls, white space only, very long lines, lone surrogates) recorded from a real conversation,
written as a file, loaded with the convo loader and replayed with the runner pass.

A small budget by default; 10,000 examples with `WORKBENCH_FUZZ_LONG=1` (as the fuzzers in tests/fuzz).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from echo_flow import ECHO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from replayed_recording import replay_saved

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.loader import load_flow_or_raise
from workbench.testing.recorder import REPLACEMENT, record

LONG = os.environ.get("WORKBENCH_FUZZ_LONG") == "1"
BUDGET = settings(
    max_examples=10_000 if LONG else 50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    derandomize=not LONG,
)

TRICKY = [
    "yes",
    "no",
    "null",
    "~",
    "true",
    "- x",
    "#",
    "# not a comment",
    ": ",
    "a: b",
    "key: value",
    "[1, 2]",
    "{a: 1}",
    "'",
    '"',
    "&anchor",
    "*alias",
    "!tag",
    "|",
    ">",
    "%",
    "@",
    "`",
    "---",
    "...",
    "/regex/",
    "12",
    "0x1F",
    "1e3",
    "",
    " ",
    "   ",
    "\t",
    "\n",
    "\r\n",
    "\u00a0",
    "a\u2028b",
    "\u2029",
    "\x7f",
    "\x85",
    "\x00",
    "\x1b[31m",
    "\ufeff",
    "\ufffe",
    "\ud800",
    "x\udcff y",
    "\U0001f600",
    "a" * 20_000,
    "{said}",
    "\\u0041",
]
user_texts = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet=st.characters(codec=None), max_size=40),
    st.lists(st.sampled_from(TRICKY), min_size=1, max_size=4).map("".join),
)


def as_written(text: str) -> str:
    """What a recording keeps of `text`: every lone surrogate as U+FFFD."""
    return "".join(REPLACEMENT if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def record_and_replay(folder: Path, texts: list[str]) -> tuple[Path, list[str], object]:
    """Talk to the echo flow with `texts`, save the recording in `folder`, and replay the file."""
    flow_path = folder / "echo.yaml"
    flow_path.write_text(ECHO, encoding="utf-8")
    flow = load_flow_or_raise(flow_path)
    convo = folder / "recorded.convo.yaml"

    async def go() -> tuple[list[str], object]:
        async with Conversation(flow) as conversation:
            await conversation.start()
            for text in texts:
                await conversation.send_text(text)
            recording = record(conversation.events, flow, name="Recorded", flow_ref="echo.yaml")
        result = await replay_saved(convo, recording)
        sent = [e.text for e in result.events if isinstance(e, ev.UserMessage)]
        return sent, result

    sent, result = asyncio.run(go())
    return convo, sent, result


@BUDGET
@given(texts=st.lists(user_texts, min_size=1, max_size=3))
def test_every_recording_loads_back_and_replays_what_the_user_sent(tmp_path_factory, texts: list[str]) -> None:
    convo, sent, result = record_and_replay(tmp_path_factory.mktemp("round_trip"), texts)
    assert result.passed, result.failure and result.failure.report()
    assert sent == [as_written(t) for t in texts]
    convo.read_bytes().decode("utf-8")  # valid UTF-8, whatever the user typed


def test_a_lone_surrogate_is_recorded_as_the_replacement_character(tmp_path: Path) -> None:
    convo, sent, result = record_and_replay(tmp_path, ["left \ud83d alone"])
    assert result.passed, result.failure and result.failure.report()
    assert sent == ["left \ufffd alone"]
    text = convo.read_text(encoding="utf-8")
    assert '  - user: left \ufffd alone\n  - bot: "You said: left \ufffd alone"\n' in text


def test_characters_yaml_reads_as_line_breaks_or_refuses_are_escaped(tmp_path: Path) -> None:
    convo, sent, result = record_and_replay(tmp_path, ["a\u2028b\x7fc", "   "])
    assert result.passed, result.failure and result.failure.report()
    assert sent == ["a\u2028b\x7fc", "   "]
    text = convo.read_text(encoding="utf-8")
    assert '  - user: "a\\u2028b\\u007fc"\n' in text
    assert '  - user: "   "\n' in text
