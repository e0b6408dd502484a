"""Conversation tests in every language of their flow: one test written in the primary language runs in each, its
expectations matched against their translations; results, reports and coverage per language."""

from __future__ import annotations

import asyncio
import json
import textwrap
from pathlib import Path

import pytest

from workbench.flow.loader import load_flow
from workbench.flow.model import Flow
from workbench.testing import suite
from workbench.testing.block_yaml import load_block_yaml
from workbench.testing.convo_format import ConvoTest, load_convo_file, load_convo_text
from workbench.testing.coverage import Coverage
from workbench.testing.json_report import report_json
from workbench.testing.junit import junit_xml
from workbench.testing.localize import ONE_LANGUAGE, RunLanguages, localized
from workbench.testing.runner import ConvoResult, Runner

FLOW = """\
name: Echo
start: welcome
languages: {primary: en, secondary: [nl]}
events:
  - {silence: 30, goto: still_there}
states:
  welcome:
    say:
      - Welcome to the echo!
      - carousel:
          - {title: Tea, subtitle: Always hot, buttons: [{title: Pick tea, goto: ask}]}
  ask:
    ask:
      - text: What shall I repeat?
        quick_replies: [{title: Nothing, goto: bye}]
    save: said
    next: echo
  echo:
    say: "You said: {said}"
    next: ask
  still_there:
    say:
      - text: Are you still there?
        buttons: [{title: Yes, goto: ask}]
  bye:
    say: Goodbye, 42!
"""

DUTCH = """\
language: nl
texts:
  welcome.say[0]: Welkom bij de echo!
  welcome.say[1].cards[0].title: Thee
  welcome.say[1].cards[0].subtitle: Altijd warm
  welcome.say[1].cards[0].buttons[0]: Kies thee
  ask.ask[0]: Wat zal ik herhalen?
  ask.ask[0].quick_replies[0]: Niets
  echo.say[0]: "Je zei: {said}"
  still_there.say[0]: Ben je er nog?
  still_there.say[0].buttons[0]: Ja
  bye.say[0]: Tot ziens, 42!
"""

TURNS = """\
turns:
  - bot: Welcome to the echo!
  - bot: {card: {title: Tea, subtitle: Always hot, buttons: [Pick tea]}}
  - click: Pick tea
  - bot: {text: What shall I repeat?, quick_replies: [Nothing]}
  - user: hello
  - bot: {contains: "You said: hello"}
  - silence: 10
  - silence: 30
  - bot: {text: '/\\?$/', buttons: [Yes]}
  - click: Yes
  - bot: {key: "echo.say[0]", not: {contains: Welcome}}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with the two-language echo flow."""
    (tmp_path / "echo.yaml").write_text(FLOW, encoding="utf-8")
    (tmp_path / "echo.nl.yaml").write_text(DUTCH, encoding="utf-8")
    return tmp_path


def convo(folder: Path, head: str = "", turns: str = TURNS, name: str = "echo.convo.yaml") -> Path:
    """A convo file on the echo flow: `head` (settings) before its turns."""
    path = folder / name
    path.write_text(f"flow: echo.yaml\nname: Echoes\n{textwrap.dedent(head)}{turns}", encoding="utf-8")
    return path


def the_test(path: Path) -> ConvoTest:
    loaded = load_convo_file(path)
    assert loaded.ok, [str(p) for p in loaded.problems]
    (test,) = loaded.tests
    return test


def run_all(path: Path, languages: RunLanguages = ONE_LANGUAGE) -> list[ConvoResult]:
    return suite.run(suite.stream([path]), languages=languages).results


def test_a_conversation_runs_in_its_language_all_of_its_flows_or_the_runs(folder: Path) -> None:
    async def go() -> dict[str, tuple[str | None, ...]]:
        found = {}
        for head, asked in [
            ("", RunLanguages()),
            ("language: nl\n", RunLanguages()),
            ("language: all\n", RunLanguages()),
            ("", RunLanguages(("nl",))),
            ("", RunLanguages(every=True)),
            ("language: en\n", RunLanguages(every=True)),
        ]:
            runner = Runner(languages=asked)
            found[f"{head.strip() or '-'} / {asked}"] = runner.languages(the_test(convo(folder, head)))
            await runner.aclose()
        return found

    assert list(asyncio.run(go()).values()) == [(None,), ("nl",), ("en", "nl"), ("nl",), ("en", "nl"), ("en",)]


