"""The cheaper ways a turn makes its objects give what the long ways give: events made by position equal those
made by keyword, the conversation's action context holds what its names say, a session read of a plain name
(also under `internal.`) answers as the general path reader does, and rendering without a missing variable adds no
warning."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from echo_flow import ECHO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.engine import events as ev
from workbench.engine.actions import message
from workbench.engine.actions.base import ActionContext
from workbench.engine.conversation import Conversation
from workbench.engine.session import Session, get_path
from workbench.flow.loader import load_flow_text
from workbench.flow.model import Flow, SayItem, State
from workbench.flow.paths import PathError, parse_path


def _without_time(event: ev.Event) -> dict[str, Any]:
    return {f.name: getattr(event, f.name) for f in dataclasses.fields(event) if f.name != "at"}


def test_events_made_by_position_are_those_made_by_keyword() -> None:
    pairs = [
        (ev.TurnStarted("text", "hi"), ev.TurnStarted(input="text", text="hi")),
        (ev.TurnFinished(0.5), ev.TurnFinished(duration=0.5)),
        (ev.UserMessage("hi", "text"), ev.UserMessage(text="hi", via="text")),
        (ev.StateEntered("b", "a", "route", 2), ev.StateEntered(state="b", previous="a", reason="route", route=2)),
        (ev.WaitingForInput("a", "any"), ev.WaitingForInput(state="a", expect="any")),
        (ev.BotMessage("a", "text", "hi"), ev.BotMessage(state="a", type="text", text="hi")),
        (
            ev.VariableChanged("x", 2, 1, False, "nlp", "a", "d"),
            ev.VariableChanged(name="x", value=2, previous=1, origin="nlp", state="a", detail="d"),
        ),
    ]
    for positional, by_keyword in pairs:
        assert positional == by_keyword
        assert _without_time(positional) == _without_time(by_keyword)
        assert repr(positional).split(", ", 1)[1] == repr(by_keyword).split(", ", 1)[1]
        assert list(positional.to_dict())[:2] == ["kind", "at"]


def test_the_conversations_action_context_holds_what_its_names_say() -> None:
    flow = load_flow_text(ECHO, "echo.yaml").flow
    assert flow is not None
    conversation = Conversation(flow)
    state = flow.states["reply"]
    before = time.perf_counter()
    ctx = conversation._context(state)
    assert before <= ctx.started <= time.perf_counter()
    assert ctx.warnings is not conversation._context(state).warnings
    assert ctx.extra is not conversation._context(state).extra
    assert ctx.flow is conversation._texts and ctx.state is state and ctx.session is conversation.session
    assert ctx.ports is conversation.ports and ctx.history is conversation.events
    assert ctx.conversation_id == conversation.id
    assert ctx.warnings == [] and ctx.extra == {}


_NAMES = st.sampled_from(["said", "sys", "number", "nlp", "internal", "items", "a b", "x1"])
_PARTS = st.lists(st.one_of(_NAMES, st.integers(0, 3).map(lambda i: f"[{i}]")), min_size=1, max_size=4)
_VALUES = st.recursive(
    st.none() | st.integers(-5, 5) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NAMES, inner, max_size=3),
    max_leaves=5,
)


def _path(parts: list[str]) -> str:
    return "".join(p if p.startswith("[") else f".{p}" for p in parts).lstrip(".")


@settings(suppress_health_check=[HealthCheck.too_slow])  # a loaded machine is slow to draw nested values
@given(
    parts=_PARTS,
    variables=st.dictionaries(_NAMES, _VALUES, max_size=3),
    internal=st.dictionaries(_NAMES, _VALUES, max_size=3),
)
def test_a_session_read_answers_as_the_general_path_reader(
    parts: list[str], variables: dict[str, Any], internal: dict[str, Any]
) -> None:
    session = Session(variables=dict(variables, locale="en"), internal=internal)
    path = _path(parts)
    try:
        parsed = parse_path(path)
    except PathError:
        return
    if parsed[0] == "internal":
        expected = get_path(session.internal, parsed[1:], "missing") if len(parsed) > 1 else session.internal
    else:
        expected = get_path(session.variables, parsed, "missing")
    assert session.get(path, "missing") == expected


def test_a_render_with_every_variable_set_adds_no_warning_and_one_without_puts_its_warning_first() -> None:
    state = State(name="echo", kind="say", say=(SayItem(text="You said: {said}"),))
    flow = Flow(name="t", start="echo", states={"echo": state})
    ctx = ActionContext(flow, state, Session(variables={"said": "hi"}))
    assert message.render_items(ctx, state.say) == [ev.BotMessage(state="echo", text="You said: hi")]
    assert ctx.warnings == []
    ctx = ActionContext(flow, state, Session())
    first, said = message.render_items(ctx, state.say)
    assert first == ev.TemplateWarning(template="You said: {said}", variable="said", state="echo")
    assert said == ev.BotMessage(state="echo", text="You said: ")
    assert ctx.warnings == []
