"""`FileWatcher`: says when a file (or one of its companions) changed, also after an editor saved it by replacing it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

SETTLE_MS = 150
"""Editors write a file in several steps (truncate, write, rename): wait for them to settle, then report once."""

Stamp = tuple[int, int] | None
"""A file's modification time and size, None while it does not exist."""


class FileWatcher(QObject):
    """Watches one file (or none), and the companions it reads (a flow's translation files), and emits `changed`
    once per save of any of them.

    The main file missing means it is being replaced: the watcher waits for it to come back. A companion may
    come and go: its appearing or disappearing is a change too.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path: Path | None = None
        self._stamps: dict[Path, Stamp] = {}
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._on_change)
        # A replaced file drops out of the watcher; its folder tells when the new one appears.
        self._watcher.directoryChanged.connect(self._on_change)
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._settled)

    @property
    def path(self) -> Path | None:
        """The file watched, if any."""
        return self._path

    @property
    def companions(self) -> tuple[Path, ...]:
        """The companion files watched, whether they exist or not."""
        return tuple(path for path in self._stamps if path != self._path)

    def watch(self, path: Path | None, companions: Iterable[Path] = ()) -> None:
        """Watch `path` and `companions` from now on (None: nothing)."""
        path = path.resolve() if path is not None else None
        files = [] if path is None else [path, *(c.resolve() for c in companions if c.resolve() != path)]
        if path == self._path and list(self._stamps) == files:
            return
        watched = self._watcher.files() + self._watcher.directories()
        if watched:
            self._watcher.removePaths(watched)
        self._path = path
        self._stamps = {file: _stamp(file) for file in files}
        folders = sorted({str(file.parent) for file in files})
        existing = [str(file) for file, stamp in self._stamps.items() if stamp is not None]
        if folders:
            self._watcher.addPaths(folders + existing)

    def _on_change(self, _name: str) -> None:
        if self._path is not None:
            self._settle.start()

    def _settled(self) -> None:
        if self._path is None:
            return
        stamps = {file: _stamp(file) for file in self._stamps}
        if stamps[self._path] is None:
            return  # removed: the folder will tell when it is back
        watched = set(self._watcher.files())
        missing = [str(file) for file, stamp in stamps.items() if stamp is not None and str(file) not in watched]
        if missing:
            self._watcher.addPaths(missing)
        # The folder also changes when a neighbour is written (an editor's swap file): only a new stamp counts.
        if stamps != self._stamps:
            self._stamps = stamps
            self.changed.emit()


def _stamp(path: Path) -> Stamp:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size
