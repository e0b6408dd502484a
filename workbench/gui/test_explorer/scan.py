"""Finding and loading the convo files under the explorer's folders (no Qt).

Files are loaded one at a time on the event loop, yielding between them: a worker thread would hold the GIL in
long stretches while it parses (measured: 260 ms without a tick of the loop for 250 files), one file at a time
on the loop costs a millisecond or two per step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from workbench.testing.convo_format import ConvoFile, find_convo_files, load_convo_file


async def scan(folders: Sequence[Path]) -> list[ConvoFile]:
    """Every `*.convo.yaml` file under `folders` (each once, sorted), loaded."""
    return await load([path.resolve() for path in find_convo_files(f for f in folders if f.is_dir())])


async def load(paths: Sequence[Path]) -> list[ConvoFile]:
    """The convo files at `paths`, loaded (a file that is gone loads as one with a problem)."""
    files: list[ConvoFile] = []
    for path in paths:
        files.append(load_convo_file(path))
        await asyncio.sleep(0)
    return files
