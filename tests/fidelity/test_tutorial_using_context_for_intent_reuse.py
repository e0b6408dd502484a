"""Chatlayer's tutorial tutorials/tutorial-using-context-for-intent-reuse.md ("Reusing intents with context"), on
its Choo Choo bot as the tutorials build it (choo_choo_context.yaml; choo_choo_context.convo.yaml replays the
tutorial's conversations as a conversation test, collected by the workbench's pytest plugin).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Qt

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.engine.session import Session
from workbench.flow.loader import load_flow, load_flow_text
from workbench.flow.model import Flow
from workbench.gui.event_log.describe import summary
from workbench.gui.inspector.history import SessionHistory
from workbench.gui.inspector.model import VALUE_COLUMN, VariableModel
from workbench.testing.convo_format import load_convo_text
from workbench.testing.runner import Runner

from .helpers import converse, entered, of

HERE = Path(__file__).parent
FLOW = HERE / "choo_choo_context.yaml"


def choo_choo(who_are_you_lifespan: int = 1) -> Flow:
    """The tutorial's bot; `Who are you` outputs `who_are_you` with the given lifespan (the tutorial's is 1)."""
    text = FLOW.read_text(encoding="utf-8")
    if who_are_you_lifespan != 1:
        lifespan = f"output_context: {{who_are_you: {who_are_you_lifespan}}}"
        text = text.replace("output_context: who_are_you", lifespan)
    result = load_flow_text(text, str(FLOW))
    assert result.ok and not result.problems, [str(p) for p in result.problems]
    assert result.flow is not None
    return result.flow


def test_the_tutorial_bot_loads_without_a_problem() -> None:
    """The intents `yes` and `no` are each linked to two bot dialogs that different required contexts tell
    apart: no "intent already jumps" error."""
    assert load_flow(FLOW).problems == ()


def test_reaching_who_are_you_adds_its_output_context_with_lifespan_1() -> None:
    """ "When a user reaches this bot dialog the output context is added to the user session context", and in the
    emulator "The context `who_are_you` has been added to the user session with an initial lifespan value of 1"."""
    events = converse(choo_choo(), "who are you")
    entered_at = events.index(of(ev.StateEntered, events)[-1])
    assert events[entered_at].state == "Who are you"
    change = events[entered_at + 1]
    assert isinstance(change, ev.ContextsChanged)
    assert (change.state, change.contexts) == ("Who are you", {"who_are_you": 1})


def test_the_same_yes_goes_where_the_active_context_says() -> None:
    """ "Add the `Yes book ticket` bot dialog with required context `who_are_you` and intent `yes`" and "the
    `Confirmed Booking` bot dialog with required context `confirm_booking` and intent `yes`"."""
    events = converse(choo_choo(), "Who are you?", "Yes", "Brussels", "Yes")
    assert entered(events) == [
        "introduction",
        "Who are you",
        "Yes book ticket",
        "Book train ticket",
        "Destination",
        "Confirm booking",
        "Confirmed Booking",
    ]


def test_each_user_message_decreases_every_lifespan_by_one() -> None:
    """ "For each user message, the lifespan of a context is decreased by one. A user can have multiple contexts
    with different lifespan values" — here `who_are_you` with lifespan 5 beside `confirm_booking` (1)."""
    events = converse(choo_choo(who_are_you_lifespan=5), "who are you", "I want to book a train ticket", "Brussels")
    assert [change.contexts for change in of(ev.ContextsChanged, events)] == [
        {"who_are_you": 5},
        {"who_are_you": 4},
        {"who_are_you": 3},
        {"who_are_you": 3, "confirm_booking": 1},
    ]


def test_a_context_that_ran_out_no_longer_leads_to_its_dialog() -> None:
    """ "The user will only be redirected to the linked bot dialog if the intent is recognized with a specific
    context": one user message after `Who are you` its context (lifespan 1) has expired."""
    events = converse(choo_choo(), "who are you", "hello", "Yes")
    expired = of(ev.ContextsChanged, events)[-1]
    assert (expired.contexts, expired.expired) == ({}, ("who_are_you",))
    assert entered(events)[-2:] == ["not_understood", "not_understood"]


def test_of_two_matching_contexts_the_one_with_the_highest_lifespan_is_taken() -> None:
    """ "When multiple intent and input context combinations are found, the user's context with the highest
    lifespan value is taken": at `Confirm booking`, `who_are_you` (3 left) outranks `confirm_booking` (1)."""
    events = converse(choo_choo(who_are_you_lifespan=5), "who are you", "I want to book a train ticket", "Ghent", "Yes")
    answer = events.index(of(ev.UserMessage, events)[-1])
    assert entered(events[answer:])[0] == "Yes book ticket"


def test_the_debug_view_shows_the_context_list_with_name_and_lifespan(qapp) -> None:
    """ "In the User Session section, we see the context list of the user with name and lifespan": the event log
    says what changed, and the variable inspector shows the active contexts apart from the variables, read-only."""

    async def main() -> tuple[list[ev.Event], VariableModel]:
        async with Conversation(choo_choo()) as conversation:
            await conversation.start()
            await conversation.send_text("who are you")
            model = VariableModel()
            model.set_view(SessionHistory(conversation).now(), editable=True)
            await conversation.send_text("hello")
            return list(conversation.events), model

    events, model = asyncio.run(main())
    assert [summary(change) for change in of(ev.ContextsChanged, events)] == [
        "who_are_you (1 left)",
        "none active; expired: who_are_you",
    ]
    row = model.index_for("contexts.who_are_you", VALUE_COLUMN)
    assert model.data(row) == "1"
    assert not model.flags(row) & Qt.ItemFlag.ItemIsEditable
    top = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert top[-2:] == ["internal", "contexts"]


def test_replay_and_rewind_give_back_the_contexts_of_that_moment() -> None:
    """Debug mode: "select the first message in the messages list `who are you` to view the received information
    after sending this user message" — the session rebuilt from the log up to there has the context, and going back
    there in the conversation brings it back."""

    async def main() -> None:
        async with Conversation(choo_choo()) as conversation:
            await conversation.start()
            await conversation.send_text("who are you")
            after_first = len(conversation.events)
            await conversation.send_text("hello")
            assert conversation.session.contexts == {}
            assert Session.from_events(conversation.events[:after_first]).contexts == {"who_are_you": 1}
            await conversation.rewind(after_first)
            assert conversation.session.contexts == {"who_are_you": 1}
            await conversation.send_text("Yes")
            assert conversation.session.current_state == "Destination"

    asyncio.run(main())


def test_a_contexts_turn_that_expects_another_lifespan_fails_and_says_how() -> None:
    """A conversation test can assert the context list as the emulator shows it: `contexts: {name: lifespan}`."""
    text = f"flow: {FLOW}\nturns:\n  - user: who are you\n  - contexts: {{who_are_you: 2, confirm_booking: 1}}\n"
    (test,) = load_convo_text(text, "tutorial.convo.yaml", HERE).tests

    async def main() -> str:
        runner = Runner()
        try:
            result = await runner.run(test)
        finally:
            await runner.aclose()
        assert result.status == "failed" and result.failure is not None
        return result.failure.message

    assert asyncio.run(main()) == (
        "the active contexts differ: context 'who_are_you' has lifespan 1, expected 2; context 'confirm_booking'"
        " is not active, expected lifespan 1"
    )
