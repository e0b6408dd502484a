"""Finding and loading the convo files under the explorer's folders (no Qt).

Files are found in a worker thread (walking the folders is Python and system calls, which let the loop have the
interpreter every few milliseconds; 2,500 files took 100 ms on the loop) and loaded on the event loop, a slice of
time at a time (`heap.Slices`: what was loaded is kept out of the collector's full passes): a worker thread would
hold the GIL in long stretches while it parses (measured: 260 ms without a tick of the loop for 250 files), a file
on the loop costs a millisecond or two.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from workbench.gui.heap import Slices
from workbench.testing.convo_format import ConvoFile, find_convo_files, load_convo_file


async def scan(folders: Sequence[Path]) -> list[ConvoFile]:
    """Every `*.convo.yaml` file under `folders` (each once, sorted), loaded."""
    return await load(await asyncio.get_running_loop().run_in_executor(None, found, folders))


def found(folders: Sequence[Path]) -> list[Path]:
    """The `*.convo.yaml` files under `folders` (each once, sorted), resolved."""
    # The folders are resolved, not each file: the walk does not enter linked folders, so under a resolved folder
    # only a file that is itself a link has another real path. Resolving every file held the interpreter for 70 ms
    # at 2,500 files, while the window was showing the chat's first messages.
    roots = [folder.resolve() for folder in folders if folder.is_dir()]
    paths = map(Path, find_convo_files(roots))
    return list(dict.fromkeys(path.resolve() if path.is_symlink() else path for path in paths))


async def load(paths: Sequence[Path]) -> list[ConvoFile]:
    """The convo files at `paths`, loaded (a file that is gone loads as one with a problem)."""
    files: list[ConvoFile] = []
    slices = Slices()
    for path in paths:
        files.append(load_convo_file(path))
        await slices.turn()
    return files
