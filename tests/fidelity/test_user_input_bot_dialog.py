"""Chatlayer's page bot-answers/dialog-state/user-input-bot-dialog.md ("Input Validation"), run verbatim.

"Today" is fixed: Wednesday 25 November 2026, at 10:00.
"""

import asyncio
import datetime as dt

import pytest

from workbench.engine.conversation import Conversation
from workbench.engine.inputs import Validation, validate
from workbench.engine.nlu import NluMatcher
from workbench.flow.model import Nlu

NOW = dt.datetime(2026, 11, 25, 10, 0)
MATCHER = NluMatcher(Nlu(), clock=lambda: NOW)


def stored(expect: str, text: str) -> object:
    result = validate(expect, text, MATCHER)
    assert result.ok, f"expect {expect}: {text!r} was refused"
    return result.value


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("22-04-2018", "22-04-2018"),
        ("22-04", "22-04-2027"),  # no year: the next 22 April
        ("22 apr", "22-04-2027"),
        ("22 april 18", "22-04-2018"),  # a two-digit year is 19xx from 69, else 20xx: not 2118
        ("twenty two April 2018", "22-04-2018"),
        ("yesterday", "24-11-2026"),
        ("today", "25-11-2026"),
        ("now", "25-11-2026"),
        ("last night", "24-11-2026"),
        ("tomorrow", "26-11-2026"),
        ("tmr", "26-11-2026"),
        ("in two weeks", "09-12-2026"),
        ("in 3 days", "28-11-2026"),
        ("next Monday", "30-11-2026"),
        ("next week Friday", "04-12-2026"),  # the Friday of next week
        ("last Monday", "23-11-2026"),
        ("past Monday", "23-11-2026"),
        ("last week", "18-11-2026"),  # the page names no day: the workbench takes a week ago today
        ("past week", "18-11-2026"),
        ("within 5 days", "30-11-2026"),  # read as "in 5 days"
        ("within five days", "30-11-2026"),
        ("in 5 days", "30-11-2026"),
        ("in five days", "30-11-2026"),
        ("Friday", "27-11-2026"),
        ("Fri", "27-11-2026"),
    ],
)
def test_every_listed_date_format_is_stored_as_dd_mm_yyyy(text: str, date: str) -> None:
    """Input types > Date: "Supported formats ... are: 22-04-2018, 22-04, 22 apr, 22 april 18, twenty two April
    2018, yesterday, today, now, last night, tomorrow, tmr, in two weeks, in 3 days, next Monday, next week
    Friday, last/past Monday, last/past week, within/in 5/five days, Friday/Fri"."""
    assert stored("date", text) == date


def test_next_week_monday_from_the_introduction() -> None:
    """Input types > Date: "Sentences like 'next week Monday' are automatically converted to a DD-MM-YYYY date"."""
    assert stored("date", "next week Monday") == "30-11-2026"


def test_a_date_inside_a_sentence_is_extracted() -> None:
    """Input types: "the user's input-sentence was 'I need to be in Paris in two days' ... the parser will convert
    this into a date representation, DD-MM-YYYY"."""
    assert stored("date", "I need to be in Paris in two days") == "27-11-2026"


def test_an_answer_that_is_no_date_is_invalid() -> None:
    """Invalid input: "when the bot asks for an email address and the user replies with 'chicken'" (here: a date)."""
    assert validate("date", "chicken", MATCHER) == Validation(False)


def test_email_is_checked_and_chicken_is_refused() -> None:
    """@sys.email: "checks if the given user input has the format of an email address"; 'chicken' is invalid."""
    assert stored("email", "ilovebots@chatlayer.ai") == "ilovebots@chatlayer.ai"
    assert validate("email", "chicken", MATCHER) == Validation(False)


