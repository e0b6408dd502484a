"""Chatlayer's page understanding-users/natural-language-processing-nlp/synonym-entities.md, "3 – System entities":
each row of its "Supported system entities" table, the user's example input run verbatim through the NLU.

The page's session column quotes every value ('88', '5'); the workbench stores numbers as JSON numbers, so
`{sys.number}` reads the same and `sys.number > 3` compares as a number. The clock is fixed at 24 December
2020, 10:00, the day before the page's `sys.time` example.
"""

import datetime as dt

import pytest

from workbench.engine.nlu import NluMatcher
from workbench.flow.model import Entity, Nlu

NOW = dt.datetime(2020, 12, 24, 10, 0)
MATCHER = NluMatcher(Nlu(entities={"food": Entity("food", ("fries", "burger"))}), clock=lambda: NOW)


@pytest.mark.parametrize(
    ("said", "session"),
    [
        ("ilovebots@chatlayer.ai", {"sys.email": "ilovebots@chatlayer.ai"}),
        ("+32 487 23 02 03", {"sys.phone_number": "(+32) 487230203"}),
        ("5th", {"sys.ordinal": 5}),
        ("5 euro", {"sys.amount_of_money": 5, "sys.amount_of_money_currency": "EUR"}),
        ("5 kilometers", {"sys.distance": 5, "sys.distance_unit": "kilometre"}),
        ("eighty eight", {"sys.number": 88}),
        ("3 liters", {"sys.quantity": 3, "sys.quantity_unit": "litre"}),
        ("80C", {"sys.temperature": 80, "sys.temperature_unit": "celsius"}),
        ("3 pm tomorrow", {"sys.time": "2020-12-25T15:00:00.000+00:00", "sys.time_grain": "hour"}),
        ("www.chatlayer.ai/jobs", {"sys.url": "www.chatlayer.ai/jobs", "sys.url_domain": "chatlayer.ai"}),
        (
            "3 hours",
            {
                "sys.duration": 3,
                "sys.duration_unit": "hour",
                "sys.duration_normalized": 10800,
                "sys.duration_normalized_unit": "second",
            },
        ),
    ],
)
def test_each_row_of_the_supported_system_entities_table(said: str, session: dict[str, object]) -> None:
    """Supported system entities: "Example input by user" gives "Example result in session" (the page writes
    `amount_of money`, a typo for `amount_of_money`; `sys.temperature` misses a colon)."""
    found = MATCHER.extract_entities(said)
    assert {key: found.get(key) for key in session} == session


def test_the_email_in_the_types_of_entities_example() -> None:
    """Types of entities > System entity: "My e-mail address is ilovebots@chatlayer.ai" → @sys.email."""
    assert MATCHER.extract_entities("My e-mail address is ilovebots@chatlayer.ai")["sys.email"] == (
        "ilovebots@chatlayer.ai"
    )


def test_the_composite_entity_example_finds_the_number_and_the_food() -> None:
    """Types of entities > Composite entity: "Two fries please" → @sys.number (2) and @foodItem (fries)."""
    found = MATCHER.extract_entities("Two fries please")
    assert (found["sys.number"], found["food"]) == (2, "fries")


def test_money_written_with_its_symbol_first() -> None:
    """Supported system entities, `sys.amount_of_money`: the same amount as "5 euro", written "€5"."""
    found = MATCHER.extract_entities("€5")
    assert (found["sys.amount_of_money"], found["sys.amount_of_money_currency"]) == (5, "EUR")


def test_a_sentence_without_entities_stores_none() -> None:
    """System entities "can be automatically extracted": a sentence without any leaves nothing behind."""
    assert MATCHER.extract_entities("I want to talk to someone") == {}
