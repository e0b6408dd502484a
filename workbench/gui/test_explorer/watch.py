"""Watching the explorer's folders and convo files: edits, new files and removed ones, debounced."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from workbench.gui.heap import Slices

DEBOUNCE_MS = 300
PIECE = 50
"""Paths added or let go at once."""


def _pieces(names: list[str]) -> Iterator[list[str]]:
    return (names[start : start + PIECE] for start in range(0, len(names), PIECE))


class ConvoWatcher(QObject):
    """Emits `edited(list[Path])` for convo files whose contents changed, and `listing_changed()` when a watched
    folder changed (a convo file may have appeared or gone), each once per burst of changes."""

    edited = Signal(list)
    listing_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._file_changed)
        self._watcher.directoryChanged.connect(self._folder_changed)
        self._edited: dict[Path, None] = {}
        self._folders_changed = False
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self._flush)

    async def watch(self, folders: Sequence[str | Path], files: Sequence[str | Path]) -> None:
        """Watch exactly these folders (each holding convo files, or a root) and files from now on: the paths no
        longer wanted are let go and the new ones added, a few at a time with the loop getting turns in between
        (each path is a system call: thousands of them blocked the window for a few hundred milliseconds)."""
        wanted = dict.fromkeys(map(str, [*folders, *files]))
        watched = set(self._watcher.files() + self._watcher.directories())
        slices = Slices(keeping=False)
        for gone in _pieces([path for path in watched if path not in wanted]):
            self._watcher.removePaths(gone)
            await slices.turn()
        new = [name for name, path in wanted.items() if name not in watched]
        for piece in _pieces(new):
            existing = [name for name in piece if os.path.exists(name)]
            if existing:
                self._watcher.addPaths(existing)
            await slices.turn()

    def stop(self) -> None:
        """Watch nothing any more."""
        watched = self._watcher.files() + self._watcher.directories()
        if watched:
            self._watcher.removePaths(watched)

    def _file_changed(self, name: str) -> None:
        # Editors save by replacing the file, which drops it from the watcher: watch it again.
        if name not in self._watcher.files() and Path(name).exists():
            self._watcher.addPath(name)
        self._edited[Path(name)] = None
        self._debounce.start()

    def _folder_changed(self, _name: str) -> None:
        self._folders_changed = True
        self._debounce.start()

    def _flush(self) -> None:
        edited, self._edited = list(self._edited), {}
        if self._folders_changed:
            self._folders_changed = False
            self.listing_changed.emit()
        if edited:
            self.edited.emit(edited)
