"""Chatlayer's translations CSV: export every text, add a column's translations, import one language at a time."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from workbench.flow.loader import load_flow
from workbench.flow.model import Flow
from workbench.flow.translations import in_language
from workbench.flow.translations_csv import ImportPlan, ImportRefused, export_csv, plan_import

from .multilingual import TRIPS, TRIPS_NL, without, write_flow

SAMPLE_FOLDER = Path(__file__).resolve().parents[2] / "flows" / "train_ticket"
HEADER = ["Flow id", "Dialog id", "Dialog name", "Type", "Key", "value_en", "value_nl"]


def loaded(path: Path) -> Flow:
    result = load_flow(path)
    assert result.flow is not None, [str(p) for p in result.errors]
    return result.flow


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def as_csv(table: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(table)
    return out.getvalue()


def apply(plan: ImportPlan) -> None:
    for path, text in plan.files.items():
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the sample flow and its Dutch translation file."""
    for name in ("train_ticket.yaml", "train_ticket.nl.yaml"):
        shutil.copy(SAMPLE_FOLDER / name, tmp_path / name)
    return tmp_path / "train_ticket.yaml"


def test_the_export_has_chatlayers_columns_and_a_row_per_text_in_flow_order(sample: Path) -> None:
    text = export_csv(loaded(sample))
    table = rows(text)
    assert table[0] == HEADER
    assert table[1] == [
        "train_ticket",
        "welcome",
        "welcome",
        "message",
        "welcome.say[0]",
        "Welcome to Belgian Rail tickets!",
        "Welkom bij de treintickets van Belgian Rail!",
    ]
    assert len(table) == 1 + 44
    assert table[-1][4] == "not_understood.say[0]"
    assert {row[3] for row in table[1:]} >= {"message", "quick_reply", "card_title", "prompt", "offload_message"}
    assert not text.startswith("\ufeff") and text.endswith("\r\n")


def test_export_import_export_gives_the_same_bytes_and_leaves_the_translation_file_alone(sample: Path) -> None:
    translation = sample.with_name("train_ticket.nl.yaml")
    before = translation.read_bytes()
    exported = export_csv(loaded(sample))
    plan = plan_import(loaded(sample), exported)
    assert plan.files == {} and plan.warnings == []
    assert plan.summary == [f"Dutch (nl): nothing new (44 texts as they were) in {translation}"]
    assert export_csv(loaded(sample)) == exported
    assert translation.read_bytes() == before


def test_an_import_writes_the_column_translations_and_exports_them_back(tmp_path: Path) -> None:
    path = write_flow(tmp_path, TRIPS.replace("secondary: [nl]", "secondary: [nl, fr]"), nl=TRIPS_NL)
    table = rows(export_csv(loaded(path)))
    assert table[0][-2:] == ["value_nl", "value_fr"]
    for row in table[1:]:
        row[-1] = f"FR {row[5]}"
    table[1][-1] = "Salut {name} !\nOù ?"  # a line break inside a cell
    edited = as_csv(table)
    plan = plan_import(loaded(path), edited)
    assert plan.summary == [
        f"Dutch (nl): nothing new (13 texts as they were) in {tmp_path / 'trips.nl.yaml'}",
        f"French (fr): 13 texts imported into {tmp_path / 'trips.fr.yaml'}",
    ]
    apply(plan)
    flow = loaded(path)
    assert in_language(flow, "fr").states["welcome"].say[0].text == "Salut {name} !\nOù ?"
    assert in_language(flow, "fr").states["handoff"].offload.message == "FR A colleague will help you."
    assert export_csv(flow) == edited


def test_import_with_a_language_takes_that_column_only(tmp_path: Path) -> None:
    path = write_flow(tmp_path, TRIPS.replace("secondary: [nl]", "secondary: [nl, fr]"), nl=TRIPS_NL)
    table = rows(export_csv(loaded(path)))
    table[1][-2], table[1][-1] = "Hallo!", "Salut !"
    plan = plan_import(loaded(path), as_csv(table), "fr")
    assert list(plan.files) == [tmp_path / "trips.fr.yaml"]
    assert plan.files[tmp_path / "trips.fr.yaml"].startswith("language: fr\ntexts:\n  welcome.say[0]: Salut !\n")


def test_empty_cells_never_delete_a_translation(sample: Path) -> None:
    table = rows(export_csv(loaded(sample)))
    for row in table[1:]:
        row[-1] = ""
    table[2][-1] = "Hoe heet je?"
    apply(plan_import(loaded(sample), as_csv(table)))
    dutch = loaded(sample).translations["nl"].texts
    assert len(dutch) == 44
    assert dutch["ask_name.ask[0]"] == "Hoe heet je?"
    assert dutch["welcome.say[0]"] == "Welkom bij de treintickets van Belgian Rail!"


