"""Reading one YAML file of the flow format (a flow file or a translation file): its text, then its top-level
mapping with positions, every problem reported as `file:line:column`."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from workbench.flow.build import kind_name, quoted
from workbench.flow.problems import Reporter
from workbench.flow.yaml_source import Pos, YamlSyntaxError, YMap, load_yaml, split_lines


class UnreadableFile(Exception):
    """A file that cannot be read as UTF-8 text; the message says why, in the user's terms."""


def read_text(path: Path, what: str) -> str:
    """The UTF-8 text of the `what` ("flow file") at `path`; raises `UnreadableFile`."""
    try:
        return read_file_bytes(path).decode("utf-8")
    except (OSError, ValueError) as exc:
        raise UnreadableFile(unreadable_message(exc, what)) from None


_CHUNK = 1 << 16
MAX_FILE_BYTES = 10 * 2**20
"""The largest file `read_file_bytes` reads: far more than any flow, test or translation file, little enough that
loading one stays within a few hundred MB (a loaded flow takes some 16 times its file's size)."""
_NOT_FILES = ((stat.S_ISFIFO, "it is a named pipe, not a file"), (stat.S_ISDIR, os.strerror(errno.EISDIR)))


def read_file_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the regular file at `path`; raises `OSError` for anything else (a named pipe would wait for a
    writer forever, a device such as /dev/zero never ends) and for a file over `MAX_FILE_BYTES`, its `strerror`
    saying why in the user's terms.

    Opened without waiting (`O_NONBLOCK`), so that a named pipe is refused rather than waited on; read with
    `os.read` in large chunks (a suite reads thousands of files: a text-mode `open` costs three times as much).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        mode = info.st_mode
        if not stat.S_ISREG(mode):
            why = next((why for test, why in _NOT_FILES if test(mode)), "it is a device, not a file")
            raise OSError(errno.EINVAL, why, os.fspath(path))
        if info.st_size > MAX_FILE_BYTES:
            size = f"{info.st_size / 2**20:.1f} MB, more than the {MAX_FILE_BYTES // 2**20} MB a file may be"
            raise OSError(errno.EFBIG, f"it is {size}", os.fspath(path))
        first = os.read(fd, _CHUNK)
        if len(first) == info.st_size:  # the whole file (nearly always): no read to find its end
            return first
        chunks = [first]
        while chunks[-1]:
            chunks.append(os.read(fd, _CHUNK))
    finally:
        os.close(fd)
    return b"".join(chunks)


def not_utf8(exc: UnicodeDecodeError) -> str:
    """Where a file's bytes stop being UTF-8 text, in the user's terms."""
    return f"not valid UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"


def unreadable_message(exc: OSError | ValueError, what: str) -> str:
    """Why the `what` ("flow file", "convo file") could not be read as UTF-8 text."""
    if isinstance(exc, UnicodeDecodeError):
        return f"the {what} is {not_utf8(exc)}"
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"cannot read the {what}: {reason}"


def read_mapping(text: str, reporter: Reporter, what: str) -> tuple[YMap, Pos, list[str]] | None:
    """The top-level mapping of a `what`'s YAML text, its position and the file's lines; None (reported) when the
    text is no YAML, empty or not a mapping. Duplicate keys are reported too."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        document = load_yaml(text)
    except YamlSyntaxError as exc:
        reporter.error(exc.line, exc.column, f"invalid YAML: {exc}")
        return None
    for dup in document.duplicates:
        reporter.error(
            dup.pos.line,
            dup.pos.column,
            f"duplicate key {quoted(dup.key)} (first given on line {dup.first_line})",
        )
    if document.pos is None:
        reporter.error(1, 1, f"the {what} is empty")
        return None
    if not isinstance(document.data, YMap):
        reporter.error(
            document.pos.line,
            document.pos.column,
            f"the top level of a {what} must be a mapping, not {kind_name(document.data)}",
        )
        return None
    return document.data, document.pos, split_lines(text)
