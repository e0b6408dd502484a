"""`workbench diff FLOW --against REV_OR_FILE [CONVO_PATH…]`: where a suite behaves differently on two versions.

Exit status: 0 when every conversation behaves the same, 1 when some differ, 2 when a version cannot be read or
loaded, a convo file has errors, or the flow has no conversations.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any, TextIO

from workbench.testing.cli_test import given_vars, unreadable_path


def add_diff_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `diff` command to the `workbench` command's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "diff",
        help="replay a flow's conversation tests against two versions of it; show the first difference of each",
        description=(
            "Replay conversation tests against the flow file as saved and against another version: a file, or the "
            "same file at a git revision. Shows, per conversation, the first turn where the two behave differently."
        ),
    )
    parser.add_argument("flow", type=Path, metavar="FLOW", help="the flow file")
    # The convo paths ride on --against: argparse cannot take more positionals after an option.
    parser.add_argument(
        "--against",
        nargs="+",
        required=True,
        metavar=("REV_OR_FILE", "CONVO_PATH"),
        help="another flow file or a git revision (HEAD~1, main), then convo files or folders (default: the flow's "
        "folder)",
    )
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="override a starting variable in every test"
    )
    return parser


def run_diff_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run `workbench diff` with parsed arguments; returns the exit status."""
    # Here, not at the top: every `workbench` command builds this parser, and the flow diff loads the engine.
    from workbench.testing.flow_diff import DiffError, diff_flow

    out = out or sys.stdout
    flow = args.flow
    against, *convos = args.against
    if not flow.is_file():
        why = "not a file" if flow.exists() else unreadable_path(flow) or "no such file"
        print(f"error: {flow}: {why}", file=sys.stderr)
        return 2
    variables = given_vars(args.var)
    if variables is None:
        return 2
    try:
        report = asyncio.run(diff_flow(flow, against, [Path(c) for c in convos], variables=variables))
    except DiffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not report.conversations:
        print(f"error: no conversation tests of {flow} found", file=sys.stderr)
        return 2
    print(report.text(), file=out)
    return 1 if report.differing else 0
