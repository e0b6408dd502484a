"""Languages in the flow file, translation files beside it, and the flow in each language."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.flow.languages import code_problem, declared_language
from workbench.flow.loader import LoadResult, load_flow, load_flow_text
from workbench.flow.model import Flow, Languages, SayItem, State
from workbench.flow.translations import coverage, in_language, translation_file

from .multilingual import TRIPS, TRIPS_NL, without, write_flow

SAMPLE = Path(__file__).resolve().parents[2] / "flows" / "train_ticket" / "train_ticket.yaml"


def load(nl: str | None = TRIPS_NL, flow: str = TRIPS) -> LoadResult:
    return load_flow_text(flow, "trips.yaml", {} if nl is None else {"nl": nl})


def problems(nl: str | None = TRIPS_NL, flow: str = TRIPS) -> list[str]:
    return [str(p) for p in load(nl, flow).problems]


def dutch(nl: str = TRIPS_NL) -> Flow:
    result = load(nl)
    assert result.flow is not None, problems(nl)
    return in_language(result.flow, "nl")


# The flow file's `languages:`


def test_a_flow_without_languages_speaks_english_only() -> None:
    flow = load_flow_text("start: a\nstates:\n  a:\n    say: hi\n").flow
    assert (flow.languages, flow.language, flow.languages.all) == (Languages("en", (), None), "en", ("en",))
    assert in_language(flow, "en") is flow


def test_languages_are_read_with_the_primary_first() -> None:
    flow = load().flow
    assert flow.languages == Languages("en", ("nl",), None)
    assert flow.languages.all == ("en", "nl")
    text = TRIPS.replace("  primary: en\n  secondary: [nl]\n", "  primary: nl\n  secondary: en\n")
    assert load_flow_text(text, "trips.yaml", {"en": TRIPS_NL.replace("language: nl", "language: en")}).ok


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("EN", "'EN' is not a language code; write the two-letter code `en`"),
        ("nl-BE", "'nl-BE' is not a language code; write the two-letter code `nl`"),
        ("Dutch", "'Dutch' is not a language code; write the two-letter code `nl`"),
        ("xx", "'xx' is not a language code (two lower-case letters, such as en, nl, fr, de)"),
    ],
)
def test_a_language_that_is_no_two_letter_code_is_refused_with_the_code_meant(written: str, message: str) -> None:
    text = TRIPS.replace("secondary: [nl]", f"secondary: [{written}]")
    assert problems(None, text) == [f"trips.yaml:5:15: error: 'secondary' in languages: {message}"]
    assert code_problem(written) == message
    assert code_problem("nl") is None


def test_the_primary_language_is_checked_too_and_so_are_repeats() -> None:
    text = TRIPS.replace("primary: en\n  secondary: [nl]", "primary: 3\n  secondary: [en, fr, fr]\n  main: x")
    assert problems(None, text) == [
        "trips.yaml:4:12: error: 'primary' in languages must be a two-letter language code, not 3",
        "trips.yaml:5:15: error: 'en' in 'secondary' of languages is the primary language already",
        "trips.yaml:5:23: error: 'fr' is given twice in 'secondary' of languages",
        "trips.yaml:6:3: error: unknown key 'main' in languages (expected one of: primary, secondary, detection)",
    ]


def test_the_language_detection_state_must_exist_and_counts_as_reachable() -> None:
    chooser = "  choose_language:\n    ask: Which language? / Welke taal?\n    save: preferredLanguage\n"
    text = TRIPS.replace("  secondary: [nl]\n", "  secondary: [nl]\n  detection: choose_languag\n") + chooser
    assert problems(TRIPS_NL, text)[0] == (
        "trips.yaml:6:14: error: 'detection' refers to unknown state 'choose_languag'; did you mean 'choose_language'?"
    )
    fixed = load(TRIPS_NL, text.replace("choose_languag\n", "choose_language\n"))
    assert fixed.ok and fixed.flow.languages.detection == "choose_language"
    assert not [p for p in fixed.problems if "unreachable" in p.message]


def test_preferred_language_is_a_built_in_variable() -> None:
    text = "start: a\nstates:\n  a:\n    say: You speak {preferredLanguage} ({locale}).\n"
    assert load_flow_text(text).problems == ()


@pytest.mark.parametrize(
    ("given", "code"),
    [("nl", "nl"), ("NL", "nl"), ("nl-BE", "nl"), ("nl_be", "nl"), ("nl-nl", "nl"), (" fr-FR ", None), ("de", None)],
)
def test_a_channel_or_variable_language_becomes_a_declared_code(given: str, code: str | None) -> None:
    assert declared_language(given, ("en", "nl")) == code


def test_what_is_no_language_tag_declares_nothing() -> None:
    assert [declared_language(value, ("en", "nl")) for value in ("Dutch", "", "n", "nld", None, 3)] == [None] * 6


# Translation files


def test_a_complete_translation_loads_without_problems() -> None:
    assert problems() == []


def test_each_text_without_a_translation_is_a_warning_at_the_primary_text() -> None:
    assert problems(without(TRIPS_NL, "ask_city.ask[0]", "handoff.offload")) == [
        "trips.yaml:31:15: warning: no Dutch (nl) translation for `ask_city.ask[0]`",
        "trips.yaml:40:24: warning: no Dutch (nl) translation for `handoff.offload`",
    ]


def test_an_empty_translation_counts_as_missing() -> None:
    nl = TRIPS_NL.replace("Hoi {name}! Waarheen?", "").replace("Een collega helpt je.", '"  "')
    assert problems(nl) == [
        "trips.yaml:17:15: warning: no Dutch (nl) translation for `welcome.say[0]`",
        "trips.yaml:40:24: warning: no Dutch (nl) translation for `handoff.offload`",
    ]
    assert dutch(nl).states["welcome"].say[0].text == "Hi {name}! Where to?"


def test_a_missing_translation_file_is_one_warning_where_its_language_is_declared() -> None:
    assert problems(None) == [
        "trips.yaml:5:15: warning: no Dutch (nl) translation file trips.nl.yaml (every text falls back to English (en))"
    ]
    flow = load(None).flow
    assert in_language(flow, "nl").states["welcome"].say[0].text == "Hi {name}! Where to?"


def test_a_translation_of_a_text_that_no_longer_exists_is_an_error_with_the_key_meant() -> None:
    nl = TRIPS_NL.replace("ask_city.ask[0]:", "ask_city.ask[1]:").replace("handoff.offload:", "handof.offload:")
    assert problems(nl) == [
        "trips.yaml:31:15: warning: no Dutch (nl) translation for `ask_city.ask[0]`",
        "trips.yaml:40:24: warning: no Dutch (nl) translation for `handoff.offload`",
        "trips.nl.yaml:11:3: error: translation of a text that no longer exists: `ask_city.ask[1]`;"
        " did you mean `ask_city.ask[0]`?",
        "trips.nl.yaml:15:3: error: translation of a text that no longer exists: `handof.offload`;"
        " did you mean `handoff.offload`?",
    ]


def test_a_translation_that_uses_or_drops_a_variable_is_a_warning_at_it() -> None:
    nl = TRIPS_NL.replace("Hoi {name}!", "Hoi {naam}!").replace("Geen stad, {name}.", "Geen stad.")
    assert problems(nl) == [
        "trips.nl.yaml:3:19: warning: the Dutch (nl) text of `welcome.say[0]` drops {name},"
        " which the English (en) text uses",
        "trips.nl.yaml:3:23: warning: the Dutch (nl) text of `welcome.say[0]` uses {naam},"
        " which the English (en) text does not",
        "trips.nl.yaml:13:22: warning: the Dutch (nl) text of `ask_city.retry[0]` drops {name},"
        " which the English (en) text uses",
    ]


def test_wrong_values_in_a_translation_file_are_errors_where_they_are_written() -> None:
    nl = (
        TRIPS_NL.replace("language: nl", "language: fr\nextra: 1")
        .replace("Hoi {name}!", "Hoi {name!")
        .replace("quick_replies[0]: Later", "quick_replies[0]: 1")
        .replace("Kies", "[Kies]")
        .replace("book: [boek een reis, ik wil een ticket]", "bok: [boek]\n  help: hulp")
        .replace("Brussels: [Brussel, Bxl]", "Brusels: [Brussel]\n  town: {}")
    )
    assert [p for p in problems(nl) if "error" in p] == [
        "trips.nl.yaml:1:11: error: 'language' is fr, but the file's name says it holds the Dutch (nl) translation",
        "trips.nl.yaml:2:1: error: unknown key 'extra' in the translation file; did you mean 'texts'?",
        "trips.nl.yaml:4:23: error: unclosed template '{name! Waarheen?'",
        "trips.nl.yaml:7:36: error: the translation of `welcome.say[0].quick_replies[0]` must be a string, not 1;"
        " put it in quotes",
        "trips.nl.yaml:11:39: error: the translation of `welcome.say[1].cards[0].buttons[0]` must be a string,"
        " not a list",
        "trips.nl.yaml:18:3: error: expressions for intent 'bok', which the flow does not have; did you mean 'book'?",
        "trips.nl.yaml:19:9: error: the Dutch (nl) expressions of intent 'help' must be a list of strings,"
        " not a string",
        "trips.nl.yaml:22:5: error: words for 'Brusels', which is not one of the values of entity 'city';"
        " did you mean 'Brussels'?",
        "trips.nl.yaml:23:3: error: words for entity 'town', which the flow does not have",
    ]
    assert not load(nl).ok


def test_a_translation_file_must_say_its_language() -> None:
    assert problems("texts: {}\n")[-1] == (
        "trips.nl.yaml:1:1: error: missing required key 'language' in the translation file (its language: nl)"
    )
    assert problems("language: NL\n")[-1] == (
        "trips.nl.yaml:1:11: error: 'language': 'NL' is not a language code; write the two-letter code `nl`"
    )
    assert problems("language: nl\nlanguage: nl\n")[-1] == (
        "trips.nl.yaml:2:1: error: duplicate key 'language' (first given on line 1)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("language: nl\ntexts: {a: b\n", "2:8: error: invalid YAML: in a flow mapping that starts here"),
        ("", "1:1: error: the translation file is empty"),
        ("- nl\n", "1:1: error: the top level of a translation file must be a mapping, not a list"),
    ],
)
def test_a_translation_file_that_cannot_be_read_is_one_error_without_a_warning_per_text(
    text: str, message: str
) -> None:
    (problem,) = problems(text)
    assert problem.startswith(f"trips.nl.yaml:{message}")


def test_problems_name_the_files_as_the_flow_was_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_flow(tmp_path, nl=without(TRIPS_NL, "handoff.offload"))
    monkeypatch.chdir(tmp_path.parent)
    result = load_flow(Path(tmp_path.name) / "trips.yaml")
    assert [str(p) for p in result.problems] == [
        f"{tmp_path.name}/trips.yaml:40:24: warning: no Dutch (nl) translation for `handoff.offload`"
    ]
    assert result.flow.translations["nl"].file == f"{tmp_path.name}/trips.nl.yaml"
    assert translation_file("flows/trips.yaml", "fr") == Path("flows/trips.fr.yaml")


def test_a_translation_file_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = write_flow(tmp_path)
    (tmp_path / "trips.nl.yaml").write_bytes(b"language: nl\ntexts: {welcome.say[0]: \xff}\n")
    (problem,) = load_flow(path).problems
    assert (
        str(problem)
        == f"{tmp_path}/trips.nl.yaml:1:1: error: the translation file is not valid UTF-8 (byte 0xff at offset 37)"
    )


def test_a_translation_is_remembered_with_where_it_is_written() -> None:
    translation = load().flow.translations["nl"]
    assert translation.texts["handoff.offload"] == "Een collega helpt je."
    assert (translation.locs["handoff.offload"].line, translation.locs["handoff.offload"].column) == (15, 20)


# The flow in each language


def test_in_language_is_built_once_and_shared_by_every_language() -> None:
    flow = load().flow
    nl = in_language(flow, "nl")
    assert in_language(flow, "nl") is nl
    assert in_language(nl, "en") is flow and in_language(nl, "nl") is nl
    assert in_language(flow, "en") is flow


def test_in_language_refuses_a_language_the_flow_does_not_speak() -> None:
    with pytest.raises(ValueError, match=r"^'fr' is not one of the flow's languages \(en, nl\)$"):
        in_language(load().flow, "fr")


def test_intents_have_the_expressions_of_the_language_or_else_the_primary_ones() -> None:
    intents = dutch().nlu.intents
    assert intents["book"].examples == ("boek een reis", "ik wil een ticket")
    assert intents["help"].examples == ("help me",)
    assert load().flow.nlu.intents["book"].examples == ("book a trip", "I want a ticket")


def test_entity_values_have_the_words_of_the_language_or_else_the_primary_ones() -> None:
    city = dutch().nlu.entities["city"]
    assert city.values == ("Brussels", "Ghent")  # what is saved is the same in every language
    assert city.synonyms == {"Brussels": ("Brussel", "Bxl"), "Ghent": ("Gand",)}
    assert load().flow.nlu.entities["city"].synonyms["Brussels"] == ("Bruxelles",)


def test_a_hand_built_flow_is_translated_on_request() -> None:
    state = State(name="s", kind="say", say=(SayItem(text="Hello"),))
    flow = Flow(name="f", start="s", states={"s": state}, languages=Languages("en", ("nl",)))
    assert in_language(flow, "nl").states["s"].say[0].text == "Hello"
    assert in_language(flow, "nl").language == "nl"


def test_coverage_counts_the_translated_texts_of_each_language() -> None:
    full, part = coverage(load().flow), coverage(load(without(TRIPS_NL, "handoff.offload")).flow)
    assert [(c.language, c.texts, c.translated, c.missing, c.percent) for c in full] == [
        ("en", 13, 13, 0, 100),
        ("nl", 13, 13, 0, 100),
    ]
    assert [(c.translated, c.missing, c.percent) for c in part] == [(13, 0, 100), (12, 1, 92)]


# The sample


def test_the_sample_speaks_english_and_dutch_completely() -> None:
    result = load_flow(SAMPLE)
    assert result.problems == ()
    assert [(c.language, c.missing) for c in coverage(result.flow)] == [("en", 0), ("nl", 0)]
    nl = in_language(result.flow, "nl")
    assert nl.states["ask_name"].ask.prompt[0].text == "Wat is je voornaam?"
    assert nl.nlu.intents["book_ticket"].examples[0] == "ik wil een treinticket"
    assert nl.nlu.entities["city"].synonyms["Antwerp"][0] == "Antwerpen"