def test_one_test_written_in_english_passes_in_english_and_in_dutch(folder: Path) -> None:
    results = run_all(convo(folder, "language: all\n"))
    assert [(r.name, r.language, r.status) for r in results] == [
        ("Echoes [en]", "en", "passed"),
        ("Echoes [nl]", "nl", "passed"),
    ], [r.failure.report() for r in results if r.failure]
    assert results[1].id.endswith("echo.convo.yaml::Echoes [nl]")


def test_the_dutch_test_expects_the_translations_with_the_values_the_english_text_shows(folder: Path) -> None:
    test = the_test(convo(folder))
    dutch = localized(test, _flow(test), "nl", label=True)
    expected = {turn.text: turn.value for turn in dutch.turns}
    assert (dutch.name, dutch.variables["locale"]) == ("Echoes [nl]", "nl")
    assert expected["bot: Welcome to the echo!"].describe() == (
        '"Welkom bij de echo!" (the Dutch (nl) text of `welcome.say[0]`)'
    )
    assert expected['bot: {"card": {"title": "Tea", "subtitle": "Always hot", "buttons": ["Pick tea"]}}'].cards == (
        {"title": "Thee", "subtitle": "Altijd warm", "buttons": ["Kies thee"]},
    )
    assert expected["click: Pick tea"] == "Kies thee"
    assert expected['bot: {"text": "What shall I repeat?", "quick_replies": ["Nothing"]}'].quick_replies == ("Niets",)
    said = expected['bot: {"contains": "You said: hello"}'].texts[0]
    assert (said.mode, said.pattern) == ("contains", "Je zei: hello")  # the template's value put in
    regex_and_buttons = expected['bot: {"text": "/\\\\?$/", "buttons": ["Yes"]}']
    assert regex_and_buttons.texts[0].pattern == "/\\?$/"  # a regular expression stays as written
    assert regex_and_buttons.buttons == ("Ja",)
    keyed = expected['bot: {"key": "echo.say[0]", "not": {"contains": "Welcome"}}']
    assert keyed.texts[0].test("Je zei: hello")
    assert keyed.negated[0].texts[0].pattern == "Welcome"  # a part of a text is not translated


def test_a_text_that_is_none_of_the_flows_stays_as_written_and_a_key_matches_any_value(folder: Path) -> None:
    test = the_test(convo(folder, turns='turns:\n  - bot: "42"\n  - bot: {key: "echo.say[0]"}\n'))
    number, echoed = (turn.value.texts[0] for turn in localized(test, _flow(test), "nl").turns)
    assert (number.mode, number.pattern) == ("exact", "42")
    assert echoed.mode == "template" and echoed.test("Je zei: anything at all")
    assert not echoed.test("You said: anything at all")
    in_english = localized(test, _flow(test), None).turns[1].value.texts[0]
    assert in_english.test("You said: hi") and not in_english.test("Je zei: hi")


def test_a_failure_in_dutch_says_what_the_english_expectation_became(folder: Path) -> None:
    path = convo(folder, "language: nl\n", "turns:\n  - bot: Welcome to the echo!\n  - bot: What shall I repeat?\n")
    (result,) = run_all(path)
    assert result.status == "failed" and result.language == "nl"
    report = result.failure.report()
    assert "the bot said something else" in report
    assert 'expected: "Wat zal ik herhalen?" (the Dutch (nl) text of `ask.ask[0]`)' in report


@pytest.mark.parametrize(
    ("head", "message"),
    [
        ("language: fr\n", "3:11: error: language 'fr' is not one of the languages of flow 'Echo' (en, nl)"),
    ],
)
def test_a_language_the_flow_does_not_speak_is_a_problem_at_its_position(folder: Path, head: str, message: str) -> None:
    (result,) = run_all(convo(folder, head))
    assert result.status == "error"
    assert result.failure.message == f"{folder / 'echo.convo.yaml'}:{message}"


def test_a_run_asking_for_a_language_the_flow_does_not_speak_is_an_error(folder: Path) -> None:
    (result,) = run_all(convo(folder), RunLanguages(("fr",)))
    assert result.status == "error"
    assert "the run asks for French (fr), which flow 'Echo' does not speak (its languages: en, nl)" in (
        result.failure.message
    )


