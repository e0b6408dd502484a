"""The frames the engine and its sandbox worker process exchange over a pipe: a 4-byte big-endian length, then
that many bytes of one message.

Most messages are a JSON object (the body starts with `{`). The three that carry text for V8 or from it, an
eval, a call and a string answer, carry it as plain UTF-8 after a binary head instead, so that neither side
escapes and unescapes it (nor the JSON of a run's `args` inside it) once more:

- `E`, the request's id and the realm (8 bytes each, big-endian), the code: `{"op": "eval", "id", "realm", "code"}`
- `C`, the same head, the text for `__wb.call`: `{"op": "call", "id", "realm", "code"}`
- `A`, the request's id (8 bytes), the text: `{"id", "ok": text}`
"""

from __future__ import annotations

import json
import struct
from typing import Any

_LENGTH = struct.Struct(">I")
_TEXT = struct.Struct(">IcQQ")  # length, b"E" or b"C", id, realm
_ANSWER = struct.Struct(">IcQ")  # length, b"A", id
TEXT_OPS = {"eval": b"E", "call": b"C"}
"""The requests that carry text for V8 in the plain-text form, and the kind byte of each."""
_OP_OF = {ord(kind): op for op, kind in TEXT_OPS.items()}
_HEAD = {**{kind: _TEXT.size - _LENGTH.size for kind in _OP_OF}, ord("A"): _ANSWER.size - _LENGTH.size}


def encode(message: dict[str, Any]) -> bytes:
    """One frame carrying `message` (in the plain-text form when it is an eval, a call or a string answer)."""
    kind = TEXT_OPS.get(message.get("op"))
    if kind is not None:
        code = message["code"].encode()
        return _TEXT.pack(_TEXT.size - _LENGTH.size + len(code), kind, message["id"], message["realm"]) + code
    if isinstance(message.get("ok"), str) and len(message) == 2:
        text = message["ok"].encode()
        return _ANSWER.pack(_ANSWER.size - _LENGTH.size + len(text), b"A", message["id"]) + text
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
            out.append(_message(self._buffer, start, end))
            start = end
        del self._buffer[:start]
        return out


def _message(buffer: bytearray, start: int, end: int) -> dict[str, Any]:
    kind = buffer[start + _LENGTH.size]
    head = _HEAD.get(kind)
    if head is None:
        return json.loads(buffer[start + _LENGTH.size : end])
    text = buffer[start + _LENGTH.size + head : end].decode()
    op = _OP_OF.get(kind)
    if op is not None:
        _, _, request, realm = _TEXT.unpack_from(buffer, start)
        return {"op": op, "id": request, "realm": realm, "code": text}
    _, _, request = _ANSWER.unpack_from(buffer, start)
    return {"id": request, "ok": text}
