"""The `workbench` command."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench.bundled import resource_text
from workbench.sample import SAMPLE_FLOW, start_sample_backend


def _parser() -> argparse.ArgumentParser:
    # Imported here rather than at the top so that `main` can first keep httpx's own CLI from loading.
    from workbench.gui.preview.cli import add_preview_parser
    from workbench.testing.cli_diff import add_diff_parser
    from workbench.testing.cli_test import add_test_parser
    from workbench.testing.explore.cli import add_explore_parser
    from workbench.testing.mutate.cli import add_mutate_parser
    from workbench.translations_cli import add_translations_parser

    parser = argparse.ArgumentParser(prog="workbench", description="Test Chatlayer-style chatbot flows.")
    sub = parser.add_subparsers(dest="command")

    validate = sub.add_parser("validate", help="check flow files; exit 1 when any has errors")
    validate.add_argument("flows", nargs="+", type=Path)
    validate.add_argument("-q", "--quiet", action="store_true", help="errors only, no warnings")
    validate.add_argument("--languages", action="store_true", help="then a table of the texts translated per language")

    chat = sub.add_parser("chat", help="talk to a flow in the terminal")
    chat.add_argument("flow", nargs="?", type=Path, default=SAMPLE_FLOW)
    chat.add_argument("--var", action="append", default=[], metavar="NAME=JSON", help="a starting variable")
    chat.add_argument("-v", "--verbose", action="store_true", help="show states, warnings and console output")

    schema = sub.add_parser("schema", help="print the JSON Schema of flow files (or of conversation tests)")
    schema.add_argument("--convo", action="store_true", help="the schema of *.convo.yaml files instead")

    add_test_parser(sub)
    add_preview_parser(sub)
    add_diff_parser(sub)
    add_translations_parser(sub)
    add_explore_parser(sub)
    add_mutate_parser(sub)

    open_ = sub.add_parser("open", help="open a flow in the window (the default: the bundled sample)")
    open_.add_argument("flow", nargs="?", type=Path)
    open_.add_argument("--var", action="append", default=[], metavar="NAME=JSON", help="a starting variable")
    return parser


def _validate(paths: Sequence[Path], quiet: bool, languages: bool) -> int:
    # Each command imports what it needs when it runs, so that none waits for what only another uses.
    from workbench.flow.loader import load_flow

    failed = False
    for path in paths:
        result = load_flow(path)
        for problem in result.problems:
            if problem.severity == "error" or not quiet:
                print(problem)
        failed = failed or not result.ok
        if languages and result.flow is not None:
            from workbench.translations_cli import coverage_table

            print(f"{path}: translations\n{coverage_table(result.flow)}")
    return 1 if failed else 0


def sample_variables(path: Path | None) -> dict[str, object]:
    """For the bundled sample, start its little backend on a free port and point the flow at it."""
    if path is not None and path.resolve() != SAMPLE_FLOW:
        return {}
    _server, base_url = start_sample_backend()
    return {"api_base": base_url}


def _given(pairs: Sequence[str]) -> dict[str, Any] | None:
    """The `--var` values, or None (each refusal said on stderr) when one names an internal.* value the engine
    keeps (a channel's, such as `internal.channel`, may be given)."""
    from workbench.engine.session import refused_start_value
    from workbench.testing.cli_test import parse_vars

    variables = parse_vars(pairs)
    refused = [why for name, value in variables.items() if (why := refused_start_value(name, value))]
    for why in refused:
        print(f"workbench: --var: {why}", file=sys.stderr)
    return None if refused else variables


def _chat(path: Path, pairs: Sequence[str], verbose: bool) -> int:
    import asyncio

    from workbench.chat import chat
    from workbench.flow.loader import load_flow

    given = _given(pairs)
    if given is None:
        return 2
    result = load_flow(path)
    for problem in result.problems:
        if problem.severity == "error":
            print(problem, file=sys.stderr)
    if result.flow is None:
        return 1
    variables = {**sample_variables(path), **given}
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(chat(result.flow, variables=variables, verbose=verbose))
    return 0


def _open(path: Path | None, pairs: Sequence[str]) -> int:
    from workbench.gui.app import run_app

    given = _given(pairs)
    if given is None:
        return 2
    flow = path if path is not None else SAMPLE_FLOW
    return run_app(flow, {**sample_variables(flow), **given})


def _skip_httpx_cli() -> None:
    """Keep `import httpx` from loading httpx's own command-line client: it does whenever click and rich are
    installed (as they often are, for other tools), which costs about 100 ms of start-up that no command uses."""
    if "httpx" not in sys.modules:
        sys.modules.setdefault("httpx._main", None)  # a None entry makes that import fail; httpx expects it may


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `workbench` console script."""
    _skip_httpx_cli()
    try:
        return _run(_parser().parse_args(argv))
    except BrokenPipeError:
        # The reader of our output went away (`workbench … | head`): stop quietly, without a flush error at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(args: argparse.Namespace) -> int:
    from workbench.gui.preview.cli import run_preview_command
    from workbench.testing.cli_diff import run_diff_command
    from workbench.testing.cli_test import run_test_command

    if args.command == "validate":
        return _validate(args.flows, args.quiet, args.languages)
    if args.command == "schema":
        from workbench.flow.schema import schema_text

        print(resource_text("convo.schema.json") if args.convo else schema_text())
        return 0
    if args.command == "chat":
        return _chat(args.flow, args.var, args.verbose)
    if args.command == "test":
        return run_test_command(args)
    if args.command == "diff":
        return run_diff_command(args)
    if args.command == "preview":
        return run_preview_command(args)
    if args.command == "explore":
        from workbench.testing.explore.cli import run_explore_command

        return run_explore_command(args)
    if args.command == "mutate":
        from workbench.testing.mutate.cli import run_mutate_command

        return run_mutate_command(args)
    if args.command == "translations":
        from workbench.translations_cli import run_translations_command

        return run_translations_command(args)
    if args.command == "open":
        return _open(args.flow, args.var)
    return _open(None, [])


if __name__ == "__main__":
    sys.exit(main())
