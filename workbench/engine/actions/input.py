"""The `ask` kind (Chatlayer's input validation): prompt, then check each answer against `expect`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from workbench.engine import events as ev
from workbench.engine.actions.base import ActionContext
from workbench.engine.actions.message import render_items
from workbench.engine.languages import validate_in
from workbench.engine.nlu import NluMatcher
from workbench.flow.model import SayItem

MAX_FAILURES = 3
DEFAULT_RETRY = (SayItem(text="Sorry, that is not a valid answer. Please try again."),)


def is_answered(ctx: ActionContext) -> bool:
    """An `ask` whose variable already has a value is skipped."""
    assert ctx.state.ask is not None
    return ctx.session.has(ctx.state.ask.save)


def run(ctx: ActionContext) -> list[ev.Event]:
    """Ask the question and wait for the answer (a plain call, as the `say` kind's: nothing in it waits)."""
    ask = ctx.state.ask
    assert ask is not None
    return [*render_items(ctx, ask.prompt), ev.WaitingForInput(ctx.state.name, ask.expect)]


@dataclass(slots=True, unsafe_hash=True)
class Answer:
    """What an answer led to: `accepted` (stored), `retry` (asked again) or `give_up` (three failures). Never
    changed once made (not frozen: one is made per answer, and a frozen dataclass takes twice as long)."""

    outcome: Literal["accepted", "retry", "give_up"]
    events: list[ev.Event]


def answer(ctx: ActionContext, text: str, matchers: Sequence[NluMatcher]) -> Answer:
    """Validate `text` for the waiting `ask` state and say what follows; `matchers` are the NLU of the
    conversation's language, then of the flow's other languages (an entity value may be in any of them)."""
    ask = ctx.state.ask
    assert ask is not None
    checked = validate_in(matchers, ask.expect, text)
    if checked.ok:
        # By position, as a turn makes several (see `events`): not `removed`, a write.
        changed = ev.VariableChanged(ask.save, checked.value, ctx.session.get(ask.save), False, "ask", ctx.state.name)
        return Answer("accepted", [changed])
    attempt = ctx.session.ask_failures + 1
    rejected: list[ev.Event] = [ev.InputRejected(state=ctx.state.name, text=text, expect=ask.expect, attempt=attempt)]
    if checked.warning:  # e.g. a pattern that ran out of time: the answer counts as wrong, and the tester learns why
        rejected.append(ev.EngineWarning(message=checked.warning, state=ctx.state.name))
    ctx.extra["input"] = text
    if attempt >= MAX_FAILURES and (ask.give_up or ask.give_up_goto):
        return Answer("give_up", [*rejected, *render_items(ctx, ask.give_up)])
    retry = render_items(ctx, ask.retry or DEFAULT_RETRY)
    return Answer("retry", [*rejected, *retry, ev.WaitingForInput(state=ctx.state.name, expect=ask.expect)])
