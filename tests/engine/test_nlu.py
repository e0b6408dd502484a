"""Intent and entity matching: typo tolerance, word order, thresholds, non-matches, entities, sys entities."""

import datetime as dt
import time

import pytest

from workbench.engine.entities.numbers import find_number, parse_number
from workbench.engine.entities.system import system_entities
from workbench.engine.nlu import IntentMatch, NluMatcher, normalise
from workbench.flow.model import Entity, Intent, Nlu

INTENTS = {
    "book_ticket": ("I want a train ticket", "book a train", "tickets please"),
    "start_over": ("start over", "restart", "begin again"),
    "greet": ("hello", "hi there", "good morning"),
    "cancel": ("cancel my booking", "I want to cancel"),
}
ENTITIES = {
    "city": Entity(
        "city",
        ("Brussels", "Antwerp", "Ghent", "New York", "Liège", "Mons"),
        {"Brussels": ("Bruxelles", "Brussel")},
    ),
    "ticket_class": Entity("ticket_class", ("first", "second")),
}


def make_nlu(threshold: float = 0.8) -> Nlu:
    return Nlu(
        intents={name: Intent(name, examples) for name, examples in INTENTS.items()},
        entities=ENTITIES,
        threshold=threshold,
    )


@pytest.fixture(scope="module")
def matcher() -> NluMatcher:
    return NluMatcher(make_nlu())


def intent_of(matcher: NluMatcher, text: str) -> str | None:
    found = matcher.match(text)
    return found.intent if found else None


# --- intents -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("I want a train ticket", "book_ticket"),
        ("train ticket, i want", "book_ticket"),  # word order and punctuation
        ("tikets please", "book_ticket"),  # typo
        ("Book A Train!", "book_ticket"),  # case and punctuation
        ("I wnat a train tikcet", "book_ticket"),  # two typos
        ("i want a ticket", "book_ticket"),  # a word missing
        ("I would like to book a train please", "book_ticket"),  # example inside a longer sentence
        ("I want to book a trian please", "book_ticket"),  # ... with a typo in it
        ("restart please", "start_over"),
        ("Begin again.", "start_over"),
        ("helo", "greet"),
        ("Good morning!", "greet"),
        ("I want to cancel my booking", "cancel"),
    ],
)
def test_matches_intent(matcher: NluMatcher, text: str, intent: str) -> None:
    assert intent_of(matcher, text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "what's the weather",
        "Brussels",
        "yes",
        "no",
        "",
        "   ",
        "?!",
        "train",  # a subset of "book a train" is not enough
        "ticket",
        "I want",  # a subset of "I want a train ticket" and "I want to cancel"
        "cancel",
        "hi",
        "please",
        "I want to go to Brussels",
    ],
)
def test_unrelated_text_does_not_match(matcher: NluMatcher, text: str) -> None:
    assert matcher.match(text) is None


def test_exact_example_scores_one(matcher: NluMatcher) -> None:
    assert matcher.match("book a train") == IntentMatch("book_ticket", 1.0, {})


def test_scores_are_sorted_best_first_and_between_zero_and_one(matcher: NluMatcher) -> None:
    scores = matcher.scores("tikets please")
    assert scores[0][0] == "book_ticket"
    assert sorted(name for name, _ in scores) == sorted(INTENTS)
    values = [score for _, score in scores]
    assert values == sorted(values, reverse=True)
    assert all(0.0 <= score <= 1.0 for score in values)


def test_scores_of_empty_text_are_zero(matcher: NluMatcher) -> None:
    assert matcher.scores("...") == [(name, 0.0) for name in INTENTS]


def test_match_score_is_the_best_score(matcher: NluMatcher) -> None:
    found = matcher.match("train ticket, i want")
    assert found is not None
    assert found.score == matcher.scores("train ticket, i want")[0][1]
    assert 0.8 <= found.score < 1.0


def test_threshold_comes_from_the_flow() -> None:
    text = "i want a ticket"  # scores about 0.83 against "I want a train ticket"
    assert intent_of(NluMatcher(make_nlu(0.8)), text) == "book_ticket"
    assert intent_of(NluMatcher(make_nlu(0.9)), text) is None
    assert intent_of(NluMatcher(make_nlu(0.5)), "I want") is not None


def test_example_inside_a_sentence_scores_at_least_point_eight(matcher: NluMatcher) -> None:
    score = dict(matcher.scores("well, after all that, could you please book a train for me tomorrow"))
    assert 0.8 <= score["book_ticket"] < 0.9


