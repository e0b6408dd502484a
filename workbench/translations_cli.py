"""`workbench translations export|import` and the coverage table of `workbench validate --languages`.

Importing this module costs only argparse: the flow loader and the CSV code load when a command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.flow.model import Flow


def add_translations_parser(sub: Any) -> None:
    """Add `translations export` and `translations import` to the `workbench` subcommands."""
    parser = sub.add_parser("translations", help="export a flow's texts to CSV, or import translations from one")
    commands = parser.add_subparsers(dest="translations_command", required=True, metavar="{export,import}")
    export = commands.add_parser("export", help="write every text and its translations as CSV (Chatlayer's columns)")
    export.add_argument("flow", type=Path)
    export.add_argument("-o", "--output", type=Path, metavar="FILE.csv", help="write here instead of to stdout")
    import_ = commands.add_parser("import", help="take a CSV's value_<language> columns into the translation files")
    import_.add_argument("flow", type=Path)
    import_.add_argument("csv", type=Path, metavar="FILE.csv")
    import_.add_argument(
        "--language", metavar="xx", help="import this language's column only (default: each one the file has)"
    )


def run_translations_command(args: argparse.Namespace) -> int:
    """Run `translations export` or `translations import`; 0 on success, 1 when the flow or the CSV is refused."""
    flow = _loaded(args.flow)
    if flow is None:
        return 1
    if args.translations_command == "export":
        return _export(flow, args.output)
    return _import(flow, args.csv, args.language)


def _loaded(path: Path) -> Flow | None:
    """The flow at `path`, or None with its errors on stderr."""
    from workbench.flow.loader import load_flow

    result = load_flow(path)
    for problem in result.errors:
        print(problem, file=sys.stderr)
    return result.flow


def _export(flow: Flow, output: Path | None) -> int:
    from workbench.flow.translations_csv import export_csv

    data = export_csv(flow).encode("utf-8")
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)  # bytes, so that the CSV's own line ends are what arrives
        sys.stdout.buffer.flush()
        return 0
    try:
        output.write_bytes(data)
    except OSError as exc:
        print(f"workbench: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def _import(flow: Flow, path: Path, language: str | None) -> int:
    from workbench.flow.documents import read_file_bytes
    from workbench.flow.translations_csv import ImportRefused, plan_import

    try:
        text = read_file_bytes(path).decode("utf-8")
    except UnicodeDecodeError:
        print(f"workbench: {path} is not UTF-8 text (save the CSV as UTF-8)", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"workbench: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        plan = plan_import(flow, text, language)
    except ImportRefused as exc:
        for problem in exc.problems:
            print(f"{path}: {problem}", file=sys.stderr)
        print(f"{path}: nothing imported", file=sys.stderr)
        return 1
    for warning in plan.warnings:
        print(f"{path}: warning: {warning}", file=sys.stderr)
    for target, content in plan.files.items():
        try:
            target.write_text(content, encoding="utf-8", newline="\n")
        except OSError as exc:
            print(f"workbench: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
            return 1
    for line in plan.summary:
        print(line)
    return 0


def coverage_table(flow: Flow) -> str:
    """The texts translated in each of a flow's languages, as a table: language, texts, translated, missing,
    percent."""
    from workbench.flow.languages import language_name
    from workbench.flow.translations import coverage

    rows = [("language", "texts", "translated", "missing", "percent")]
    rows += [
        (language_name(c.language), str(c.texts), str(c.translated), str(c.missing), f"{c.percent}%")
        for c in coverage(flow)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    )
