"""`workbench translations export|import` and `workbench validate --languages`, run as a user runs them."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_FOLDER = ROOT / "flows" / "train_ticket"


def workbench(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args], capture_output=True, cwd=cwd, timeout=120, check=False
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with a copy of the sample flow and its Dutch translation file."""
    for name in ("train_ticket.yaml", "train_ticket.nl.yaml"):
        shutil.copy(SAMPLE_FOLDER / name, tmp_path / name)
    return tmp_path


def test_export_writes_the_csv_to_stdout_or_to_a_file(folder: Path) -> None:
    shown = workbench("translations", "export", "train_ticket.yaml", cwd=folder)
    assert (shown.returncode, shown.stderr) == (0, b"")
    assert shown.stdout.startswith(b"Flow id,Dialog id,Dialog name,Type,Key,value_en,value_nl\r\n")
    written = workbench("translations", "export", "train_ticket.yaml", "-o", "texts.csv", cwd=folder)
    assert (written.returncode, written.stdout) == (0, b"")
    assert (folder / "texts.csv").read_bytes() == shown.stdout


def test_import_then_export_gives_the_same_bytes(folder: Path) -> None:
    exported = workbench("translations", "export", "train_ticket.yaml", "-o", "texts.csv", cwd=folder)
    assert exported.returncode == 0
    imported = workbench("translations", "import", "train_ticket.yaml", "texts.csv", cwd=folder)
    assert (imported.returncode, imported.stderr) == (0, b"")
    assert imported.stdout == b"Dutch (nl): nothing new (44 texts as they were) in train_ticket.nl.yaml\n"
    again = workbench("translations", "export", "train_ticket.yaml", cwd=folder)
    assert again.stdout == (folder / "texts.csv").read_bytes()


def test_import_of_one_language_writes_its_file_and_validate_counts_it(folder: Path) -> None:
    flow = folder / "train_ticket.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("secondary: [nl]", "secondary: [nl, fr]"), encoding="utf-8"
    )
    table = list(
        csv.reader(
            io.StringIO(
                workbench("translations", "export", "train_ticket.yaml", cwd=folder).stdout.decode(), newline=""
            )
        )
    )
    table[1][-1] = "Bienvenue chez Belgian Rail !"
    out = io.StringIO()
    csv.writer(out).writerows(table)
    (folder / "fr.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
    imported = workbench("translations", "import", "train_ticket.yaml", "fr.csv", "--language", "fr", cwd=folder)
    assert imported.stdout == b"French (fr): 1 texts imported into train_ticket.fr.yaml\n"
    assert (folder / "train_ticket.fr.yaml").read_text(encoding="utf-8") == (
        "language: fr\ntexts:\n  welcome.say[0]: Bienvenue chez Belgian Rail !\n"
    )
    validated = workbench("validate", "--languages", "-q", "train_ticket.yaml", cwd=folder)
    assert validated.returncode == 0
    assert validated.stdout.decode() == (
        "train_ticket.yaml: translations\n"
        "language      texts  translated  missing  percent\n"
        "English (en)     44          44        0     100%\n"
        "Dutch (nl)       44          44        0     100%\n"
        "French (fr)      44           1       43       2%\n"
    )


def test_an_import_with_unknown_keys_says_which_rows_and_writes_nothing(folder: Path) -> None:
    before = (folder / "train_ticket.nl.yaml").read_bytes()
    (folder / "bad.csv").write_text("Key,value_nl\nwelcome.say[0],Hoi\nwelcome.say[9],Doei\n", encoding="utf-8")
    result = workbench("translations", "import", "train_ticket.yaml", "bad.csv", cwd=folder)
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "bad.csv: row 3: the flow has no text `welcome.say[9]`; did you mean `welcome.say[0]`?\n"
        "bad.csv: nothing imported\n"
    )
    assert (folder / "train_ticket.nl.yaml").read_bytes() == before


def test_a_broken_flow_exports_nothing_and_says_why(folder: Path) -> None:
    (folder / "train_ticket.nl.yaml").write_text("language: fr\n", encoding="utf-8")
    result = workbench("translations", "export", "train_ticket.yaml", cwd=folder)
    assert (result.returncode, result.stdout) == (1, b"")
    assert b"train_ticket.nl.yaml:1:11: error: 'language' is fr" in result.stderr


def test_validate_languages_on_the_sample_is_complete_and_quiet() -> None:
    result = workbench("validate", "--languages", "flows/train_ticket/train_ticket.yaml", cwd=ROOT)
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout.decode().splitlines() == [
        "flows/train_ticket/train_ticket.yaml: translations",
        "language      texts  translated  missing  percent",
        "English (en)     44          44        0     100%",
        "Dutch (nl)       44          44        0     100%",
    ]
