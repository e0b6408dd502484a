"""Which replayed conversation a request on a runner's shared HTTP client belongs to, without loading httpx.

`Serving` (entered as a `with` block around a conversation's replay) names the conversation's canned answers for
the code inside it and the tasks that code starts; `current` gives the one named where a request is made. The
transport that reads it (`shared_http`) is imported at the first request: most replays make none.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from workbench.testing.http_mock import CannedTransport


class Serving:
    """A conversation's canned answers, and the cookies it was given (made at its first request, as its own client
    would keep them: no conversation sees another's). A class rather than a generator-based context manager, which
    costs several times as much to enter and leave, once per conversation."""

    __slots__ = ("_token", "canned", "cookies")

    def __init__(self, canned: CannedTransport) -> None:
        self.canned = canned
        self.cookies: httpx.Cookies | None = None
        self._token: Token[Serving | None] | None = None

    def __enter__(self) -> None:
        self._token = current.set(self)

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            current.reset(self._token)


current: ContextVar[Serving | None] = ContextVar("serving", default=None)
