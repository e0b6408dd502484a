"""The frames the engine and its sandbox worker process exchange over a pipe: a 4-byte big-endian length,
then that many bytes of UTF-8 JSON (one object per frame)."""

from __future__ import annotations

import json
import struct
from typing import Any

_LENGTH = struct.Struct(">I")


def encode(message: dict[str, Any]) -> bytes:
    """One frame carrying `message`."""
    body = json.dumps(message, separators=(",", ":")).encode()
    return _LENGTH.pack(len(body)) + body


class FrameReader:
    """Collects bytes as they arrive and hands back the complete messages."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        """The messages completed by `data`, in order."""
        self._buffer += data
        out: list[dict[str, Any]] = []
        start = 0
        size = len(self._buffer)
        while size - start >= _LENGTH.size:
            (length,) = _LENGTH.unpack_from(self._buffer, start)
            end = start + _LENGTH.size + length
            if end > size:
                break
            out.append(json.loads(self._buffer[start + _LENGTH.size : end]))
            start = end
        del self._buffer[:start]
        return out
