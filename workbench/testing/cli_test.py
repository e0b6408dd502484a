"""`workbench test PATH…`: replay convo files, report failures, write JUnit XML, JSON and coverage.

Exit status: 0 when every conversation passed, 1 when some failed, 2 when some input was bad (a convo or flow file
with errors, a path that does not exist, an unreadable `-k`/`--tags` expression).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from workbench.flow.languages import code_problem, language_name
from workbench.flow.paths import cut
from workbench.flow.problems import shown

if TYPE_CHECKING:
    from workbench.testing.localize import RunLanguages
    from workbench.testing.runner import ConvoResult
    from workbench.testing.suite import SuiteResult


def add_test_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `test` command to the `workbench` command's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "test",
        help="replay conversation tests (*.convo.yaml); exit 1 on failures, 2 on bad input",
        description="Replay conversation tests: files, or folders searched for *.convo.yaml.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("-k", dest="keyword", default="", metavar="EXPR", help="only tests whose name matches EXPR")
    parser.add_argument("--tags", default="", metavar="EXPR", help="only tests whose tags match EXPR, e.g. 'smoke'")
    parser.add_argument("-j", "--workers", type=int, default=1, metavar="N", help="worker processes (0: one per CPU)")
    parser.add_argument("--junit", type=Path, metavar="FILE", help="write JUnit XML")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    parser.add_argument("--coverage", action="store_true", help="print what the tests cover of each flow")
    parser.add_argument("--coverage-report", type=Path, metavar="FILE", help="write the coverage as HTML")
    parser.add_argument("--coverage-json", type=Path, metavar="FILE", help="write the coverage data as JSON")
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="override a starting variable in every test"
    )
    languages = parser.add_mutually_exclusive_group()
    languages.add_argument(
        "--language",
        action="append",
        default=[],
        metavar="CODE",
        help="run the conversations that name no language in this one (repeatable), e.g. --language nl",
    )
    languages.add_argument(
        "--all-languages", action="store_true", help="run every conversation in every language of its flow"
    )
    return parser


def parse_vars(pairs: Sequence[str]) -> dict[str, Any]:
    """`NAME=VALUE` pairs; a VALUE that is JSON (a number, true, an object…) is read as JSON, else as text. JSON
    that the engine would refuse from outside (nested more than `MAX_DEPTH` levels deep, as a flow file may nest;
    `NaN`, a number too large for JavaScript) is taken as text too, with a warning on stderr."""
    from workbench.engine.incoming import IncomingError, loads
    from workbench.flow.yaml_source import MAX_DEPTH

    variables: dict[str, Any] = {}
    for pair in pairs:
        name, _, raw = pair.partition("=")
        try:
            value = loads(raw, max_depth=MAX_DEPTH)
        except json.JSONDecodeError:
            value = raw
        except IncomingError as exc:
            print(f"warning: --var {name.strip()}: its JSON {exc}; taken as text", file=sys.stderr)
            value = raw
        variables[name.strip()] = value
    return variables


def given_vars(pairs: Sequence[str]) -> dict[str, Any] | None:
    """The `--var` values (`parse_vars`), or None, each refusal said on stderr, when a name is no variable name or
    names an internal.* value the engine keeps (a channel's, such as `internal.channel`, may be given)."""
    from workbench.engine.session import refused_start_value

    variables = parse_vars(pairs)
    refused = [why for name, value in variables.items() if (why := refused_start_value(name, value))]
    for why in refused:
        print(f"error: --var: {why}", file=sys.stderr)
    return None if refused else variables


class Progress:
    """A progress line on a terminal, rewritten after each conversation; silent elsewhere. The bar counts files:
    how many conversations each holds is known only when it is loaded, where it is replayed."""

    def __init__(self, files: int, out: TextIO) -> None:
        self.files = files
        self.out = out
        self.done = 0
        self.failed = 0
        self.seen: set[str] = set()
        self.live = out.isatty()

    def __call__(self, result: ConvoResult) -> None:
        self.done += 1
        self.failed += result.status != "passed"
        self.seen.add(result.file)
        if self.live:
            width = 30
            filled = width * len(self.seen) // max(self.files, 1)
            bar = "#" * filled + "-" * (width - filled)
            counts = f"{len(self.seen)}/{self.files} files, {self.done} conversations, {self.failed} failed"
            self.out.write(f"\r[{bar}] {counts}  {shown(result.name[:30]):<30}")
            self.out.flush()

    def clear(self) -> None:
        """Remove the progress line."""
        if self.live and self.done:
            self.out.write("\r" + " " * 120 + "\r")
            self.out.flush()


def _counts(results: Sequence[ConvoResult]) -> str:
    passed, failed, errors = (sum(r.status == status for r in results) for status in ("passed", "failed", "error"))
    parts = [f"{passed} passed", f"{failed} failed"]
    if errors:
        parts.append(f"{errors} with errors")
    return ", ".join(parts)


def _summary(result: SuiteResult) -> str:
    """The last lines: the counts and the time, then the counts of each language when there are several."""
    ran = result.count("passed") + result.count("failed")
    rate = f", {ran / result.duration:.0f} conversations/s" if result.duration > 0 and ran else ""
    lines = [_counts(result.results) + f" in {result.duration:.2f} s{rate}"]
    by_language = result.by_language()
    if len(by_language) > 1:
        lines += [f"  {language_name(code)}: {_counts(found)}" for code, found in by_language.items()]
    return "\n".join(lines)


def _languages(args: argparse.Namespace) -> RunLanguages | str:
    """The languages the run asks for, or why they cannot be read."""
    from workbench.testing.localize import RunLanguages

    codes: list[str] = []
    for code in args.language:
        if (problem := code_problem(code)) is not None:
            return f"--language {code}: {problem}"
        codes.append(code)
    return RunLanguages(tuple(dict.fromkeys(codes)), args.all_languages)


def run_test_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run `workbench test` with parsed arguments; returns the exit status."""
    # Imported here, not at the top: every `workbench` command builds this parser, and the runner pulls in the
    # whole engine.
    from workbench.testing import suite
    from workbench.testing.convo_format import find_convo_files
    from workbench.testing.selection import ExpressionError, Selection, check

    out = out or sys.stdout
    languages = _languages(args)
    if isinstance(languages, str):
        print(f"error: {languages}", file=sys.stderr)
        return 2
    for expression in filter(None, (args.keyword, args.tags)):
        try:
            check(expression)
        except ExpressionError as exc:
            print(f"error: cannot read '{expression}': {exc}", file=sys.stderr)
            return 2
        except RecursionError:
            print(f"error: cannot read '{cut(expression)}': it is nested too deeply", file=sys.stderr)
            return 2
    variables = given_vars(args.var)
    if variables is None:
        return 2
    unreadable = {p: why for p in args.paths if (why := unreadable_path(p))}
    for path, why in unreadable.items():
        print(f"error: {path}: {why}", file=sys.stderr)
    files = find_convo_files(p for p in args.paths if p not in unreadable)
    if not files:
        print("error: no conversation tests (*.convo.yaml) found", file=sys.stderr)
        return 2
    todo = suite.stream(files, Selection(args.keyword, args.tags))
    workers = args.workers if args.workers > 0 else os.cpu_count() or 1
    progress = Progress(len(files), sys.stderr)
    counted = bool(args.coverage or args.coverage_report or args.coverage_json)
    result = suite.run(
        todo,
        workers=workers,
        variables=variables,
        progress=progress,
        languages=languages,
        coverage=counted,
    )
    progress.clear()
    for item in result.results:
        if item.failure is not None:
            print(shown(f"{item.status.upper()} {item.id}\n{item.failure.report()}\n"), file=out)
    reports = (
        (args.junit, _write_junit),
        (args.json, _write_json),
        (args.coverage_json, _write_coverage_json),
        (args.coverage_report, _write_coverage_html),
    )
    written = [_written(result, path, write) for path, write in reports if path]  # each one tried
    if args.coverage or args.coverage_report:
        print(result.coverage.summary(), file=out)
    print(_summary(result), file=out)
    return 2 if unreadable or not all(written) else result.exit_code


def unreadable_path(path: Path) -> str | None:
    """Why `path` names no file or folder (missing, a symbolic link loop, a name too long…), or None when it names
    one."""
    try:
        path.stat()
    except FileNotFoundError:
        return "no such file or folder"
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def _written(result: SuiteResult, path: Path, write: Callable[[SuiteResult, Path], None]) -> bool:
    """Whether `write` wrote its report of `result` at `path`; when it could not, says why on stderr."""
    try:
        write(result, path)
    except OSError as exc:
        print(f"error: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def _write_junit(result: SuiteResult, path: Path) -> None:
    from workbench.testing.junit import write_junit  # only when asked for: it loads an XML library

    write_junit(result.results, path)


def _write_json(result: SuiteResult, path: Path) -> None:
    from workbench.testing.json_report import write_json  # only when asked for

    write_json(result.results, result.duration, path)


def _write_coverage_json(result: SuiteResult, path: Path) -> None:
    path.write_text(json.dumps(result.coverage.to_json(), indent=2) + "\n", encoding="utf-8")


def _write_coverage_html(result: SuiteResult, path: Path) -> None:
    from workbench.testing.coverage_html import write_coverage_html  # only when asked for

    write_coverage_html(result.coverage, path)
