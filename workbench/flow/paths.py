"""Variable paths of the flow format (`user.lastName`, `items[0].name`): parsed here, where the loader checks them,
and used by the engine's session to read and write values."""

from __future__ import annotations

import re
from functools import lru_cache

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

MAX_INDEX = 10_000
"""The largest list index a variable path may name (`items[10000]`)."""
PARSED_PATHS = 4096
"""How many parsed paths `parse_path` keeps: far more than a flow names, few enough to bound its memory."""


class PathError(ValueError):
    """A variable path that cannot be parsed, or a write it cannot make; the message says why in JSON's terms."""


@lru_cache(maxsize=PARSED_PATHS)
def parse_path(path: str) -> tuple[str | int, ...]:
    """Split `a.b[0].c` into `('a', 'b', 0, 'c')`; an index above `MAX_INDEX` is refused.

    Every read and write of a session variable parses its path, so the answers are kept (the same tuple for the
    same string; a refusal is not kept and raises again)."""
    parts: list[str | int] = []
    pos = 0
    text = path.strip()
    while pos < len(text):
        if text[pos] == "." and parts:
            pos += 1
        m = _PATH_PART.match(text, pos)
        if not m:
            raise PathError(f"bad variable path '{path}'")
        if m.group(1) is not None:
            parts.append(m.group(1))
        else:
            digits = m.group(2).lstrip("0") or "0"
            if len(digits) > len(str(MAX_INDEX)) or int(digits) > MAX_INDEX:
                raise PathError(f"index {cut(m.group(2))} in {cut(text)} is too large (at most {MAX_INDEX})")
            parts.append(int(digits))
        pos = m.end()
    if not parts or not isinstance(parts[0], str):
        raise PathError(f"bad variable path '{path}'")
    return tuple(parts)


def cut(text: str, limit: int = 60) -> str:
    """`text` shortened to `limit` characters with an ellipsis, for messages."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
