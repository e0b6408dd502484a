"""What the engine keeps between turns to make them fast gives the same answers as working it out afresh."""

from __future__ import annotations

import pytest

from workbench.engine import events as ev
from workbench.engine.entities.numbers import words_to_digits
from workbench.engine.session import Session
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
