"""What makes a turn fast changes no answer: what the engine keeps between turns is what working it out afresh
gives, the session copies what it is given, matchers of one flow share its NLU model, and events compare and hash
as they always did."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from workbench.engine import events as ev
from workbench.engine.entities.numbers import words_to_digits
from workbench.engine.nlu import IntentMatch, NluMatcher
from workbench.engine.session import Session
from workbench.flow.model import Entity, Intent, Nlu
from workbench.flow.paths import PathError, parse_path

PATHS = ["name", " user.lastName ", "items[0].name", "a.b[12].c[0]", "x[0010]", "internal.nlp.intent.name"]


@pytest.mark.parametrize("path", PATHS)
def test_a_kept_path_is_what_a_fresh_parse_gives(path: str) -> None:
    assert parse_path(path) == parse_path.__wrapped__(path)
    assert parse_path(path) is parse_path(path)


def test_a_refused_path_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(PathError, match="bad variable path"):
            parse_path("a..b")


@pytest.mark.parametrize("text", ["twenty two April", "item3-4", "I want eighty eight tickets", "no numbers"])
def test_numbers_in_words_read_again_are_read_the_same(text: str) -> None:
    assert words_to_digits(text) == words_to_digits(text) == words_to_digits.__wrapped__(text)


def test_the_session_keeps_its_own_copy_of_an_object_it_is_given() -> None:
    value = {"city": "Ghent", "seats": [1, 2]}
    session = Session()
    session.apply(ev.VariableChanged(name="trip", value=value))
    value["seats"].append(3)
    assert session.get("trip") == {"city": "Ghent", "seats": [1, 2]}


def test_a_plain_name_and_a_nested_path_are_written_as_before() -> None:
    session = Session()
    session.apply(ev.VariableChanged(name="city", value="Ghent"))
    session.apply(ev.VariableChanged(name="user.seats[1]", value=2))
    assert session.get("city") == "Ghent"
    assert session.get("user") == {"seats": [None, 2]}


def test_a_write_the_session_cannot_hold_changes_nothing_and_says_why() -> None:
    session = Session()
    session.apply(ev.VariableChanged(name="user.name", value="Ann"))
    refused = ev.VariableChanged(name="user[0]", value="x")
    assert session.write_refusal("user[0]") == "cannot set user[0]: user is an object, not a list"
    session.apply(refused)
    assert session.get("user") == {"name": "Ann"}


def test_a_value_that_holds_one_list_twice_is_copied_with_that_shape() -> None:
    seats = [1, 2]
    looped: list[object] = ["a"]
    looped.append(looped)
    session = Session()
    session.apply(ev.VariableChanged(name="trip", value={"out": seats, "back": seats}))
    session.apply(ev.VariableChanged(name="looped", value=looped))
    trip, copied = session.variables["trip"], session.variables["looped"]
    assert trip == {"out": [1, 2], "back": [1, 2]} and trip["out"] is trip["back"] and trip["out"] is not seats
    assert copied[0] == "a" and copied[1] is copied and copied is not looped


def test_events_compare_and_hash_by_what_they_say_not_by_when() -> None:
    first, again = ev.StateEntered(state="ask", at=1.0), ev.StateEntered(state="ask", at=2.0)
    assert first == again and hash(first) == hash(again)
    assert first != ev.StateEntered(state="echo", at=1.0)


def test_matchers_of_one_nlu_share_what_they_know_but_read_dates_by_their_own_clock() -> None:
    nlu = Nlu(
        intents={"book": Intent("book", ("book a ticket", "I want a ticket"))},
        entities={"city": Entity("city", ("Ghent", "Brussels"))},
    )
    monday, friday = dt.datetime(2024, 5, 13, 9), dt.datetime(2024, 5, 17, 9)
    first, second = NluMatcher(nlu, clock=lambda: monday), NluMatcher(nlu, clock=lambda: friday)
    fresh = NluMatcher(dataclasses.replace(nlu), clock=lambda: monday)
    for matcher in (first, second):
        assert matcher.scores("book a ticket to ghent") == fresh.scores("book a ticket to ghent")
        assert matcher.understand("I want a tikcet for gent") == fresh.understand("I want a tikcet for gent")
    booked = IntentMatch("book", pytest.approx(0.92, abs=0.01), {"city": "Ghent"})
    assert fresh.match("book a ticket to ghent") == booked
    assert first.extract_entities("tomorrow")["sys.time"].startswith("2024-05-14")
    assert second.extract_entities("tomorrow")["sys.time"].startswith("2024-05-18")
