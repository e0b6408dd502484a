"""Writing a convo file atomically: a temporary file in the same folder, then a rename over the target.

The temporary file is `.<name>.<random>.tmp` beside the target and is removed on any failure. A save that was
killed outright cannot remove its own, so each save also removes the ones of the same target left over from
earlier saves (older than `STALE_AFTER` seconds: a younger one may belong to a save still running elsewhere).
Saving over a symbolic link writes through to the link's target, so the link stays a link.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
import uuid
from pathlib import Path

STALE_AFTER = 60.0


def _remove_stale(target: Path) -> None:
    now = time.time()
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.lstat().st_mtime > STALE_AFTER:
                leftover.unlink()


def write_atomically(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write `text` to `path` so that a reader (the test explorer's watcher, an editor) never sees half a file.

    Raises `FileExistsError` when `path` exists and `overwrite` is false: the caller asks the person first.
    `UnicodeEncodeError` when `text` is not valid Unicode (nothing is written then), `OSError` when the file
    system refuses.
    """
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} already exists")
    data = text.encode("utf-8")
    target = path.resolve() if path.is_symlink() else path
    _remove_stale(target)
    # Not tempfile.mkstemp: its 0600 mode would end up on the saved file; "x" honours the umask.
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with temporary.open("xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))  # a replaced file keeps its permissions
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
