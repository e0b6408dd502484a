"""Writing a convo file atomically: a temporary file in the same folder, then a rename over the target."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path


def write_atomically(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write `text` to `path` so that a reader (the test explorer's watcher, an editor) never sees half a file.

    Raises `FileExistsError` when `path` exists and `overwrite` is false: the caller asks the person first.
    """
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} already exists")
    # Not tempfile.mkstemp: its 0600 mode would end up on the saved file; "x" honours the umask.
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with temporary.open("x", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
