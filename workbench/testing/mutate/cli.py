"""`workbench mutate FLOW [TESTS…]`: change the flow in small ways and report the changes no conversation notices;
`workbench mutate --merge REPORT…`: combine the JSON reports of shards (`--shard K/N`) into one.

Exit status: 0, or 1 when the score is under `--min-score`; 2 when the flow has errors, no conversation runs it,
or the reports cannot be merged.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from workbench.testing.mutate.shards import Shard


def _shard(text: str) -> Shard:
    try:
        return Shard.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_mutate_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `mutate` command to the `workbench` command's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "mutate",
        help="mutation testing: which small changes to a flow would its tests not catch?",
        description="Change the flow in small ways (a retargeted goto, a flipped condition, a dropped set…), "
        "replay the conversations that reach each change, and report the changes no test noticed. "
        "With --merge, combine the JSON reports of the shards of one run instead.",
    )
    parser.add_argument("flow", type=Path, nargs="?", metavar="FLOW")
    parser.add_argument(
        "tests", nargs="*", type=Path, metavar="TESTS", help="convo files or folders (default: the flow's folder)"
    )
    parser.add_argument("-j", "--workers", type=int, default=1, metavar="N", help="worker processes (0: one per CPU)")
    parser.add_argument(
        "--shard", type=_shard, metavar="K/N", help="judge only shard K of N (write it with --json, then --merge)"
    )
    parser.add_argument(
        "--merge", type=Path, nargs="+", metavar="REPORT", help="combine the JSON reports of every shard of a run"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the report as JSON")
    parser.add_argument("--html", type=Path, metavar="FILE", help="write the report as an HTML page")
    parser.add_argument("--min-score", type=float, metavar="P", help="exit 1 when the score is under P percent")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="S", help="seconds per mutant (default 30)")
    return parser


def run_mutate_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run `workbench mutate` with parsed arguments; returns the exit status."""
    from workbench.testing.mutate.html_report import write_mutation_html
    from workbench.testing.mutate.merge import MergeError, merge, read_report
    from workbench.testing.mutate.report import text_report, write_json_report
    from workbench.testing.mutate.run import mutate

    out = out or sys.stdout
    if args.merge:
        if args.flow is not None or args.shard is not None:
            print("error: --merge takes reports only, not FLOW, TESTS or --shard", file=sys.stderr)
            return 2
        try:
            run = merge([(path, read_report(path)) for path in args.merge])
        except MergeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    else:
        if args.flow is None:
            print("error: give FLOW (or --merge REPORT…)", file=sys.stderr)
            return 2
        if not args.flow.is_file():
            print(f"error: {args.flow}: no such file", file=sys.stderr)
            return 2
        workers = args.workers if args.workers > 0 else os.cpu_count() or 1
        try:
            run = mutate(args.flow, args.tests, workers=workers, timeout=args.timeout, shard=args.shard)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        if run.conversations == 0:
            print(f"error: no passing conversation runs {args.flow}", file=sys.stderr)
            return 2
    print(text_report(run), file=out)
    if args.json:
        write_json_report(run, args.json)
    if args.html:
        write_mutation_html(run, args.html)
    return 1 if args.min_score is not None and run.score < args.min_score else 0
