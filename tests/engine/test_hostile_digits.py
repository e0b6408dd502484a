"""Text that `str.isdigit` calls digits but `int` cannot read (`²`, `①`, a run of 5,000 nines) is read as what it
is wherever a number may be written: a button number, an iframe's height, an HTTP Content-Length, a shard. It is
never taken to the engine's last-resort handler or out of a call as an exception."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.sandbox import Sandbox
from workbench.flow.model import Flow
from workbench.flow.whole_numbers import whole_number
from workbench.testing.explore.conditions import confirm, solve
from workbench.testing.mutate.shards import Shard

NOT_NUMBERS = ["²", "①", "5²", "¹²", "9" * 5000, " 1", "+1", "1.0", ""]

BUTTONS = """
start: pick
states:
  pick:
    say:
      - text: Pick one
        buttons: [{title: One, goto: one}, {title: Two, goto: two}]
  one: {say: You took one}
  two: {say: You took two}
"""


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_a_text_that_only_looks_like_digits_is_no_whole_number(text: str) -> None:
    assert whole_number(text) is None


def test_whole_numbers_are_read_in_any_scripts_decimal_digits() -> None:
    assert [whole_number(t) for t in ("0", "42", "٣", "१२", "9" * 18)] == [0, 42, 3, 12, int("9" * 18)]


async def _replies(flow: Flow, act: Callable[[Conversation], object]) -> list[ev.Event]:
    async with Conversation(flow) as conversation:
        await conversation.start()
        mark = len(conversation.events)
        await act(conversation)  # type: ignore[misc]
        return list(conversation.events)[mark:]


@pytest.mark.parametrize("text", ["²", "①", "9" * 5000])
def test_typing_superscripts_or_endless_digits_where_buttons_wait_is_not_understood(
    flow_from: Callable[[str], Flow], text: str
) -> None:
    events = asyncio.run(_replies(flow_from(BUTTONS), lambda c: c.send_text(text)))
    assert not [e for e in events if isinstance(e, ev.EngineError)]
    assert [e.state for e in events if isinstance(e, ev.StateEntered)] == ["not_understood"]


def test_pressing_a_superscript_says_there_is_no_such_button(flow_from: Callable[[str], Flow]) -> None:
    events = asyncio.run(_replies(flow_from(BUTTONS), lambda c: c.press("²")))
    errors = [e for e in events if isinstance(e, ev.EngineError)]
    assert [(e.error, e.message) for e in errors] == [("input", "there is no button '²' to press")]


def test_a_button_number_in_another_scripts_digits_still_presses_it(flow_from: Callable[[str], Flow]) -> None:
    events = asyncio.run(_replies(flow_from(BUTTONS), lambda c: c.send_text("٢")))
    assert [e.text for e in events if isinstance(e, ev.BotMessage)] == ["You took two"]


def test_the_terminal_chat_takes_a_superscript_as_text(tmp_path, flow_from: Callable[[str], Flow]) -> None:
    flow = tmp_path / "buttons.yaml"
    flow.write_text(BUTTONS, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "chat", str(flow)],
        input="²\n2\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "you> ²\nbot> Sorry, I didn't understand that.\nyou> 2\nbot> You took two" in done.stdout


@pytest.mark.parametrize("text", ["²/3", "1/³", "9" * 5000 + "/2"])
def test_a_shard_written_with_odd_digits_is_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(ValueError, match="expected K/N"):
        Shard.parse(text)


def _iframe_media(flow_from: Callable[[str], Flow], options: str) -> list[dict | None]:
    """The media of the iframe messages a code action sends with `addIframe(url, options)`."""
    flow = flow_from(
        f"""
        start: show
        states:
          show:
            code: "ChatlayerResponseBuilder().addIframe('https://example.com/p', {options}).send();"
            next: done
          done: {{say: Shown}}
        """
    )

    async def started() -> list[ev.Event]:
        async with Conversation(flow) as conversation:
            await conversation.start()
            return list(conversation.events)

    events = asyncio.run(started())
    assert not [e for e in events if isinstance(e, ev.EngineError)]
    return [e.media for e in events if isinstance(e, ev.BotMessage) and e.type == "iframe"]


@pytest.mark.parametrize("height", ["'²px'", "'9'.repeat(5000)", "'①'"])
def test_an_iframe_height_in_odd_digits_is_no_height(flow_from: Callable[[str], Flow], height: str) -> None:
    assert _iframe_media(flow_from, f"{{height: {height}}}") == _iframe_media(flow_from, "{}")
    assert _iframe_media(flow_from, "{height: '300px'}") != _iframe_media(flow_from, "{}")


def test_explore_solves_a_condition_on_a_key_written_in_superscript() -> None:
    solution = solve("items['²'] == 'x'", {"items": {}})
    assert (solution.status, solution.writes) == ("solved", {"items.²": "x"})

    async def in_v8() -> bool:
        async with Sandbox() as sb:
            return (await confirm(solution, {"items": {}}, sb)).confirmed

    assert asyncio.run(in_v8())
