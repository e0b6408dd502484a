"""The one place where the engine performs HTTP requests: API actions, `fetch()` in code, the offload webhook.

`perform` never raises for network trouble. Whatever happens (connection refused, timeout, an invalid URL, a
response larger than `max_bytes`, a server that breaks HTTP) comes back as an `HttpResult` whose `error` says so in
plain words, never in the HTTP library's (what the server did wrong, not what h11 or ssl call it), and whose
`exchange` is the `HttpExchange` event to show in the traffic panel. A request is sent as node-fetch sends it:
header values without spaces, tabs or line breaks at their ends; a method, header or body that HTTP (or JSON)
cannot carry is refused before anything is sent, saying which and why. A non-2xx status is not an `error`
here: the response came back, and the caller decides what a 404 means (`HttpResult.ok` is false for it).

`HttpResult.json` reads a body strictly, as a backend's answer must be read: text in its charset with no
invalid bytes, JSON without `NaN` or `Infinity` (JavaScript's JSON.parse refuses them too), nested at most
`MAX_JSON_DEPTH` levels, whole numbers of at most `incoming.MAX_DIGITS` digits.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

from workbench.engine import events as ev
from workbench.engine import incoming
from workbench.engine.chatlayer_messages import json_text
from workbench.flow.paths import cut
from workbench.flow.whole_numbers import whole_number

if TYPE_CHECKING:
    import httpx

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 5 * 2**20
EVENT_BODY_LIMIT = 64 * 2**10
"""Request and response bodies stored in an `HttpExchange` are cut to this many bytes (with a note)."""

RESPONSE_HEAD_LIMIT = 100 * 2**10
"""The most a response's head (its status line and headers) or a chunk size line in its body may take: httpcore's
limit (`AsyncHTTP11Connection.MAX_INCOMPLETE_EVENT_SIZE`), past which h11 gives the response up."""

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


def _check_url(target: httpx.URL, url: str) -> str | None:
    """Why `target` (`url` as parsed) cannot be requested, or None; raises idna's `UnicodeError` for a host name
    it cannot read."""
    if not target.scheme and not target.host:
        return f"invalid URL '{url}': it is not absolute (is a variable in it empty?)"
    if target.scheme not in ("http", "https"):
        scheme = target.scheme or "none"
        return f"invalid URL '{url}': only http and https are supported (scheme: {scheme})"
    if not target.host:
        return f"invalid URL '{url}': it has no host (is a variable in it empty?)"
    if "%" in target.host:
        return f"invalid URL '{url}': bad host name '{unquote(target.host)}'"
    if target.port is not None and not 0 <= target.port <= 65535:
        return f"invalid URL '{url}': port {target.port} is not between 0 and 65535"
    return None


_TOKEN = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
"""What HTTP allows as a method or a header name (RFC 9110's token)."""
_HTTP_WHITESPACE = " \t\r\n"
_NOT_IN_A_HEADER = re.compile(r"[\x00\n\r\x0b\x0c]|[^\x00-\x7f]")
"""What a header value cannot carry: a line break, NUL, vertical tab or form feed (h11 refuses them), or anything
but ASCII (httpx sends header values as ASCII)."""


def _fetch_headers(headers: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """`headers` as node-fetch sends them (each value without the spaces, tabs and line breaks at its ends), and
    why one cannot be sent at all, or None."""
    sent: dict[str, str] = {}
    for name, value in headers.items():
        if not _TOKEN.fullmatch(name):
            return sent, f"{json_text(name)} is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)"
        value = value.strip(_HTTP_WHITESPACE)
        bad = _NOT_IN_A_HEADER.search(value)
        if bad is not None:
            return sent, (
                f"the value of header '{name}' holds {_character(bad.group())}, which a header cannot carry (only "
                "printable ASCII characters, spaces and tabs)"
            )
        sent[name] = value
    return sent, None


def _character(char: str) -> str:
    """A character for a message: by its code point, and as itself where it shows."""
    if char in "\r\n":
        return "a line break"
    shown = f" ({char})" if char.isprintable() and not char.isspace() else ""
    return f"the character U+{ord(char):04X}{shown}"


def _body_problem(exc: ValueError | TypeError) -> str:
    """Why a request body cannot be sent as JSON (httpx refuses NaN and Infinity, as JSON.stringify would not)."""
    if "Out of range float" in str(exc):
        return "the request body holds NaN or Infinity, which are not JSON numbers"
    if "Circular reference" in str(exc):
        return "the request body contains itself, which JSON cannot write"
    return "the request body holds a value that is not JSON"


_URL_WORDING: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), wording)
    for pattern, wording in (
        (r"Invalid port: '(?P<port>.*)'", "the port '{port}' is not a number"),
        (r"Invalid IPv4 address: '(?P<host>.*)'", "'{host}' is not an IPv4 address"),
        (r"Invalid IPv6 address: '(?P<host>.*)'", "'{host}' is not an IPv6 address"),
        (r"Invalid IDNA hostname: '(?P<host>.*)'", "'{host}' is not an international domain name"),
        (r"URL too long", "it is longer than 65,536 characters"),
    )
)
"""httpx's words for a URL it cannot parse, as a problem of the URL."""


