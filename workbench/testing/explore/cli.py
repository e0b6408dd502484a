"""`workbench explore FLOW [-o DIR]`: walk every path of a flow, shrink the paths kept, write the regression suite.

Exit status: 0 when the suite was written and every file replays, 1 when some file did not replay (it is removed
and the report says why), 2 when the flow has errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from workbench.testing.explore.search import Exploration


def add_explore_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `explore` command to the `workbench` command's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "explore",
        help="walk every path of a flow and write conversation tests for it",
        description="Search a flow's conversations (buttons, intents, answers, iframe messages, HTTP outcomes) and "
        "write one convo file per path that reaches a new state or transition.",
    )
    parser.add_argument("flow", type=Path, metavar="FLOW")
    parser.add_argument(
        "-o", "--output", type=Path, metavar="DIR", help="where to write (default: explored/ beside FLOW)"
    )
    parser.add_argument("--max-conversations", type=int, default=5000, metavar="N", help="conversations to replay")
    parser.add_argument("--max-turns", type=int, default=40, metavar="N", help="inputs in one conversation")
    parser.add_argument("--seconds", type=float, default=300.0, metavar="S", help="wall-clock time for the search")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the report as JSON")
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="a starting variable of every conversation"
    )
    return parser


def _progress(stream: TextIO) -> Any:
    def show(exploration: Exploration) -> None:
        totals = exploration.coverage.totals()
        line = (
            f"explore: {exploration.replays} conversations · {len(exploration.kept)} kept · "
            f"states {totals['states']['covered']}/{totals['states']['total']} · "
            f"transitions {totals['transitions']['covered']}/{totals['transitions']['total']} · "
            f"{exploration.seconds:.0f} s"
        )
        stream.write(f"\r{line}" if stream.isatty() else f"{line}\n")
        stream.flush()

    return show


def run_explore_command(args: argparse.Namespace) -> int:
    """Run `workbench explore` with parsed arguments."""
    import asyncio

    from workbench.flow.loader import load_flow
    from workbench.testing.cli_test import given_vars
    from workbench.testing.explore.output import default_folder, verify, write_suite
    from workbench.testing.explore.report import report_data, report_text
    from workbench.testing.explore.search import Budget, explore
    from workbench.testing.explore.shrink import shrink

    loaded = load_flow(args.flow)
    for problem in loaded.errors:
        print(problem, file=sys.stderr)
    if loaded.flow is None or loaded.errors:
        return 2
    flow = loaded.flow
    budget = Budget(conversations=args.max_conversations, turns=args.max_turns, seconds=args.seconds)
    folder = args.output or default_folder(flow)

    variables = given_vars(args.var)
    if variables is None:
        return 2

    async def run() -> tuple[Exploration, list[Any]]:
        exploration = await explore(flow, budget=budget, variables=variables, progress=_progress(sys.stderr), every=50)
        exploration = await shrink(exploration, variables=variables)
        return exploration, await verify(write_suite(exploration, folder))

    exploration, written = asyncio.run(run())
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    print(report_text(exploration, written, str(folder)))
    if args.json:
        args.json.write_text(json.dumps(report_data(exploration, written), indent=2, ensure_ascii=False) + "\n")
    return 1 if any(w.failure for w in written) else 0
