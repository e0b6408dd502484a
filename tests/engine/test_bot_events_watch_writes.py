"""A variables-changed event's watch looks only at the path a write is on: it sets off exactly the events whose
watched values a write changes (the same as comparing every watched value before and after), and a long run of
writes into a watched object keeps one small value per write, never the object."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.engine import events as ev
from workbench.engine.bot_events import Watch
from workbench.engine.conversation import Conversation
from workbench.engine.session import Session
from workbench.flow.model import BotEvent

PATHS = ["user", "user.name", "user.tags", "user.tags[1]", "city", "list[0]", "list", "internal.x"]
VALUES = st.one_of(
    st.none(),
    st.integers(-2, 2),
    st.sampled_from(["a", "b"]),
    st.lists(st.integers(0, 2), max_size=3),
    st.dictionaries(st.sampled_from(["name", "tags", "x"]), st.integers(0, 2), max_size=2),
)
WRITES = st.lists(
    st.tuples(st.sampled_from(PATHS), VALUES, st.booleans(), st.sampled_from(["set", "api", "default"])),
    max_size=12,
)
_MISSING = object()


def watch_of(watched: list[str]) -> Watch:
    return Watch([BotEvent(kind="variables_changed", goto="on_change", variables=(path,)) for path in watched])


def changed_by_comparing_everything(watched: list[str], session: Session, event: ev.VariableChanged) -> set[str]:
    """The watched paths whose values differ after `event`: every one copied before and compared after."""
    before = {path: session.get(path, _MISSING) for path in watched}
    before = {path: value if value is _MISSING else copy.deepcopy(value) for path, value in before.items()}
    session.apply(event)
    return {path for path in watched if session.get(path, _MISSING) != before[path]}


@settings(max_examples=300, deadline=None)
@given(watched=st.lists(st.sampled_from(PATHS), min_size=1, max_size=4, unique=True), writes=WRITES)
def test_the_watch_sets_off_exactly_the_events_whose_values_a_write_changes(
    watched: list[str], writes: list[tuple[str, Any, bool, str]]
) -> None:
    watch = watch_of(watched)
    session, reference = Session(), Session()
    for name, value, removed, origin in writes:
        event = ev.VariableChanged(name, value, None, removed, origin)  # type: ignore[arg-type]
        expected = changed_by_comparing_everything(watched, reference, event) if origin != "default" else set()
        if origin == "default":
            reference.apply(event)
        snapshot = watch.before(event, session)
        session.apply(event)
        if snapshot is not None:
            watch.after(snapshot, session)
        noted = {name for _, names in watch.take() for name in names}
        assert noted == expected, (name, value, removed)


def test_writes_into_a_watched_object_keep_the_written_value_not_the_object() -> None:
    watch = watch_of(["obj"])
    session = Session()
    for index in range(2000):
        event = ev.VariableChanged(f"obj.k{index}", index, None, False, "api")
        snapshot = watch.before(event, session)
        assert snapshot is not None
        assert [(path, at) for path, at, _ in snapshot] == [("obj", f"obj.k{index}")]
        session.apply(event)
        watch.after(snapshot, session)
    assert [names for _, names in watch.take()] == [("obj",)]
    assert len(session.get("obj")) == 2000


def test_a_write_beside_a_missing_watched_name_sets_nothing_off(flow_from) -> None:
    flow = flow_from(
        """
        start: a
        events:
          - variables_changed: [user.name]
            goto: on_change
        states:
          a: {say: hi, set: {user.tags: [x]}, next: b}
          b: {say: bye}
          on_change: {say: changed}
        """
    )

    async def said() -> list[str]:
        async with Conversation(flow) as conversation:
            await conversation.start()
            return [e.text for e in conversation.events if isinstance(e, ev.BotMessage)]

    assert asyncio.run(said()) == ["hi", "bye"]
