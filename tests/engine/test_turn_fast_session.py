"""The session's kept answers give what the long ways give: its current state is always the name that
`internal.currentDialogstate` holds, whatever wrote `internal` (a state entered, a starting value, a removal, a
merge of the whole of it), also in a session rebuilt from its events or copied."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from workbench.engine import events as ev
from workbench.engine.session import Session

_NAMES = st.sampled_from(["a", "b", "c"])
_VALUES: st.SearchStrategy[Any] = st.one_of(
    _NAMES, st.none(), st.integers(0, 3), st.fixed_dictionaries({"name": _NAMES}), st.just({})
)
_INTERNAL_PATHS = st.sampled_from(
    [
        "internal.currentDialogstate",
        "internal.currentDialogstate.name",
        "internal.previousDialogstate.name",
        "internal.channel",
        "internal.nlp",
        "internal.currentDialogstate[0]",
    ]
)
_EVENTS = st.one_of(
    st.builds(ev.StateEntered, _NAMES),
    st.builds(
        ev.VariableChanged,
        name=_INTERNAL_PATHS,
        value=_VALUES,
        removed=st.booleans(),
        origin=st.sampled_from(["default", "nlp", "set", "code"]),
    ),
    st.builds(
        ev.VariableChanged,
        name=st.just("internal"),
        value=st.fixed_dictionaries({}, optional={"currentDialogstate": _VALUES, "channel": _NAMES}),
        origin=st.just("default"),
    ),
    st.builds(ev.VariableChanged, name=st.sampled_from(["said", "currentDialogstate"]), value=_VALUES),
)


def _named(session: Session) -> str | None:
    current = session.internal.get("currentDialogstate")
    return current.get("name") if isinstance(current, dict) else None


@given(st.lists(_EVENTS, max_size=12), st.one_of(st.none(), st.fixed_dictionaries({"name": _NAMES})))
def test_the_current_state_is_what_internal_says(events: list[ev.Event], given_state: Any) -> None:
    internal = {} if given_state is None else {"currentDialogstate": given_state}
    session = Session(internal=internal)
    start = copy.deepcopy(session)
    assert session.current_state == _named(session)
    for event in events:
        session.apply(event)
        assert session.current_state == _named(session)
    rebuilt = Session.from_events(events, base=start)
    assert rebuilt == session and rebuilt.current_state == session.current_state
    copied = copy.deepcopy(session)
    assert copied.current_state == _named(copied) == session.current_state
