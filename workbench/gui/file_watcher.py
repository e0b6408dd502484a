"""`FileWatcher`: says when one file changed, also after an editor saved it by replacing it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

SETTLE_MS = 150
"""Editors write a file in several steps (truncate, write, rename): wait for them to settle, then report once."""


class FileWatcher(QObject):
    """Watches one file (or none) and emits `changed` once per save."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path: Path | None = None
        self._stamp: tuple[int, int] | None = None
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

    def watch(self, path: Path | None) -> None:
        """Watch `path` from now on (None: nothing)."""
        path = path.resolve() if path is not None else None
        if path == self._path:
            return
        watched = self._watcher.files() + self._watcher.directories()
        if watched:
            self._watcher.removePaths(watched)
        self._path = path
        self._stamp = self._read_stamp()
        if path is not None:
            self._watcher.addPaths([str(path.parent), str(path)] if path.exists() else [str(path.parent)])

    def _read_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self._path.stat() if self._path is not None else None
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size) if stat is not None else None

    def _on_change(self, _name: str) -> None:
        if self._path is not None:
            self._settle.start()

    def _settled(self) -> None:
        stamp = self._read_stamp()
        if self._path is None or stamp is None:
            return  # removed: the folder will tell when it is back
        if str(self._path) not in self._watcher.files():
            self._watcher.addPath(str(self._path))
        # The folder also changes when a neighbour is written (an editor's swap file): only a new stamp counts.
        if stamp != self._stamp:
            self._stamp = stamp
            self.changed.emit()