def test_rows_whose_key_the_flow_does_not_have_refuse_the_whole_import(sample: Path) -> None:
    table = rows(export_csv(loaded(sample)))
    table[1][-1] = "Iets anders"
    table[3][4] = "menu.say[3]"
    table.append(["train_ticket", "zz", "zz", "message", "zz.say[0]", "Bye", "Doei"])
    with pytest.raises(ImportRefused) as refused:
        plan_import(loaded(sample), as_csv(table))
    assert refused.value.problems == [
        "row 4: the flow has no text `menu.say[3]`; did you mean `menu.say[0]`?",
        "row 46: the flow has no text `zz.say[0]`",
    ]


def test_a_changed_primary_text_is_a_warning_and_the_flow_is_not_changed(sample: Path) -> None:
    flow_before = sample.read_bytes()
    table = rows(export_csv(loaded(sample)))
    table[11][5] = "Where to, then?"  # row 12: the header is row 1
    table[11][6] = "Waarheen dan?"
    plan = plan_import(loaded(sample), as_csv(table))
    assert plan.warnings == ["row 12: the English text differs from the flow; the flow is not changed"]
    apply(plan)
    assert sample.read_bytes() == flow_before
    assert loaded(sample).translations["nl"].texts[table[11][4]] == "Waarheen dan?"


def test_a_translation_with_a_broken_template_refuses_the_import_and_variable_changes_are_warnings(
    sample: Path,
) -> None:
    table = rows(export_csv(loaded(sample)))
    table[3][6] = "Hallo {first_name!"
    with pytest.raises(ImportRefused) as refused:
        plan_import(loaded(sample), as_csv(table))
    assert refused.value.problems == ["row 4, value_nl: unclosed template '{first_name!'"]
    table[3][6] = "Hallo {voornaam}!"
    assert plan_import(loaded(sample), as_csv(table)).warnings == [
        "row 4: the Dutch (nl) text of `menu.say[0]` uses {voornaam}, which the English (en) text does not",
        "row 4: the Dutch (nl) text of `menu.say[0]` drops {first_name}, which the English (en) text uses",
    ]


def test_an_import_keeps_the_rest_of_the_translation_file(tmp_path: Path) -> None:
    nl = (
        "# Dutch, by Ann\nlanguage: nl\n\n# the texts\ntexts:\n  welcome.say[0]: Hoi!\n\n# words\n"
        + (TRIPS_NL[TRIPS_NL.index("intents:") :])
    )
    path = write_flow(tmp_path, nl=nl)
    table = rows(export_csv(loaded(path)))
    table[2][-1] = "Boek"
    apply(plan_import(loaded(path), as_csv(table)))
    written = (tmp_path / "trips.nl.yaml").read_text(encoding="utf-8")
    assert written == (
        "# Dutch, by Ann\nlanguage: nl\n\n# the texts\ntexts:\n  welcome.say[0]: Hoi!\n"
        "  welcome.say[0].buttons[0]: Boek\n\n# words\n" + TRIPS_NL[TRIPS_NL.index("intents:") :]
    )


def test_a_file_without_the_languages_columns_is_refused(sample: Path) -> None:
    flow = loaded(sample)
    only_english = "Key,value_en\nwelcome.say[0],Welcome\n"
    with pytest.raises(ImportRefused, match=r"the file has no column of the flow's other languages \(value_nl\)"):
        plan_import(flow, only_english)
    with pytest.raises(ImportRefused, match=r"^the file has no `value_nl` column$"):
        plan_import(flow, only_english, "nl")
    with pytest.raises(ImportRefused, match=r"^the flow has no French \(fr\) translation \(its other languages: nl\)$"):
        plan_import(flow, only_english, "fr")
    with pytest.raises(ImportRefused, match=r"^English .* is the flow's primary language"):
        plan_import(flow, only_english, "en")
    with pytest.raises(ImportRefused, match="write the two-letter code `nl`"):
        plan_import(flow, only_english, "NL")
    with pytest.raises(ImportRefused, match="no `Key` column"):
        plan_import(flow, "value_nl\nHallo\n")


def test_an_import_reads_a_spreadsheets_byte_order_mark_and_line_breaks(tmp_path: Path) -> None:
    path = write_flow(tmp_path, nl=without(TRIPS_NL, "handoff.offload"))
    text = '\ufeffKey,value_nl\r\nhandoff.offload,"Een collega\r\nhelpt je."\r\n'
    apply(plan_import(loaded(path), text))
    assert loaded(path).translations["nl"].texts["handoff.offload"] == "Een collega\nhelpt je."
