"""`workbench preview PAGE`: the designer preview on its own. Qt is imported only when the command runs, because the
`workbench` command is also used where no Qt is wanted."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.gui.preview.page import PREVIEW_HEIGHT, local_file, render_url
from workbench.testing.cli_test import parse_vars

if TYPE_CHECKING:
    from workbench.flow.model import Flow


def add_preview_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `preview` command to the `workbench` command's subparsers."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "preview",
        help="preview an iframe page beside a log of what it posts and the engine's verdicts",
        description=(
            "Show an iframe page as the iframe panel does, with width presets, reloading when the file changes, "
            "and log every postMessage with the engine's verdict. PAGE is a file or an http(s) URL, and a template "
            "like an iframe action's url: 'seat_picker.html?to={destination}' (quote it in the shell)."
        ),
    )
    parser.add_argument("page", metavar="PAGE", help="a page file or URL, possibly with {variables}")
    parser.add_argument(
        "--var", action="append", default=[], metavar="NAME=VALUE", help="a session variable for the URL (JSON or text)"
    )
    parser.add_argument(
        "--height", type=int, default=PREVIEW_HEIGHT, metavar="PX", help="the iframe's height (default: %(default)s)"
    )
    parser.add_argument(
        "--flow", type=Path, help="check GO_TO_DIALOGSTATE against this flow's states (default: accept any name)"
    )
    return parser


def run_preview_command(args: argparse.Namespace) -> int:
    """Open the preview window and run until it closes (or Ctrl+C closes it: then `INTERRUPTED`); 1 when the page file
    or the flow cannot be opened."""
    # Imported here: every `workbench` command builds this command's parser, and these load the flow and the engine.
    from workbench.flow.loader import load_flow
    from workbench.gui.preview.verdict import flow_states

    flow: Flow | None = None
    if args.flow is not None:
        result = load_flow(args.flow)
        for problem in result.errors:
            print(problem, file=sys.stderr)
        if result.flow is None:
            return 1
        flow = result.flow
    variables = parse_vars(args.var)
    page = local_file(render_url(args.page, variables, Path.cwd()).url)
    if page is not None and not page.is_file():
        print(f"workbench preview: no such file: {page}", file=sys.stderr)
        return 1

    from workbench.gui.app import INTERRUPTED, ctrl_c_closes, make_application
    from workbench.gui.preview.window import PreviewWindow

    app = make_application()
    window = PreviewWindow(
        args.page,
        folder=Path.cwd(),
        root=flow.folder if flow is not None else None,
        variables=variables,
        height=args.height,
        states=lambda: flow_states(flow),
    )
    with ctrl_c_closes(window) as interrupted:
        window.show()
        code = app.exec()
    return INTERRUPTED if interrupted() else code
