"""The `workbench` command."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

# The commands defined in a module of their own: (module, function that adds its parser, function that runs it).
# Only the module of the command being run is imported (none for a command defined here, such as `validate`), so
# that `workbench test` does not wait for what only the window, the explorer or mutation testing use;
# `workbench --help` (or an unknown command) imports them all.
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "test": ("workbench.testing.cli_test", "add_test_parser", "run_test_command"),
    "preview": ("workbench.gui.preview.cli", "add_preview_parser", "run_preview_command"),
    "diff": ("workbench.testing.cli_diff", "add_diff_parser", "run_diff_command"),
    "translations": ("workbench.translations_cli", "add_translations_parser", "run_translations_command"),
    "explore": ("workbench.testing.explore.cli", "add_explore_parser", "run_explore_command"),
    "mutate": ("workbench.testing.mutate.cli", "add_mutate_parser", "run_mutate_command"),
}


_OWN_COMMANDS = frozenset({"validate", "chat", "schema", "open"})
"""The commands this module defines and runs itself."""


def _command(argv: Sequence[str]) -> str | None:
    """The command `argv` names when it is a known one (the top-level parser has no option but `-h`)."""
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    return first if first in _COMMANDS or first in _OWN_COMMANDS else None


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The `workbench` parser: with every command of `_COMMANDS`, or with `command` alone among them (none of them
    when `command` is one of `_OWN_COMMANDS`)."""
    parser = argparse.ArgumentParser(prog="workbench", description="Test Chatlayer-style chatbot flows.")
    sub = parser.add_subparsers(dest="command")

    validate = sub.add_parser("validate", help="check flow files; exit 1 when any has errors")
    validate.add_argument("flows", nargs="+", type=Path)
    validate.add_argument("-q", "--quiet", action="store_true", help="errors only, no warnings")
    validate.add_argument("--languages", action="store_true", help="then a table of the texts translated per language")

    chat = sub.add_parser("chat", help="talk to a flow in the terminal")
    chat.add_argument("flow", nargs="?", type=Path, help="the flow file (default: the bundled sample)")
    chat.add_argument("--var", action="append", default=[], metavar="NAME=JSON", help="a starting variable")
    chat.add_argument("-v", "--verbose", action="store_true", help="show states, warnings and console output")

    schema = sub.add_parser("schema", help="print the JSON Schema of flow files (or of conversation tests)")
    schema.add_argument("--convo", action="store_true", help="the schema of *.convo.yaml files instead")

    for name, (module, add, _run) in _COMMANDS.items():
        if command is None or name == command:
            getattr(import_module(module), add)(sub)

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
    from workbench.sample import SAMPLE_FLOW, start_sample_backend

    if path is not None and path.resolve() != SAMPLE_FLOW:
        return {}
    _server, base_url = start_sample_backend()
    return {"api_base": base_url}


def _chat(path: Path | None, pairs: Sequence[str], verbose: bool) -> int:
    import asyncio

    from workbench.chat import chat
    from workbench.flow.loader import load_flow
    from workbench.sample import SAMPLE_FLOW
    from workbench.testing.cli_test import given_vars

    given = given_vars(pairs)
    if given is None:
        return 2
    path = path if path is not None else SAMPLE_FLOW
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
    from workbench.sample import SAMPLE_FLOW
    from workbench.testing.cli_test import given_vars

    given = given_vars(pairs)
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
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        return _run(_parser(_command(arguments)).parse_args(arguments))
    except BrokenPipeError:
        # The reader of our output went away (`workbench … | head`): stop quietly, without a flush error at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(args: argparse.Namespace) -> int:
    if args.command in _COMMANDS:
        module, _add, run = _COMMANDS[args.command]
        return int(getattr(import_module(module), run)(args))
    if args.command == "validate":
        return _validate(args.flows, args.quiet, args.languages)
    if args.command == "schema":
        from workbench.bundled import resource_text
        from workbench.flow.schema import schema_text

        print(resource_text("convo.schema.json") if args.convo else schema_text())
        return 0
    if args.command == "chat":
        return _chat(args.flow, args.var, args.verbose)
    if args.command == "open":
        return _open(args.flow, args.var)
    return _open(None, [])


if __name__ == "__main__":
    sys.exit(main())
