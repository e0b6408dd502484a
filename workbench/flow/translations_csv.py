"""Chatlayer's translations export and import, as CSV: one row per text a user sees, in the flow's order.

Columns: `Flow id` (the flow file's name without extension), `Dialog id` and `Dialog name` (the state), `Type`
(message, button, quick_reply, card_title, …), `Key` (the translation key), `value_<primary>` (the flow's own
text, for reference) and `value_<language>` for each secondary language. UTF-8 without a byte-order mark, quoted
as Python's csv module quotes, line breaks inside cells kept.

An import takes one or more `value_<language>` columns into the translation files: empty cells are skipped (an
import never deletes a translation), a row whose key the flow does not have refuses the whole import (nothing is
written), and a changed primary text is only a warning (the flow file is never changed). It rewrites the `texts:`
section of a translation file and keeps the rest of the file (its intents, entities and comments) as written.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from workbench.flow.languages import LANGUAGE_NAMES, code_problem, language_name
from workbench.flow.model import Flow
from workbench.flow.template import TemplateError
from workbench.flow.translation_keys import TranslatableText, translatable_texts
from workbench.flow.translations import key_hint, translation_file, variable_differences
from workbench.flow.yaml_source import YamlSyntaxError, YMap, load_yaml, split_lines

FIXED_COLUMNS = ("Flow id", "Dialog id", "Dialog name", "Type", "Key")


def export_csv(flow: Flow) -> str:
    """The translations CSV of a loaded flow: its texts and their translations in every language."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*FIXED_COLUMNS, *(value_column(language) for language in flow.languages.all)])
    flow_id = flow.path.stem if flow.path else flow.name
    secondary = [flow.translations.get(language) for language in flow.languages.secondary]
    for text in translatable_texts(flow):
        translated = [t.texts.get(text.key, "") if t is not None else "" for t in secondary]
        writer.writerow([flow_id, text.state, text.state, text.kind, text.key, text.text, *translated])
    return out.getvalue()


def value_column(language: str) -> str:
    """The column of a language's texts: `value_nl`."""
    return f"value_{language}"


class ImportRefused(Exception):
    """An import that writes nothing; `problems` says why, each row by its number."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass
class ImportPlan:
    """What an import writes: each translation file's new text (only files that change), a line per language
    saying what it takes, and warnings (by row)."""

    files: dict[Path, str] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def plan_import(flow: Flow, text: str, language: str | None = None) -> ImportPlan:
    """What importing the CSV `text` into a loaded flow's translation files writes: the `value_<language>`
    column of `language`, or of every secondary language the file has. Raises `ImportRefused`."""
    rows = _rows(text)
    if not rows:
        raise ImportRefused(["the file is empty (export the flow's translations first)"])
    header, body = rows[0], rows[1:]
    columns = {name: index for index, name in reversed(list(enumerate(header)))}
    languages = _languages(flow, columns, language)
    if "Key" not in columns:
        raise ImportRefused(["the file has no `Key` column (export the flow's translations and fill that in)"])
    texts = {t.key: t for t in translatable_texts(flow)}
    taken: dict[str, dict[str, str]] = {code: {} for code in languages}
    plan = ImportPlan()
    problems: list[str] = []
    first_row: dict[str, int] = {}
    for number, row in enumerate(body, start=2):
        cells = {name: _cell(row, index) for name, index in columns.items()}
        key = cells["Key"].strip()
        if not key:
            if any(cells[value_column(code)].strip() for code in languages):
                problems.append(f"row {number}: a translation without a key")
            continue
        if key not in texts:
            hint = key_hint(key, texts.values())
            problems.append(f"row {number}: the flow has no text `{key}`{hint}")
            continue
        if key in first_row:
            problems.append(f"row {number}: `{key}` is given again (first on row {first_row[key]})")
            continue
        first_row[key] = number
        problems += _take_row(flow, texts[key], cells, number, languages, taken, plan.warnings)
    if problems:
        raise ImportRefused(problems)
    for code in languages:
        _plan_file(flow, code, taken[code], plan)
    return plan


def _rows(text: str) -> list[list[str]]:
    try:
        return [row for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")) if row]
    except csv.Error as exc:
        raise ImportRefused([f"the file is not CSV: {exc}"]) from None


def _cell(row: list[str], index: int) -> str:
    """A cell, with spreadsheets' CRLF line breaks as the flow writes them."""
    return row[index].replace("\r\n", "\n") if index < len(row) else ""