def test_match_carries_the_entities(matcher: NluMatcher) -> None:
    found = matcher.match("I want a train ticket to Bruxelles for 2")
    assert found is not None
    assert found.intent == "book_ticket"
    assert found.entities == {"city": "Brussels", "sys.number": 2}


def test_flow_without_intents_matches_nothing() -> None:
    empty = NluMatcher(Nlu())
    assert empty.match("book a train") is None
    assert empty.scores("book a train") == []
    assert empty.extract_entities("Brussels") == {}


def test_ties_keep_the_flow_order() -> None:
    nlu = Nlu(intents={"first": Intent("first", ("same words",)), "second": Intent("second", ("same words",))})
    assert intent_of(NluMatcher(nlu), "same words") == "first"


def test_match_is_fast(matcher: NluMatcher) -> None:
    """~10 intents x 5 examples; the benchmark needs well under 100 µs per call."""
    words = ("train", "ticket", "book", "cancel", "help", "restart", "begin", "hello", "want", "need", "seat")
    intents = {
        f"intent_{i}": Intent(
            f"intent_{i}",
            tuple(" ".join(words[(i + j + k) % len(words)] for k in range(4)) for j in range(5)),
        )
        for i in range(10)
    }
    big = NluMatcher(Nlu(intents=intents, entities=ENTITIES))
    text = "I want a train ticket to Brussels please"
    big.match(text)
    runs = 2000
    start = time.perf_counter()
    for _ in range(runs):
        big.match(text)
    per_call = (time.perf_counter() - start) / runs
    assert per_call < 200e-6  # generous for slow CI machines; typically ~25 µs


# --- entities ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brussels", {"city": "Brussels"}),
        ("to BRUSSELS please", {"city": "Brussels"}),
        ("Bruxelles", {"city": "Brussels"}),  # synonym
        ("brussel", {"city": "Brussels"}),  # synonym
        ("Brusels", {"city": "Brussels"}),  # typo in a word of 5+ letters
        ("Antwrep", {"city": "Antwerp"}),  # swapped letters
        ("gent", {"city": "Ghent"}),  # a letter missing
        ("I'm going to new york", {"city": "New York"}),  # several words
        ("liege", {"city": "Liège"}),  # accents folded
        ("second class to Ghent", {"ticket_class": "second", "city": "Ghent"}),
        ("Antwerp or Ghent", {"city": "Antwerp"}),  # the first one in the text
        ("Paris", {}),
        ("xbrussels", {}),  # whole words only ... and never a typo in the first letter
        ("Brusselsss", {}),  # two edits in a short word
        ("Mins", {}),  # no typo tolerance under 5 letters
        ("firts class", {"ticket_class": "first"}),
        ("Antwerpen", {}),
    ],
)
def test_extract_entities(matcher: NluMatcher, text: str, expected: dict[str, str]) -> None:
    found = {k: v for k, v in matcher.extract_entities(text).items() if not k.startswith("sys.")}
    assert found == expected


def test_entity_value(matcher: NluMatcher) -> None:
    assert matcher.entity_value("city", "Bruxelles") == "Brussels"
    assert matcher.entity_value("city", "I'd like to go to ghent please") == "Ghent"
    assert matcher.entity_value("city", "Brusels") == "Brussels"
    assert matcher.entity_value("city", "first") is None
    assert matcher.entity_value("ticket_class", "First class") == "first"
    assert matcher.entity_value("city", "Paris") is None
    assert matcher.entity_value("unknown", "Brussels") is None


def test_entity_value_finds_its_entity_when_another_shares_the_word() -> None:
    nlu = Nlu(
        entities={
            "station": Entity("station", ("Central",), {"Central": ("Brussels",)}),
            "city": Entity("city", ("Brussels",)),
        }
    )
    m = NluMatcher(nlu)
    assert m.entity_value("city", "brussels") == "Brussels"
    assert m.entity_value("station", "brussels") == "Central"
    assert m.extract_entities("brussels") == {"station": "Central", "city": "Brussels"}


def test_entity_names(matcher: NluMatcher) -> None:
    assert matcher.entity_names == {"city", "ticket_class"}


# --- system entities ---------------------------------------------------------------------------------------

NOW = dt.datetime(2026, 11, 25, 10, 0)


def EUR(amount: float) -> dict[str, object]:  # upper case: reads like the currency in the tables below
    return {"sys.amount_of_money": amount, "sys.amount_of_money_currency": "EUR"}


