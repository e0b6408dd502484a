"""Each variable an API response sets says what it replaces: the `previous` of every `VariableChanged` is the
value the session holds at that path once the events before it are applied, whatever the response wrote before
(paths above, below or beside it, lists padded with nulls, values replaced by objects); a write the session would
refuse at that point is refused with a warning instead; and neither the session nor the response is changed
while the events are made (property test: the events applied one by one to a copy of the session)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from workbench.engine import events as ev
from workbench.engine.actions.api import apply_response
from workbench.engine.actions.base import ActionContext
from workbench.engine.session import Session
from workbench.flow.model import ApiAction, Flow, State

_STATE = State(name="call", kind="api", api=ApiAction(method="GET", url="http://127.0.0.1/"))
_FLOW = Flow(name="api", start="call", states={"call": _STATE})

_VALUES = st.recursive(
    st.none() | st.integers(-3, 3) | st.sampled_from(["", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "c", "d"]), inner, max_size=3),
    max_leaves=8,
)
_PARTS = st.lists(st.sampled_from(["a", "c", 0, 1, 2, 5]), max_size=3)


@st.composite
def _names(draw: st.DrawFn) -> str:
    """A variable path over a few names and indexes, spelled as a backend may spell it: `a.c[1]`, ` a.c[01] `."""
    text = draw(st.sampled_from(["a", "b"]))
    for part in draw(_PARTS):
        text += f"[{draw(st.sampled_from(['', '0']))}{part}]" if isinstance(part, int) else f".{part}"
    return draw(st.sampled_from(["", " "])) + text + draw(st.sampled_from(["", " "]))


_WRITES = st.lists(st.tuples(_names(), _VALUES), max_size=12, unique_by=lambda write: write[0])
_SESSIONS = st.dictionaries(st.sampled_from(["a", "b"]), _VALUES, max_size=2)


@given(_SESSIONS, _WRITES)
def test_each_previous_is_what_the_session_holds_once_the_writes_before_it_apply(
    start: dict[str, Any], writes: list[tuple[str, Any]]
) -> None:
    session = Session(defaults=start)
    held = copy.deepcopy(session.variables)
    response = {"session": dict(writes)}
    sent = copy.deepcopy(response)

    events, _ = apply_response(ActionContext(_FLOW, _STATE, session), _STATE.api, response, "GET /")

    assert session.variables == held and response == sent
    replay = copy.deepcopy(session)
    assert len(events) == len(writes)  # one event per write: set, or refused with the reason
    for (name, value), event in zip(writes, events, strict=True):
        refusal = replay.write_refusal(name)
        if isinstance(event, ev.EngineWarning):
            assert refusal is not None and refusal in event.message
            continue
        assert isinstance(event, ev.VariableChanged) and (event.name, event.value) == (name, value)
        assert refusal is None
        assert event.previous == replay.get(name)
        replay.apply(event)


def test_a_write_above_an_earlier_one_sees_what_that_one_set() -> None:
    session = Session(defaults={"a": {"b": {"x": 1}}})
    response = {"session": {"a.b.c": 2, "a.b": "replaced", "a.b.d": 3}}

    events, _ = apply_response(ActionContext(_FLOW, _STATE, session), _STATE.api, response, "GET /")

    assert [(e.name, e.previous) for e in events if isinstance(e, ev.VariableChanged)] == [
        ("a.b.c", None),
        ("a.b", {"x": 1, "c": 2}),
        ("a.b.d", None),
    ]
    assert session.get("a") == {"b": {"x": 1}}


def test_a_write_into_what_an_earlier_one_made_no_list_is_refused() -> None:
    session = Session()
    response = {"session": {"items": {"first": 1}, "items[0]": 2}}

    events, _ = apply_response(ActionContext(_FLOW, _STATE, session), _STATE.api, response, "GET /")

    assert [type(e) for e in events] == [ev.VariableChanged, ev.EngineWarning]
    assert events[1].message == "response session: cannot set items[0]: items is an object, not a list; not set"