def _url_problem(exc: Exception) -> str:
    """Why a URL cannot be parsed: httpx's reason reworded, or, where it has no wording here, its own text."""
    if isinstance(exc, UnicodeError):  # idna's error: the only ValueError parsing a URL raises
        return "its host name is not a valid domain name"
    return _reworded(_URL_WORDING, str(exc)) or cut(str(exc))


_BYTES_SHOWN = re.compile(r"bytearray\(b'(?P<text>[^']*)'\)|\bb'(?P<bare>[^']*)'")
"""Bytes as Python shows them in an HTTP library's message (`illegal status line: bytearray(b'GARBAGE')`)."""

_CLOSED_EARLY = "the server at {url} broke the connection: it closed it "
_PROTOCOL_WORDING: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), wording)
    for pattern, wording in (
        (
            r"Received server _SWITCH_UPGRADE event without a pending proposal",
            "the server at {url} switched to another protocol (status 101), which the request did not ask for",
        ),
        (
            r"Server disconnected without sending a response\.|peer unexpectedly closed connection",
            _CLOSED_EARLY + "without sending a whole response",
        ),
        (
            r"peer closed connection without sending complete message body "
            r"\(received (?P<got>\d+) bytes, expected (?P<length>\d+)\)",
            _CLOSED_EARLY + "after {got} of the {length} bytes its Content-Length announced",
        ),
        (r"peer closed connection .*incomplete chunked read", _CLOSED_EARLY + "in the middle of a chunked body"),
        (
            r"illegal status line: (?P<line>.*)",
            "the server at {url} sent no HTTP status line (such as HTTP/1.1 200 OK) but {line}",
        ),
        (
            r"illegal header line: (?P<line>.*)",
            "the server at {url} sent a header line that is not 'Name: value': {line}",
        ),
        (r"no response line received", "the server at {url} sent empty lines where its status line belongs"),
        (r"illegal request line", "the server at {url} answered with something that is not HTTP"),
        (r"continuation line at start of headers", "the first header line from {url} starts with a space"),
        (r"conflicting Content-Length headers", "the server at {url} sent Content-Length headers that disagree"),
        (r"bad Content-Length", "the server at {url} sent a Content-Length that is not a number of bytes"),
        (r"multiple Transfer-Encoding headers", "the server at {url} sent two Transfer-Encoding headers"),
        (
            r"Only Transfer-Encoding: chunked is supported",
            "the server at {url} sent a Transfer-Encoding other than chunked, the one an HTTP/1.1 client must read",
        ),
        (
            r"illegal chunk header: (?P<line>.*)",
            "the server at {url} sent a chunk that does not start with its size in hex: {line}",
        ),
        (
            r"malformed chunk footer: (?P<rest>.*) \(expected",
            "the server at {url} sent a chunk longer than its size says (it goes on with {rest})",
        ),
        (
            r"InformationalResponse status_code should be in range \[100, 200\), not (?P<status>\d+)",
            "the server at {url} sent status {status}, which is no HTTP status (100 to 999)",
        ),
    )
)
"""h11's and httpcore's words for a response that breaks HTTP, as what the server did wrong. A response head
larger than `RESPONSE_HEAD_LIMIT` ("Receive buffer too long") is worded by `_network_error`, which knows whether
the head had arrived."""


