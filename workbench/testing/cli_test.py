"""`workbench test PATH…`: replay convo files, report failures, write JUnit XML, JSON and coverage.

Exit status: 0 when every conversation passed, 1 when some failed, 2 when some input was bad (a convo or flow file
with errors, a path that does not exist, an unreadable `-k`/`--tags` expression) or a report could not be written
(a `--junit`… file, or standard output: full, closed). A reader of standard output that goes away (`| head`) ends
the report quietly, with the results' status. With standard error closed (`2>&-`) its lines are dropped.
"""

from __future__ import annotations

import argparse
import contextlib
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
    parser.add_argument(
        "-j",
        "--workers",
        type=worker_count,
        default=1,
        metavar="N",
        help="processes that replay the tests, this one among them (0: one per CPU); never more than there are"
        " files, nor than 4 per CPU (at most 64)",
    )
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


def worker_count(text: str) -> int:
    """`-j`'s value: 0 (one per CPU) or a number of processes; raises `argparse.ArgumentTypeError` for anything
    else. A large number is taken: the run uses no more processes than `suite.used_workers` allows."""
    from workbench.flow.whole_numbers import whole_number

    number = whole_number(text.strip())
    if number is None:
        if text.strip().isdecimal():  # more digits than any count: as many as the run allows
            return sys.maxsize
        raise argparse.ArgumentTypeError(f"expected 0 (one per CPU) or a number of processes, not '{cut(text)}'")
    return number


def error(text: str) -> None:
    """Say `text` on standard error; nothing when it is closed (`2>&-`) or cannot be written to (full)."""
    if sys.stderr is None:
        return
    with contextlib.suppress(OSError, ValueError):  # ValueError: a stream closed under us
        print(text, file=sys.stderr)


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
            error(f"warning: --var {name.strip()}: its JSON {exc}; taken as text")
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
        error(f"error: --var: {why}")
    return None if refused else variables


class Progress:
    """A progress line on a terminal, rewritten after each conversation; silent elsewhere. The bar counts files:
    how many conversations each holds is known only when it is loaded, where it is replayed."""

    def __init__(self, files: int, out: TextIO | None) -> None:
        self.files = files
        self.out = out
        self.done = 0
        self.failed = 0
        self.seen: set[str] = set()
        try:
            self.live = out is not None and out.isatty()
        except (OSError, ValueError):  # a stream closed under us
            self.live = False

    def __call__(self, result: ConvoResult) -> None:
        self.done += 1
        self.failed += result.status != "passed"
        self.seen.add(result.file)
        if self.live:
            width = 30
            filled = width * len(self.seen) // max(self.files, 1)
            bar = "#" * filled + "-" * (width - filled)
            counts = f"{len(self.seen)}/{self.files} files, {self.done} conversations, {self.failed} failed"
            self._write(f"\r[{bar}] {counts}  {shown(result.name[:30]):<30}")

    def clear(self) -> None:
        """Remove the progress line."""
        if self.live and self.done:
            self._write("\r" + " " * 120 + "\r")

    def _write(self, text: str) -> None:
        """Write `text` to the terminal; a terminal that went away (hung up) ends the progress line, not the run."""
        assert self.out is not None  # live
        try:
            self.out.write(text)
            self.out.flush()
        except (OSError, ValueError):
            self.live = False


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

    if out is None:
        guard_standard_streams()
    report = Report(sys.stdout if out is None else out)
    languages = _languages(args)
    if isinstance(languages, str):
        error(f"error: {languages}")
        return 2
    for expression in filter(None, (args.keyword, args.tags)):
        try:
            check(expression)
        except ExpressionError as exc:
            error(f"error: cannot read '{expression}': {exc}")
            return 2
        except RecursionError:
            error(f"error: cannot read '{cut(expression)}': it is nested too deeply")
            return 2
    variables = given_vars(args.var)
    if variables is None:
        return 2
    unreadable = {p: why for p in args.paths if (why := unreadable_path(p))}
    for path, why in unreadable.items():
        error(f"error: {path}: {why}")
    files = find_convo_files(p for p in args.paths if p not in unreadable)
    if not files:
        error("error: no conversation tests (*.convo.yaml) found")
        return 2
    todo = suite.stream(files, Selection(args.keyword, args.tags))
    workers = args.workers if args.workers > 0 else os.cpu_count() or 1  # `suite.used_workers` caps it
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
            report.line(shown(f"{item.status.upper()} {item.id}\n{item.failure.report()}\n"))
    reports = (
        (args.junit, _write_junit),
        (args.json, _write_json),
        (args.coverage_json, _write_coverage_json),
        (args.coverage_report, _write_coverage_html),
    )
    written = [_written(result, path, write) for path, write in reports if path]  # each one tried
    if args.coverage or args.coverage_report:
        report.line(result.coverage.summary())
    report.line(_summary(result))
    if (problem := report.finish()) is not None:
        error(f"error: cannot write the report to standard output: {problem}")
    return 2 if unreadable or not all(written) or problem is not None else result.exit_code


def guard_standard_streams() -> None:
    """Give a closed standard output or error (`>&-`, `2>&-`) the null device. Left closed, its number goes to the
    next file opened (a `--junit` report), and whatever writes there (a worker process, a library) writes into that
    file; and with `sys.stderr` None, `print(..., file=sys.stderr)` prints to standard output. Standard error's
    lines are then dropped; `sys.stdout` stays None, so that the report says it could not be written."""
    for fd in (1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - open for the rest of the process


class Report:
    """The report on standard output (or `out`): every line is tried until one cannot be written. Then the others
    are dropped and `finish` says why, in the user's terms; a reader that went away (`| head -1`, a broken pipe)
    is no problem to report."""

    def __init__(self, out: TextIO | None) -> None:
        self.out = out
        self.problem: str | None = "it is closed" if out is None else None

    def line(self, text: str) -> None:
        """Write `text` and a new line, unless an earlier write failed."""
        self._try(lambda out: print(text, file=out))

    def finish(self) -> str | None:
        """Flush the report; why it could not all be written, or None when it was (or its reader went away)."""
        self._try(lambda out: out.flush())
        return self.problem

    def _try(self, write: Callable[[TextIO], object]) -> None:
        if self.out is None:
            return
        try:
            write(self.out)
        except BrokenPipeError:
            self._stop(None)
        except OSError as exc:
            self._stop(exc.strerror or str(exc))
        except ValueError:  # closed under us
            self._stop("it is closed")

    def _stop(self, problem: str | None) -> None:
        """Drop the rest of the report. When it goes to this process's standard output, point that at the null
        device, so that what is still buffered does not fail again (with Python's own message) at exit."""
        out, self.out, self.problem = self.out, None, problem
        if out is sys.stdout and out is not None:
            with contextlib.suppress(OSError, ValueError):
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, out.fileno())
                os.close(null)


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
        error(f"error: cannot write {path}: {exc.strerror or exc}")
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
