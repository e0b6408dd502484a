"""The HTTP client a replay runner shares between its conversations: imported (and httpx with it) only when a
replayed conversation makes its first request.

The client holds no conversation's state: each request is answered by the canned entries, and carries the
cookies, of the conversation that `serving.current` names where it is made.
"""

from __future__ import annotations

from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

from workbench.testing import serving


class _Conversations(httpx.AsyncBaseTransport):
    """Hands each request to the canned answers of the conversation being replayed where it was made."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        answering = serving.current.get()
        if answering is None:
            raise httpx.ConnectError(f"no replayed conversation to answer {request.method} {request.url}")
        if answering.cookies is None:
            answering.cookies = httpx.Cookies()
        answering.cookies.set_cookie_header(request)
        response = await answering.canned.handle_async_request(request)
        response.request = request
        answering.cookies.extract_cookies(response)
        return response


def conversations_client() -> httpx.AsyncClient:
    """A client whose requests the replayed conversations answer, each its own (the client keeps no cookie)."""
    refuse = CookieJar(DefaultCookiePolicy(allowed_domains=[]))  # cookies live per conversation
    return httpx.AsyncClient(transport=_Conversations(), trust_env=False, cookies=refuse)


def network_transport() -> httpx.AsyncHTTPTransport:
    """A transport to the network (for `http: passthrough`); it loads the system's certificates."""
    return httpx.AsyncHTTPTransport()
