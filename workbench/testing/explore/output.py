"""Writing the explored suite into a folder, and checking it replays with the test runner.

Files are numbered in the order the search kept their paths (shortest first) and named after the conversation
(`003-ask_name-alex-menu.convo.yaml`); a chosen part of the suite keeps those numbers and names. Files an earlier
run wrote (they start with `writer.MARK`) are removed first, so the folder holds exactly this run's suite; other
files are left alone. `verify` replays every written file with `workbench test`'s runner; a file that does not
pass is removed and reported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from workbench.flow.model import Flow
from workbench.testing.convo_format import SUFFIX, load_convo_file
from workbench.testing.explore.search import Exploration
from workbench.testing.explore.writer import MARK, Names, SuiteWriter

_SLUG_LENGTH = 60


@dataclass(frozen=True, slots=True)
class Written:
    """A convo file of the suite: where, the conversation's name, and why the replay failed (empty: it passed)."""

    path: Path
    name: str
    failure: str = ""


def default_folder(flow: Flow) -> Path:
    """`explored/` beside the flow file."""
    return flow.folder / "explored"


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9_]+", "-", name.lower()).strip("-")
    return slug[:_SLUG_LENGTH].rstrip("-") or "conversation"


def _remove_previous(folder: Path) -> None:
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        try:
            with path.open(encoding="utf-8") as file:
                ours = file.readline().rstrip("\n") == MARK
        except (OSError, UnicodeDecodeError):
            ours = False
        if ours:
            path.unlink()


def write_suite(exploration: Exploration, folder: Path, only: Iterable[int] | None = None) -> list[Written]:
    """Write one convo file per kept path (or per kept path at the indices `only`) into `folder` (made if needed);
    a file keeps its number and name (unique in the search's order, `writer.Names`) whatever else is written."""
    folder.mkdir(parents=True, exist_ok=True)
    _remove_previous(folder)
    flow = exploration.flow
    flow_ref = Path(os.path.relpath(flow.path or "flow.yaml", folder)).as_posix()
    writer = SuiteWriter(flow, flow_ref)
    conversations = [writer.conversation(kept.played) for kept in exploration.kept]
    names = Names()
    unique = [names.unique(conversation.name) for conversation in conversations]
    chosen = range(len(conversations)) if only is None else sorted(set(only))
    written: list[Written] = []
    for index in chosen:
        name, conversation = unique[index], conversations[index]
        if name != conversation.name:
            conversation = writer.conversation(exploration.kept[index].played, name)
        path = folder / f"{index + 1:03d}-{_slug(name)}{SUFFIX}"
        path.write_text(conversation.text, encoding="utf-8")
        written.append(Written(path, name))
    return written


async def verify(written: list[Written]) -> list[Written]:
    """Replay each file with the test runner; a file that fails is removed and comes back with its failure."""
    from workbench.testing.runner import Runner

    runner = Runner()
    checked: list[Written] = []
    try:
        for item in written:
            results = await runner.run_file(load_convo_file(item.path))
            failed = next((r for r in results if not r.passed), None)
            if failed is not None:
                item.path.unlink()
                report = failed.failure.report() if failed.failure else failed.status
                checked.append(Written(item.path, item.name, report))
            else:
                checked.append(item)
    finally:
        await runner.aclose()
    return checked
