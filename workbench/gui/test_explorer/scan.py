"""Finding and loading the convo files under the explorer's folders (no Qt: this runs in a worker thread)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workbench.testing.convo_format import ConvoFile, find_convo_files, load_convo_file


def scan(folders: Sequence[Path]) -> list[ConvoFile]:
    """Every `*.convo.yaml` file under `folders` (each once, sorted), loaded."""
    return load([path.resolve() for path in find_convo_files(f for f in folders if f.is_dir())])


def load(paths: Sequence[Path]) -> list[ConvoFile]:
    """The convo files at `paths`, loaded (a file that is gone loads as one with a problem)."""
    return [load_convo_file(path) for path in paths]
