"""Variable paths with huge indexes cannot exhaust memory: indexes and list growth are bounded, with a reason."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.session import MAX_GROWTH, Session, set_path
from workbench.flow.model import Flow
from workbench.flow.paths import MAX_INDEX, PathError, parse_path

TOO_LARGE = "index 100000000 in x[100000000] is too large (at most 10000)"


def test_a_path_with_an_index_above_the_bound_is_refused_with_the_reason() -> None:
    with pytest.raises(PathError) as refused:
        parse_path("x[100000000]")
    assert str(refused.value) == TOO_LARGE
    assert parse_path(f"x[{MAX_INDEX}]") == ("x", MAX_INDEX)


def test_an_index_of_thousands_of_digits_is_refused_at_once_and_said_briefly() -> None:
    began = time.perf_counter()
    with pytest.raises(PathError) as refused:
        parse_path("x[" + "9" * 50_000 + "]")
    assert time.perf_counter() - began < 0.5
    assert len(str(refused.value)) < 200 and str(refused.value).endswith(f"is too large (at most {MAX_INDEX})")


def test_a_write_may_reach_only_so_far_past_a_lists_end() -> None:
    session = Session(defaults={"seats": ["1A", "1B"]})
    assert session.write_refusal(f"seats[{2 + MAX_GROWTH}]") is None
    assert session.write_refusal(f"seats[{3 + MAX_GROWTH}]") == (
        f"cannot set seats[{3 + MAX_GROWTH}]: index {3 + MAX_GROWTH} is {1 + MAX_GROWTH} past the end of seats "
        f"(it has 2 items; a write may reach at most {MAX_GROWTH} past the end)"
    )
    assert session.write_refusal("fresh[5000]") is not None


def test_a_write_of_an_index_into_an_object_is_refused_in_jsons_terms_and_changes_nothing() -> None:
    data: dict[str, Any] = {"user": {"name": "Ann"}}
    with pytest.raises(PathError, match=r"^cannot set user\[0\]\.x: user is an object, not a list$"):
        set_path(data, "user[0].x", 1)
    with pytest.raises(PathError, match=r"is a list, not an object"):
        set_path({"seats": []}, "seats.first", 1)
    assert data == {"user": {"name": "Ann"}}


def test_a_logged_write_the_session_cannot_hold_is_not_applied_and_the_log_still_rebuilds() -> None:
    events = [
        ev.VariableChanged(name="arr[3000000]", value=1, origin="iframe"),
        ev.VariableChanged(name="arr[5000]", value=1, origin="code"),
        ev.VariableChanged(name="arr[1]", value="kept", origin="code"),
    ]
    began = time.perf_counter()
    session = Session.from_events(events)
    assert time.perf_counter() - began < 0.5
    assert session.get("arr") == [None, "kept"]


PAGE = """
name: hostile
start: page
states:
  page:
    iframe: {url: page.html}
  code:
    code: |
      ChatlayerResponseBuilder().addSessionVariable('arr[3000000]', 1).send();
"""


def run(flow: Flow, drive: Callable[[Conversation], Any]) -> Conversation:
    async def go() -> Conversation:
        conversation = Conversation(flow)
        try:
            await conversation.start()
            await drive(conversation)
        finally:
            await conversation.aclose()
        return conversation

    return asyncio.run(go())


def said(conversation: Conversation) -> str:
    """Everything the conversation reported: errors, warnings and rejections."""
    parts = [getattr(e, "message", "") or getattr(e, "reason", "") for e in conversation.events]
    return "\n".join(parts)


def test_a_page_updating_a_huge_index_is_refused_quickly_and_sets_nothing(flow_from: Callable[[str], Flow]) -> None:
    began = time.perf_counter()
    payload = {"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"x[100000000]": 1}}
    conversation = run(flow_from(PAGE), lambda c: c.post_message(payload, origin="http://workbench.local"))
    assert time.perf_counter() - began < 5
    assert conversation.session.get("x") is None
    assert TOO_LARGE in said(conversation)


def test_a_code_action_adding_a_huge_index_is_refused_quickly_and_sets_nothing(
    flow_from: Callable[[str], Flow],
) -> None:
    began = time.perf_counter()
    conversation = run(flow_from(PAGE), lambda c: c.start("code"))
    assert time.perf_counter() - began < 10
    assert conversation.session.get("arr") is None
    assert "index 3000000 in arr[3000000] is too large (at most 10000)" in said(conversation)