def DAY(iso_date: str) -> dict[str, object]:
    return {"sys.time": f"{iso_date}T00:00:00.000+00:00", "sys.time_grain": "day"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 tickets", {"sys.number": 2}),
        ("it costs 3.5 euro", {"sys.number": 3.5, **EUR(3.5)}),  # an amount is a number too
        ("it costs 3,5 euro", {"sys.number": 3.5, **EUR(3.5)}),
        ("-4 degrees", {"sys.number": -4, "sys.temperature": -4, "sys.temperature_unit": "degree"}),
        ("three adults and 2 children", {"sys.number": 3}),
        ("mail ann.smith+tag@example.co.uk.", {"sys.email": "ann.smith+tag@example.co.uk"}),
        ("call +32 470 12 34 56 today", {"sys.phone_number": "(+32) 470123456", **DAY("2026-11-25")}),
        (
            "see https://example.com/a?b=1, thanks",
            {"sys.url": "https://example.com/a?b=1", "sys.url_domain": "example.com"},
        ),
        ("www.sncb.be", {"sys.url": "www.sncb.be", "sys.url_domain": "sncb.be"}),
        ("on 25.12.2026", DAY("2026-12-25")),  # a date is neither a phone number nor 25.12
        ("1000000 euros", {"sys.number": 1000000, "sys.phone_number": "1000000", **EUR(1000000)}),
        (
            "see https://x.com/123456789 or call 0470 12 34 56 for 2 seats",
            {
                "sys.number": 2,
                "sys.phone_number": "0470123456",
                "sys.url": "https://x.com/123456789",
                "sys.url_domain": "x.com",
            },
        ),
        ("nothing here", {}),
        ("", {}),
    ],
)
def test_system_entities(text: str, expected: dict[str, object]) -> None:
    assert system_entities(text, NOW) == expected


def test_system_entities_do_not_take_numbers_from_addresses() -> None:
    found = system_entities("ann2@example.com, site2.example.org, (02) 123 45 67", NOW)
    assert found == {
        "sys.email": "ann2@example.com",
        "sys.url": "site2.example.org",
        "sys.url_domain": "site2.example.org",
        "sys.phone_number": "(02)1234567",
    }


def test_extract_entities_merges_flow_and_system_entities(matcher: NluMatcher) -> None:
    assert matcher.extract_entities("2 first class tickets to Ghent, mail me at a@b.be") == {
        "ticket_class": "first",
        "city": "Ghent",
        "sys.number": 2,
        "sys.ordinal": 1,  # "first"
        "sys.email": "a@b.be",
    }


# --- helpers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42", 42),
        (" -2 ", -2),
        ("+7", 7),
        ("3.5", 3.5),
        ("3,5", 3.5),
        (".5", 0.5),
        ("3.0", 3),
        ("1 000", 1000),
        ("1,000,000", 1000000),
        ("1'000.25", 1000.25),
        ("two", 2),
        ("Twelve", 12),
        ("", None),
        ("abc", None),
        ("1 2", None),
        ("1,2,3", None),
        ("3 tickets", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    parsed = parse_number(text)
    assert parsed == value
    assert type(parsed) is type(value)


def test_find_number() -> None:
    assert find_number("I need one ticket, maybe 2") == 1
    assert find_number("a2b 7") == 7
    assert find_number("none") is None


def test_normalise() -> None:
    assert normalise("  Book  A-Train!! ") == "book a train"
    assert normalise("Liège") == "liege"


def test_a_score_equal_to_the_threshold_does_not_match() -> None:
    text = "i want a ticket"
    score = dict(NluMatcher(make_nlu()).scores(text))["book_ticket"]
    assert intent_of(NluMatcher(make_nlu(score)), text) is None
    assert intent_of(NluMatcher(make_nlu(score - 1e-9)), text) == "book_ticket"


def test_understand_gives_the_best_intent_also_below_the_threshold(matcher: NluMatcher) -> None:
    understood = matcher.understand("I want to Bruxelles")
    assert understood.intent is not None and 0 < understood.score <= 0.8
    assert not understood.recognised and understood.match is None
    assert understood.entities == {"city": "Brussels"}
    assert understood.internal() == {
        "expression": "I want to Bruxelles",
        "intent": {"name": understood.intent, "score": understood.score},
    }


def test_understand_without_any_score_names_no_intent(matcher: NluMatcher) -> None:
    understood = matcher.understand("?!")
    assert (understood.intent, understood.score, understood.recognised) == (None, 0.0, False)
