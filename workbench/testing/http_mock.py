"""Canned HTTP answers for a replayed conversation: an httpx transport that answers from a convo's `http:` entries.

An entry matches a request when the method is the same, its URL (a template, expanded against the session at the
moment of the request) names the same scheme, host, port and path, its query (when it has one) the same
parameters, and its `body` (when it has one) is a subset of the request's JSON body (or equals the text of a body
that is not JSON). The first entry that matches answers; entries can answer any number of times.

A request that no entry matches is kept in `CannedTransport.unmatched` (the runner fails the test with it) and
the engine sees a connection error, unless the convo says `http: passthrough`: then it goes to the network.
Code actions' `fetch` goes through the conversation's client too, so the same entries answer it.

`CannedTransport` is a transport as httpx calls one (it duck-types its transports) without subclassing httpx's
base: a replay makes one for every conversation, and most conversations make no request, so making one must not
load httpx. Its methods import httpx when a request comes, which the client of the request has loaded already.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from workbench.flow import template
from workbench.testing.assertions import show, subset_mismatches
from workbench.testing.convo_format import HttpStub

if TYPE_CHECKING:
    import httpx

Lookup = Callable[[str], Any]


@dataclass(frozen=True, slots=True)
class UnansweredRequest:
    """A request that no canned answer matched."""

    method: str
    url: str
    body: str

    def describe(self) -> str:
        """The request as a report shows it."""
        text = f"{self.method} {self.url}"
        return f"{text}\n  body: {self.body}" if self.body else text


def _query(url: httpx.URL) -> list[tuple[str, str]]:
    return sorted(url.params.multi_items())


def _parsed_body(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")


class CannedTransport:
    """An httpx transport that answers requests from canned entries; `lookup` reads the session variables that
    URLs refer to."""

    def __init__(
        self,
        stubs: Sequence[HttpStub],
        lookup: Lookup = lambda _path: None,
        passthrough: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.stubs = tuple(stubs)
        self.lookup = lookup
        self.passthrough = passthrough
        self.unmatched: list[UnansweredRequest] = []

    def _matches(self, stub: HttpStub, request: httpx.Request, body: Any) -> bool:
        import httpx

        if stub.method != request.method:
            return False
        try:
            wanted = httpx.URL(template.render(stub.url, self.lookup))
        except httpx.InvalidURL:
            return False
        got = request.url
        if (wanted.scheme, wanted.host, wanted.port, wanted.path) != (got.scheme, got.host, got.port, got.path):
            return False
        if wanted.query and _query(wanted) != _query(got):
            return False
        return stub.body is None or not subset_mismatches(stub.body, body)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """The first matching entry's answer; else the network (passthrough) or a connection error."""
        import httpx

        content = await request.aread()
        body = _parsed_body(content) if content else None
        for stub in self.stubs:
            if self._matches(stub, request, body):
                return httpx.Response(stub.status, headers=list(stub.headers), content=stub.content, request=request)
        if self.passthrough is not None:
            return await self.passthrough.handle_async_request(request)
        shown = "" if body is None else show(body)
        self.unmatched.append(UnansweredRequest(request.method, str(request.url), shown))
        raise httpx.ConnectError(f"no canned answer for {request.method} {request.url}", request=request)

    async def aclose(self) -> None:
        """Nothing to release: the passthrough transport belongs to whoever made it."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def describe_stubs(stubs: Sequence[HttpStub]) -> str:
    """The canned entries as a report lists them."""
    if not stubs:
        return "  (the convo has no http: entries)"
    return "\n".join(f"  {stub.describe()}  ({stub.loc})" for stub in stubs)
