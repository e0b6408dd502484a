"""The one place where the engine performs HTTP requests: API actions, `fetch()` in code, the offload webhook.

`perform` never raises for network trouble. Whatever happens (connection refused, timeout, an invalid URL, a
response larger than `max_bytes`) comes back as an `HttpResult` whose `error` says so in plain words, and
whose `exchange` is the `HttpExchange` event to show in the traffic panel. A non-2xx status is not an `error`
here: the response came back, and the caller decides what a 404 means (`HttpResult.ok` is false for it).

`HttpResult.json` reads a body strictly, as a backend's answer must be read: text in its charset with no
invalid bytes, JSON without `NaN` or `Infinity` (JavaScript's JSON.parse refuses them too), nested at most
`MAX_JSON_DEPTH` levels, whole numbers of at most `incoming.MAX_DIGITS` digits.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

from workbench.engine import events as ev
from workbench.engine import incoming

if TYPE_CHECKING:
    import httpx

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 5 * 2**20
EVENT_BODY_LIMIT = 64 * 2**10
"""Request and response bodies stored in an `HttpExchange` are cut to this many bytes (with a note)."""

MAX_JSON_DEPTH = 100
"""How deeply a response's JSON may nest arrays and objects (deeper ones would exhaust Python's stack when the
session copies them)."""

Source = Literal["api", "fetch", "webhook"]


class BodyError(ValueError):
    """A response body that cannot be read as JSON; the message says why, in the terms of JSON and its text."""


@dataclass(frozen=True, slots=True)
class HttpResult:
    """What one request gave: the `HttpExchange` event (always), and the response when there was one.

    `body` is None when `error` is set; the part that arrived (shortened) is in `exchange.response_body`.
    """

    exchange: ev.HttpExchange
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    error: str | None = None
    reason: str = ""
    """The status line's reason phrase (`OK`, `Internal Server Error`), or the standard one for the status
    when the server sent none: what node-fetch calls `statusText`."""

    @property
    def ok(self) -> bool:
        """A 2xx response arrived whole, with no error."""
        return self.error is None and self.status is not None and 200 <= self.status < 300

    def text(self) -> str:
        """The response body decoded (the charset of its Content-Type, else UTF-8); empty without a body."""
        if not self.body:
            return ""
        return self.body.decode(_charset(self.headers), errors="replace")

    def json(self) -> Any:
        """The response body parsed strictly as JSON (see the module docstring); raises `BodyError` (a
        `ValueError`) when there is no body or it is not such JSON."""
        if self.body is None:
            raise BodyError("there is no response body")
        charset = _charset(self.headers)
        try:
            text = self.body.decode(charset)
        except UnicodeDecodeError as exc:
            byte = exc.object[exc.start]
            raise BodyError(f"the response is not valid {charset}: byte 0x{byte:02x} at position {exc.start}") from None
        return parse_json(text)


def parse_json(text: str) -> Any:
    """`text` parsed as strict JSON (see the module docstring); raises `BodyError` saying why it is not."""
    try:
        return incoming.loads(text, max_depth=MAX_JSON_DEPTH)
    except json.JSONDecodeError as exc:
        raise BodyError(f"the response is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except incoming.IncomingError as exc:
        raise BodyError(f"the response {exc}") from None


def _charset(headers: dict[str, str]) -> str:
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            charset = value.strip('"').strip()
            return charset if _decodes_text(charset) else "utf-8"
    return "utf-8"


def _decodes_text(charset: str) -> bool:
    """Whether Python has a text codec of that name that can read any bytes with replacement characters: not
    `base64` (no text codec), `idna` or `punycode` (no replacement), `undefined` (refuses everything)."""
    try:
        b"\xff".decode(charset, errors="replace")
        "".encode(charset)
    except (LookupError, ValueError):  # ValueError: UnicodeError, which these codecs raise
        return False
    return True


def size_text(n: int) -> str:
    """A byte count for people: `5 MB`, `64 KB`, `12 bytes`."""
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if n >= scale:
            value = n / scale
            return f"{value:g} {unit}" if value.is_integer() else f"{value:.1f} {unit}"
    return f"{n} bytes"


def body_for_event(body: bytes | None, charset: str = "utf-8", *, cut_off: bool = False) -> str | None:
    """A body as text for an `HttpExchange`: at most `EVENT_BODY_LIMIT` bytes, with a note when shortened."""
    if body is None:
        return None
    text = body[:EVENT_BODY_LIMIT].decode(charset, errors="replace")
    if len(body) > EVENT_BODY_LIMIT:
        total = f"more than {size_text(len(body))}" if cut_off else size_text(len(body))
        text += f"\n… [truncated: first {size_text(EVENT_BODY_LIMIT)} of {total} shown]"
    elif cut_off:
        text += "\n… [response cut off]"
    return text


def _headers(headers: httpx.Headers) -> dict[str, str]:
    return dict(headers.items())


_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _as_fetch_reads(url: str) -> str:
    """`url` as node-fetch's URL parser (WHATWG URL) reads it, for httpx to send: leading and trailing spaces
    and control characters dropped, tabs and new lines removed, `\\` as `/` before the query, `'` in the query
    and the other control characters percent-encoded. httpx encodes the rest as WHATWG does: a space as `%20`,
    `"`, `<`, `>`, and in the path `` ` ``, `{`, `}`."""
    url = _TAB_OR_NEWLINE.sub("", url.strip(_C0_OR_SPACE))
    rest, hash_mark, fragment = url.partition("#")
    before, question_mark, query = rest.partition("?")
    if before.lower().startswith(("http:", "https:")):
        before = before.replace("\\", "/")
    query = query.replace("'", "%27")
    encoded = before + question_mark + query + hash_mark + fragment
    return _CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", encoded)


def _check_url(request: httpx.Request, url: str) -> str | None:
    if not request.url.scheme and not request.url.host:
        return f"invalid URL '{url}': it is not absolute (is a variable in it empty?)"
    if request.url.scheme not in ("http", "https"):
        scheme = request.url.scheme or "none"
        return f"invalid URL '{url}': only http and https are supported (scheme: {scheme})"
    if not request.url.host:
        return f"invalid URL '{url}': it has no host (is a variable in it empty?)"
    if "%" in request.url.host:
        return f"invalid URL '{url}': bad host name '{unquote(request.url.host)}'"
    return None


def _refused(exc: BaseException) -> bool:
    """Whether a connection was refused, somewhere in the chain of causes."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError) or "refused" in str(current).lower():
            return True
        current = current.__cause__ or current.__context__
    return False


_BYTES_SHOWN = re.compile(r"bytearray\(b'(?P<text>[^']*)'\)|\bb'(?P<bare>[^']*)'")
"""Bytes as Python shows them in an HTTP library's message (`illegal status line: bytearray(b'GARBAGE')`)."""


def _network_error(exc: Exception, url: str, timeout: float) -> str:
    """What went wrong with a request, in words (never an exception's class name), with the exception's text."""
    import httpx  # loaded already: the request that failed was made with it

    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return f"timed out after {timeout:g} s waiting for {url}"
    if isinstance(exc, httpx.ConnectError) and _refused(exc):
        return f"connection refused to {url}"
    what_went_wrong: tuple[tuple[type[Exception], str], ...] = (
        (httpx.ConnectError, "could not connect to {url}"),
        (httpx.RemoteProtocolError, "the server at {url} broke the connection"),
        (httpx.ReadError, "the connection to {url} broke while the response was read"),
        (httpx.WriteError, "the connection to {url} broke while the request was sent"),
        (httpx.ProxyError, "the proxy refused the request to {url}"),
        (httpx.DecodingError, "the response from {url} could not be decompressed"),
        (httpx.TooManyRedirects, "too many redirects from {url}"),
        (httpx.LocalProtocolError, "the request to {url} could not be sent"),
    )
    what = next((what for kind, what in what_went_wrong if isinstance(exc, kind)), "the request to {url} failed")
    detail = _BYTES_SHOWN.sub(lambda m: f"'{m['text'] if m['text'] is not None else m['bare']}'", str(exc).strip())
    return what.format(url=url) + (f": {detail}" if detail else "")


async def _receive(
    client: httpx.AsyncClient, request: httpx.Request, max_bytes: int
) -> tuple[httpx.Response, bytes, bool]:
    """Send `request` and read the body up to `max_bytes`; the flag says the body was cut off there."""
    response = await client.send(request, stream=True)
    try:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            return response, b"", True
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                chunks.append(chunk[: len(chunk) - (size - max_bytes)])
                return response, b"".join(chunks), True
            chunks.append(chunk)
        return response, b"".join(chunks), False
    finally:
        await response.aclose()


async def perform(
    client: httpx.AsyncClient,
    *,
    method: str,
    url: str,
    headers: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
    content: bytes | str | None = None,
    json_body: Any = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    state: str | None = None,
    source: Source = "api",
) -> HttpResult:
    """Perform one request on `client` and return what happened; never raises for network problems.

    `timeout` bounds the whole exchange (connecting, sending, reading the body). The response is streamed
    and abandoned as soon as it grows past `max_bytes` (or declares a larger Content-Length). `json_body` is
    sent as JSON when `content` is None. Only http and https URLs are requested.
    """
    import httpx  # here, not at the top: a conversation that makes no request need not load it

    method = method.upper()
    started = time.perf_counter()

    def done(
        *,
        request: httpx.Request | None = None,
        response: httpx.Response | None = None,
        body: bytes | None = None,
        cut_off: bool = False,
        error: str | None = None,
    ) -> HttpResult:
        shown_url = str(request.url) if request is not None else url
        request_headers = _headers(request.headers) if request is not None else dict(headers or {})
        request_body: str | None = None
        if request is not None and request.content:
            request_body = body_for_event(request.content)
        elif request is None and content is not None:
            request_body = content if isinstance(content, str) else body_for_event(content)
        response_headers = _headers(response.headers) if response is not None else {}
        exchange = ev.HttpExchange(
            state=state,
            source=source,
            method=method,
            url=shown_url,
            request_headers=request_headers,
            request_body=request_body,
            status=response.status_code if response is not None else None,
            response_headers=response_headers,
            response_body=body_for_event(body, _charset(response_headers), cut_off=cut_off),
            duration=time.perf_counter() - started,
            error=error,
        )
        return HttpResult(
            exchange=exchange,
            status=exchange.status,
            headers=response_headers,
            body=body if error is None else None,
            error=error,
            reason=response.reason_phrase if response is not None else "",
        )

    try:
        request = client.build_request(
            method,
            _as_fetch_reads(url),
            headers=headers,
            params=params,
            content=content,
            json=json_body if content is None else None,
            timeout=httpx.Timeout(timeout),
        )
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, TypeError) as exc:
        return done(error=f"invalid URL '{url}': {exc}")
    problem = _check_url(request, url)
    if problem is not None:
        return done(request=request, error=problem)

    shown = str(request.url)
    try:
        async with asyncio.timeout(timeout):
            response, body, cut_off = await _receive(client, request, max_bytes)
    except Exception as exc:  # every network problem becomes an error message, never an exception
        return done(request=request, error=_network_error(exc, shown, timeout))
    if cut_off:
        return done(
            request=request,
            response=response,
            body=body,
            cut_off=True,
            error=f"response from {shown} larger than {size_text(max_bytes)}",
        )
    return done(request=request, response=response, body=body)