def test_a_language_that_is_no_code_and_an_unknown_key_are_reported(folder: Path) -> None:
    loaded = load_convo_text("flow: echo.yaml\nlanguage: Dutch\nturns: []\n", "c.convo.yaml", folder)
    assert [str(p) for p in loaded.problems] == [
        "c.convo.yaml:2:11: error: 'language': 'Dutch' is not a language code; write the two-letter code `nl`, "
        "or `all` for every language of the flow"
    ]
    (result,) = run_all(convo(folder, turns='turns:\n  - bot: {key: "ask.ask[1]"}\n'))
    assert result.status == "error"
    assert "has no text with the key `ask.ask[1]`; did you mean `ask.ask[0]`?" in result.failure.message


def test_a_silence_turn_runs_the_silence_event_without_waiting(folder: Path) -> None:
    path = convo(folder, turns="turns:\n  - silence: 29\n  - state: welcome\n  - silence: 30\n  - state: still_there\n")
    assert load_block_yaml(path.read_text()) is not None  # the fast reader reads silence: and language:
    (result,) = run_all(path)
    assert result.passed, result.failure and result.failure.report()
    assert result.duration < 5


def test_the_reports_break_the_results_down_per_language(folder: Path) -> None:
    path = convo(folder, "language: all\n", "turns:\n  - bot: /^Welcome/\n")
    results = run_all(path)
    assert [(r.name, r.status) for r in results] == [("Echoes [en]", "passed"), ("Echoes [nl]", "failed")]
    report = report_json(results, 1.0)
    assert report["summary"]["languages"] == {
        "en": {"total": 1, "passed": 1, "failed": 0, "errors": 0},
        "nl": {"total": 1, "passed": 0, "failed": 1, "errors": 0},
    }
    assert [r["language"] for r in report["results"]] == ["en", "nl"]
    xml = junit_xml(results)
    assert 'name="Echoes [nl]"' in xml
    assert '<property name="language" value="nl" />' in xml


def test_the_terminal_summary_counts_each_language(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.cli import main

    path = convo(folder, turns="turns:\n  - bot: Welcome to the echo!\n")
    assert main(["test", str(path), "--all-languages"]) == 0
    out = capsys.readouterr().out
    assert "2 passed, 0 failed" in out
    assert "  English (en): 1 passed, 0 failed\n  Dutch (nl): 1 passed, 0 failed\n" in out


def test_coverage_is_kept_per_language_and_merged(folder: Path) -> None:
    path = convo(folder, "language: all\n", "turns:\n  - bot: Welcome to the echo!\n")
    dutch_only = convo(folder, "language: nl\n", "turns:\n  - click: Pick tea\n", name="dutch.convo.yaml")
    result = suite.run(suite.stream([path, dutch_only]))
    (merged,) = result.coverage.flows.values()
    (english,) = result.coverage.languages["en"].flows.values()
    (dutch,) = result.coverage.languages["nl"].flows.values()
    assert (merged.states["welcome"], english.states["welcome"], dutch.states["welcome"]) == (3, 1, 2)
    assert (merged.states["ask"], english.states["ask"], dutch.states["ask"]) == (1, 0, 1)
    again = Coverage.from_json(json.loads(json.dumps(result.coverage.to_json())))
    assert again.to_json() == result.coverage.to_json()
    assert sorted(result.coverage.to_json()["languages"]) == ["en", "nl"]
    assert "  in Dutch (nl): states 2/5 (40%)" in result.coverage.summary()


def test_two_workers_give_the_same_results_and_coverage_per_language_as_one(folder: Path) -> None:
    paths = [convo(folder, "language: all\n", name=f"c{i}.convo.yaml") for i in range(4)]
    one = suite.run(suite.stream(paths), workers=1)
    two = suite.run(suite.stream(paths), workers=2)
    assert [(r.id, r.language, r.status) for r in two.results] == [(r.id, r.language, r.status) for r in one.results]
    assert len(one.results) == 8
    assert two.coverage.to_json() == one.coverage.to_json()


def _flow(test: ConvoTest) -> Flow:
    """The flow `test` names, loaded."""
    loaded = load_flow(test.flow)
    assert loaded.flow is not None, loaded.errors
    return loaded.flow