@pytest.mark.parametrize(("text", "ok"), [("123456", False), ("1234567", True), ("1" * 16, True), ("1" * 17, False)])
def test_phone_number_has_more_than_6_and_fewer_than_17_digits(text: str, ok: bool) -> None:
    """@sys.phone_number: "will accept numbers with more than 6 and fewer than 17 numbers in them"."""
    assert validate("phone_number", text, MATCHER).ok is ok


def test_phone_number_is_stored_in_chatlayers_form() -> None:
    """@sys.phone_number, stored as the NLP page's table shows: "+32 487 23 02 03" → '(+32) 487230203'."""
    assert stored("phone_number", "+32 487 23 02 03") == "(+32) 487230203"


@pytest.mark.parametrize(("text", "number"), [("eighty eight", 88), ("two hundred", 200), ("42", 42)])
def test_number_accepts_digits_and_words(text: str, number: int) -> None:
    """@sys.number: "The input validation will check if the user input given was a number"."""
    assert stored("number", text) == number


def test_number_refuses_what_is_no_number() -> None:
    """@sys.number: "... and if not, the input validation will not continue"."""
    assert validate("number", "chicken", MATCHER) == Validation(False)


@pytest.mark.parametrize(("text", "ok"), [("www.chatlayer.ai", True), ("chatlayer.ai", True), ("chatlayer", False)])
def test_url_with_or_without_www_but_not_a_bare_name(text: str, ok: bool) -> None:
    """@sys.url: "Accepted formats can be with www (www.chatlayer.ai) or without (chatlayer.ai). Just the domain
    'chatlayer' will not be accepted"."""
    assert validate("url", text, MATCHER).ok is ok


@pytest.mark.parametrize(("text", "time"), [("3 pm", "15:00"), ("15:30", "15:30"), ("9am", "09:00")])
def test_hours_parses_a_time_of_day(text: str, time: str) -> None:
    """Input types > Hours: "This input type will parse and validate timestamps" (the workbench stores HH:MM)."""
    assert stored("time", text) == time
    assert validate("time", "tomorrow", MATCHER) == Validation(False)


@pytest.mark.parametrize(
    ("words", "code"),
    [
        (("engels", "English", "en", "anglais"), "en-us"),
        (("nederlands", "Dutch", "ned", "nl", "vlaams", "hollands", "be", "néerlandais", "belgisch"), "nl-nl"),
        (("French", "français", "frans", "fr", "francais"), "fr-fr"),
        (("Chinese", "cn", "zh", "chinees"), "zh-cn"),
        (("Spanish", "español", "es", "spaans"), "es-es"),
        (("Italian", "italiaans", "italiano", "it"), "it-it"),
        (("German", "duits", "de", "deutsch"), "de-de"),
        (("Japanese", "japans", "jp", "日本の"), "ja-jp"),
        (("Brazil Portugese", "Portugese", "portugees", "braziliaans portugees", "português"), "pt-br"),
    ],
)
def test_language_words_name_their_language(words: tuple[str, ...], code: str) -> None:
    """Input types > Language: "English: (en-us): 'engels', 'English', 'en', 'anglais'" and the other eight."""
    assert [stored("language", word) for word in words] == [code] * len(words)


def test_an_ask_state_stores_the_date_relative_to_the_conversations_clock(flow_from) -> None:
    """Input types: "The parser will convert this into a date representation, DD-MM-YYYY, and the result will be
    stored in the user session" — through a whole conversation, with its clock fixed."""
    flow = flow_from(
        """
        name: Date
        start: ask_date
        states:
          ask_date:
            ask: When do you travel?
            save: travel_date
            expect: date
            next: done
          done:
            say: "Booked for {travel_date}."
        """
    )

    async def run() -> Conversation:
        conversation = Conversation(flow, clock=lambda: NOW)
        await conversation.start()
        await conversation.send_text("I need to be in Paris next week Friday")
        await conversation.aclose()
        return conversation

    conversation = asyncio.run(run())
    assert conversation.session.get("travel_date") == "04-12-2026"