def _languages(flow: Flow, columns: dict[str, int], language: str | None) -> list[str]:
    """The secondary languages to import: `language` (which the file must have), or each one the file has."""
    secondary = flow.languages.secondary
    if language is None:
        found = [code for code in secondary if value_column(code) in columns]
        if found:
            return found
        wanted = ", ".join(value_column(code) for code in secondary) or "none: the flow has one language"
        raise ImportRefused([f"the file has no column of the flow's other languages ({wanted})"])
    if (problem := code_problem(language)) is not None:
        raise ImportRefused([f"--language: {problem}"])
    if language == flow.languages.primary:
        name = language_name(language)
        raise ImportRefused([f"{name} is the flow's primary language: its texts are the flow file's own"])
    if language not in secondary:
        declared = ", ".join(secondary) or "none"
        raise ImportRefused(
            [f"the flow has no {language_name(language)} translation (its other languages: {declared})"]
        )
    if value_column(language) not in columns:
        raise ImportRefused([f"the file has no `{value_column(language)}` column"])
    return [language]


def _take_row(
    flow: Flow,
    text: TranslatableText,
    cells: dict[str, str],
    number: int,
    languages: list[str],
    taken: dict[str, dict[str, str]],
    warnings: list[str],
) -> list[str]:
    """Take one row's translations into `taken`; return its problems (a malformed template)."""
    primary = flow.languages.primary
    given_primary = cells.get(value_column(primary))
    if given_primary is not None and given_primary != text.text:
        name = LANGUAGE_NAMES.get(primary, primary)
        warnings.append(f"row {number}: the {name} text differs from the flow; the flow is not changed")
    problems: list[str] = []
    for code in languages:
        value = cells[value_column(code)]
        if not value.strip():
            continue
        try:
            differences = variable_differences(text.key, value, text.text, code, primary)
        except TemplateError as exc:
            problems.append(f"row {number}, {value_column(code)}: {exc}")
            continue
        warnings.extend(f"row {number}: {difference.message}" for difference in differences)
        taken[code][text.key] = value
    return problems


def _plan_file(flow: Flow, language: str, imported: dict[str, str], plan: ImportPlan) -> None:
    """Plan the new text of one language's translation file, if the import changes it."""
    translation = flow.translations.get(language)
    old = dict(translation.texts) if translation is not None else {}
    changed = sum(1 for key, value in imported.items() if old.get(key) != value)
    path = Path(translation.file) if translation is not None and translation.file else _beside(flow, language)
    name = language_name(language)
    if not changed:
        plan.summary.append(f"{name}: nothing new ({len(imported)} texts as they were) in {path}")
        return
    merged = {**old, **imported}
    order = [t.key for t in translatable_texts(flow)]
    texts = {key: merged[key] for key in order if key in merged}
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    plan.files[path] = translation_yaml(existing, language, texts)
    plan.summary.append(f"{name}: {changed} texts imported into {path}")


def _beside(flow: Flow, language: str) -> Path:
    return translation_file(flow.path or Path(f"{flow.name}.yaml"), language)


class _Dumper(yaml.SafeDumper):
    """Writes texts as a translator reads them: plain where YAML allows, a literal block for several lines."""


_OTHER_BREAKS = re.compile("[\x85\u2028\u2029]")
"""Characters YAML reads as line breaks that PyYAML may write raw (U+0085 in a plain or quoted text comes back as a
space, in a block as a new line); in double quotes they are escapes (`\\N`, `\\L`, `\\P`) that come back as they
were."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _OTHER_BREAKS.search(value) else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def texts_section(texts: dict[str, str]) -> str:
    """The `texts:` section of a translation file, in the order of `texts`."""
    if not texts:
        return "texts: {}\n"
    return yaml.dump({"texts": texts}, Dumper=_Dumper, allow_unicode=True, width=1 << 30, sort_keys=False)


def translation_yaml(existing: str | None, language: str, texts: dict[str, str]) -> str:
    """A translation file with `texts` as its `texts:` section: the rest of `existing` (if any) as written."""
    section = texts_section(texts)
    if existing is None:
        return f"language: {language}\n{section}"
    try:
        top = load_yaml(existing).data
    except YamlSyntaxError:
        top = None
    if not isinstance(top, YMap):
        raise ImportRefused([f"the {language_name(language)} translation file is not a YAML mapping: fix it first"])
    lines = split_lines(existing)
    if lines and lines[-1] == "":
        lines.pop()
    starts = sorted(pos.line for pos in top.key_pos.values())
    if len(set(starts)) != len(starts):  # keys on one line (a flow mapping): no section to cut out
        raise ImportRefused([f"the {language_name(language)} translation file is one YAML line: write it as a block"])
    if "texts" not in top:
        return "\n".join(lines) + "\n" + section
    first = top.key_pos["texts"].line
    after = [line for line in starts if line > first]
    end = (after[0] if after else len(lines) + 1) - 1  # the last line before the next top-level key
    while end > first and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    kept_before, kept_after = lines[: first - 1], lines[end:]
    return "".join(f"{line}\n" for line in kept_before) + section + "".join(f"{line}\n" for line in kept_after)