def _reworded(table: tuple[tuple[re.Pattern[str], str], ...], text: str, **names: str) -> str | None:
    """The wording of the first pattern of `table` that `text` matches, filled in with `names` and what the
    pattern picked out of `text` (shortened: a line of a response may be 100 KB long), or None."""
    for pattern, wording in table:
        found = pattern.search(text)
        if found is not None:
            picked = {name: cut(value) for name, value in found.groupdict().items()}
            return wording.format(**names, **picked)
    return None


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and the exceptions that caused it, outermost first (the first of an exception group's)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        if isinstance(current, BaseExceptionGroup) and current.exceptions:
            current = current.exceptions[0]
        else:
            current = current.__cause__ or current.__context__
    return chain


def _refused(exc: BaseException) -> bool:
    """Whether a connection was refused, somewhere in the chain of causes."""
    return any(isinstance(e, ConnectionRefusedError) or "refused" in str(e).lower() for e in _causes(exc))


def _connect_problem(exc: BaseException, url: str) -> str | None:
    """Why a connection could not be made, in words, from the socket's or TLS's error behind `exc`; None when
    neither says."""
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            why = str(cause.verify_message or cause.reason or "it cannot be verified").rstrip(".")
            return f"the certificate of {url} is not trusted: {why}"
        if isinstance(cause, ssl.SSLError):
            if cause.reason in ("WRONG_VERSION_NUMBER", "HTTP_REQUEST", "RECORD_LAYER_FAILURE"):
                return f"the server at {url} does not answer in TLS (https): is it an http server?"
            reason = (cause.reason or "no reason given").lower().replace("_", " ")
            return f"the TLS (https) handshake with {url} failed: {reason}"
        if isinstance(cause, socket.gaierror):
            if cause.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
                return f"the host of {url} was not found (no such name in DNS)"
            return f"the host name of {url} could not be looked up: {str(cause.strerror).lower()}"
        if isinstance(cause, OSError) and cause.strerror:
            return f"could not connect to {url}: {cause.strerror[:1].lower() + cause.strerror[1:]}"
    return None


def _network_error(exc: Exception, url: str, timeout: float, *, in_body: bool) -> str:
    """What went wrong with a request, in words (never an exception's class name, nor a library's own wording
    where it is known); `in_body` says the response's head had arrived."""
    import httpx  # loaded already: the request that failed was made with it

    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return f"timed out after {timeout:g} s waiting for {url}"
    if isinstance(exc, httpx.ConnectError) and _refused(exc):
        return f"connection refused to {url}"
    detail = _BYTES_SHOWN.sub(lambda m: f"'{m['text'] if m['text'] is not None else m['bare']}'", str(exc).strip())
    if isinstance(exc, httpx.RemoteProtocolError) and detail == "Receive buffer too long":
        limit = size_text(RESPONSE_HEAD_LIMIT)
        if in_body:
            return f"the server at {url} sent a chunk size line longer than {limit}"
        return f"the server at {url} sent response headers larger than {limit}, the most the workbench reads"
    if isinstance(exc, httpx.DecodingError):
        return f"the response from {url} could not be decompressed: its body is not what its Content-Encoding says"
    known: str | None = None
    if isinstance(exc, httpx.ProtocolError):
        known = _reworded(_PROTOCOL_WORDING, detail, url=url)
    elif isinstance(exc, httpx.ConnectError):
        known = _connect_problem(exc, url)
    if known is not None:
        return known
    what_went_wrong: tuple[tuple[type[Exception], str], ...] = (
        (httpx.ConnectError, "could not connect to {url}"),
        (httpx.RemoteProtocolError, "the server at {url} broke the connection"),
        (httpx.ReadError, "the connection to {url} broke while the response was read"),
        (httpx.WriteError, "the connection to {url} broke while the request was sent"),
        (httpx.ProxyError, "the proxy refused the request to {url}"),
        (httpx.TooManyRedirects, "too many redirects from {url}"),
        (httpx.LocalProtocolError, "the request to {url} could not be sent"),
    )
    what = next((what for kind, what in what_went_wrong if isinstance(exc, kind)), "the request to {url} failed")
    return what.format(url=url) + (f": {cut(detail, 200)}" if detail else "")


async def _read_body(response: httpx.Response, max_bytes: int) -> tuple[bytes, bool]:
    """The body of `response` (its head has arrived) up to `max_bytes`; the flag says it was cut off there."""
    import httpx  # loaded already: the response came through it

    try:
        declared = whole_number(response.headers.get("content-length", ""))
        if declared is not None and declared > max_bytes:
            return b"", True
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                chunks.append(chunk[: len(chunk) - (size - max_bytes)])
                return b"".join(chunks), True
            chunks.append(chunk)
        if not _decompressed_to_its_end(response):
            raise httpx.DecodingError("the compressed body ends before its end mark")
        return b"".join(chunks), False
    finally:
        await response.aclose()


def _decompressed_to_its_end(response: httpx.Response) -> bool:
    """Whether a gzip or deflate body (every one of its encodings) reached its end mark. httpx takes a cut-off
    compressed body for a shorter one (`x` with `Content-Encoding: gzip` for an empty body), where Node's fetch, as
    Chatlayer's runtime reads it, fails. httpx keeps its decoders in `_decoder` (one, or several as `children`);
    without that the check passes, as before."""
    decoder = getattr(response, "_decoder", None)
    return all(getattr(getattr(d, "decompressor", None), "eof", True) for d in getattr(decoder, "children", [decoder]))


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

    sent_headers, problem = _fetch_headers(dict(headers or {}))
    if not _TOKEN.fullmatch(method):
        problem = f"{json_text(method)} is not an HTTP method (one word, such as GET or POST)"
    if problem is not None:
        return done(error=problem)
    try:
        target = httpx.URL(_as_fetch_reads(url))
        problem = _check_url(target, url)
    except (httpx.InvalidURL, ValueError) as exc:  # ValueError: idna's, for a host name it cannot read
        problem = f"invalid URL '{url}': {_url_problem(exc)}"
    if problem is not None:
        return done(error=problem)
    try:
        request = client.build_request(
            method,
            target,
            headers=sent_headers,
            params=params,
            content=content,
            json=json_body if content is None else None,
            timeout=httpx.Timeout(timeout),
        )
    except httpx.InvalidURL as exc:  # the query made it too long
        return done(error=f"invalid URL '{url}': {_url_problem(exc)}")
    except (ValueError, TypeError) as exc:  # what JSON cannot write
        return done(error=_body_problem(exc))

    shown = str(request.url)
    response: httpx.Response | None = None
    try:
        async with asyncio.timeout(timeout):
            response = await client.send(request, stream=True)
            body, cut_off = await _read_body(response, max_bytes)
    except Exception as exc:  # every network problem becomes an error message, never an exception
        return done(request=request, error=_network_error(exc, shown, timeout, in_body=response is not None))
    if cut_off:
        return done(
            request=request,
            response=response,
            body=body,
            cut_off=True,
            error=f"response from {shown} larger than {size_text(max_bytes)}",
        )
    return done(request=request, response=response, body=body)
