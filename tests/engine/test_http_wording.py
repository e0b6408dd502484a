"""A request that fails says what went wrong in HTTP's terms, never in the words of the library that noticed it
(h11, httpcore, httpx, ssl, the socket): a server that breaks HTTP on 127.0.0.1 is named with what it did wrong,
and a request the flow or a code action builds that HTTP cannot carry is refused before it is sent, saying which
part and why. Header values are sent as node-fetch sends them, without spaces at their ends."""

from __future__ import annotations

import asyncio
import gzip
import math
import re
import shutil
import ssl
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import brotli
import httpcore
import httpx
import pytest
from raw_server import RawServer

from workbench.engine import http_port

LIBRARY_WORDS = re.compile(
    r"Receive buffer|_SWITCH_UPGRADE|peer |Server disconnected|illegal|Illegal|bytearray|b'|Errno|_ssl\.c|SSL:|"
    r"codec|ordinal|TaskGroup|not JSON compliant|serializable|Invalid|status_code"
)
"""What the libraries say that must not reach the user."""


@pytest.fixture(scope="module")
def server() -> Iterator[RawServer]:
    """The misbehaving backend, on a port of its own."""
    backend = RawServer()
    yield backend
    backend.shut()


def requested(url: str, **request: Any) -> http_port.HttpResult:
    """The result of one request (GET unless `request` says otherwise), on a client of its own."""

    async def go() -> http_port.HttpResult:
        async with httpx.AsyncClient(verify=ssl.create_default_context()) as client:
            return await http_port.perform(client, **{"method": "GET", "url": url, "timeout": 5, **request})

    return asyncio.run(go())


def error_after(server: RawServer, answer: bytes, *, close: bool = False, **request: Any) -> str:
    """The error of a request that `server` answered with `answer` (closing the connection after it if
    `close`); fails the test when the error is missing or in a library's words."""
    server.answer, server.close = answer, close
    result = requested(server.url, **request)
    assert result.error is not None
    assert not LIBRARY_WORDS.search(result.error), result.error
    return result.error.replace(server.url, "URL")


def headers_of(size: int) -> bytes:
    """A 200 response whose headers take about `size` bytes."""
    return b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * size + b"\r\nContent-Length: 2\r\n\r\n{}"


def test_the_limit_on_response_headers_is_httpcores() -> None:
    assert http_port.RESPONSE_HEAD_LIMIT == httpcore.AsyncHTTP11Connection.MAX_INCOMPLETE_EVENT_SIZE == 100 * 2**10


def test_response_headers_far_over_100_kb_are_named_with_the_limit(server: RawServer) -> None:
    # h11 measures a head only while it is incomplete, and httpcore reads 64 KB at a time: a head a little over
    # 100 KB may arrive whole and pass, one of 200 KB never does.
    assert error_after(server, headers_of(200 * 2**10)) == (
        "the server at URL sent response headers larger than 100 KB, the most the workbench reads"
    )
    server.answer = headers_of(99 * 2**10 - 100)
    assert requested(server.url).ok


def test_a_server_that_switches_protocols_unasked_is_named(server: RawServer) -> None:
    switch = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
    assert error_after(server, switch) == (
        "the server at URL switched to another protocol (status 101), which the request did not ask for"
    )


CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
GZIPPED = gzip.compress(b'{"session": {"data": {"city": "Ghent"}}}')


@pytest.mark.parametrize(
    ("answer", "close", "said"),
    [
        (b"", True, "the server at URL broke the connection: it closed it without sending a whole response"),
        (b"HTTP/1.1 200 OK\r\nContent-Le", True, "the server at URL broke the connection: it closed it without "
         "sending a whole response"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}", True, "the server at URL broke the connection: it "
         "closed it after 2 of the 10 bytes its Content-Length announced"),
        (CHUNKED + b"5\r\n{}", True, "the server at URL broke the connection: it closed it in the middle of a "
         "chunked body"),
        (b"GARBAGE\r\n\r\n", False, "the server at URL sent no HTTP status line (such as HTTP/1.1 200 OK) but "
         "'GARBAGE'"),
        (b"\r\n\r\n", False, "the server at URL sent empty lines where its status line belongs"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", False, "the server at URL sent a header line that is not "
         "'Name: value': 'no colon here'"),
        (b"HTTP/1.1 200 OK\r\n folded\r\n\r\n", False, "the first header line from URL starts with a space"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", False, "the server at URL sent "
         "Content-Length headers that disagree"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\n{}", False, "the server at URL sent a Content-Length "
         "that is not a number of bytes"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", False,
         "the server at URL sent two Transfer-Encoding headers"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n{}", False, "the server at URL sent a "
         "Transfer-Encoding other than chunked, the one an HTTP/1.1 client must read"),
        (CHUNKED + b"zz\r\n{}\r\n0\r\n\r\n", False, "the server at URL sent a chunk that does not start with its "
         "size in hex: 'zz\\r\\n'"),
        (CHUNKED + b"2\r\n{}XX0\r\n\r\n", False, "the server at URL sent a chunk longer than its size says (it "
         "goes on with 'XX')"),
        (CHUNKED + b"0" * (101 * 2**10), False, "the server at URL sent a chunk size line longer than 100 KB"),
        (b"HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\n{}", False, "the server at URL sent status 99, which is "
         "no HTTP status (100 to 999)"),
        (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 7\r\n\r\nnotgzip", False, "the response "
         "from URL could not be decompressed: its body is not what its Content-Encoding says"),
        (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\n" + GZIPPED[:10], False,
         "the response from URL could not be decompressed: its body is not what its Content-Encoding says"),
        (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 1\r\n\r\nx", False, "the response "
         "from URL could not be decompressed: its body is not what its Content-Encoding says"),
        (b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: 1\r\n\r\nx", False, "the response "
         "from URL could not be decompressed: its body is not what its Content-Encoding says"),
    ],
    ids=[
        "nothing", "half a head", "short body", "cut chunk", "no status line", "empty lines", "no colon",
        "folded first header", "two lengths", "length no number", "two transfer encodings", "gzip transfer",
        "chunk size no hex", "chunk too long", "chunk size line over 100 KB", "status 99", "not gzip",
        "gzip cut off", "one byte of gzip", "one byte of deflate",
    ],
)  # fmt: skip
def test_a_response_that_breaks_http_says_what_the_server_did_wrong(
    server: RawServer, answer: bytes, close: bool, said: str
) -> None:
    assert error_after(server, answer, close=close) == said


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("gzip", GZIPPED),
        ("deflate", zlib.compress(b'{"ok": 1}')),
        ("deflate", zlib.compress(b'{"ok": 1}')[2:-4]),
        ("br", brotli.compress(b'{"ok": 1}')),
    ],
    ids=["gzip", "zlib deflate", "raw deflate", "brotli"],
)
def test_a_whole_compressed_body_is_read(server: RawServer, encoding: str, body: bytes) -> None:
    server.answer = b"HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\nContent-Length: %d\r\n\r\n%s" % (
        encoding.encode(),
        len(body),
        body,
    )
    result = requested(server.url)
    assert result.error is None
    assert result.body == (gzip.decompress(body) if encoding == "gzip" else b'{"ok": 1}')


def test_https_to_a_server_that_speaks_plain_http_is_named(server: RawServer) -> None:
    server.answer, server.close = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", True
    url = server.url.replace("http://", "https://")
    error = requested(url).error
    assert error == f"the server at {url} does not answer in TLS (https): is it an http server?"


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RawServer]:
    """An https server on 127.0.0.1 with a certificate of its own making (openssl makes it)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    folder: Path = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    backend = RawServer(context)
    yield backend
    backend.shut()


def test_an_untrusted_certificate_is_named_with_the_reason(self_signed: RawServer) -> None:
    error = requested(self_signed.url).error
    assert re.fullmatch(
        f"the certificate of {re.escape(self_signed.url)} is not trusted: self.signed certificate", error
    )


@pytest.mark.parametrize(
    ("headers", "said"),
    [
        ({"X-Note": "a\nb"}, "the value of header 'X-Note' holds a line break, which a header cannot carry (only "
         "printable ASCII characters, spaces and tabs)"),
        ({"X-Note": "a\x00b"}, "the value of header 'X-Note' holds the character U+0000, which a header cannot "
         "carry (only printable ASCII characters, spaces and tabs)"),
        ({"X-Note": "café"}, "the value of header 'X-Note' holds the character U+00E9 (é), which a header cannot "
         "carry (only printable ASCII characters, spaces and tabs)"),
        ({"X Note": "a"}, "\"X Note\" is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)"),
        ({"Café": "a"}, "\"Café\" is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)"),
    ],
    ids=["line break", "nul", "not ascii", "space in name", "name not ascii"],
)  # fmt: skip
def test_a_header_http_cannot_carry_is_refused_before_sending(
    server: RawServer, headers: dict[str, str], said: str
) -> None:
    server.received = b""
    result = requested(server.url, headers=headers)
    assert result.error == said
    assert server.received == b""


def test_header_values_are_sent_without_spaces_at_their_ends_as_node_fetch_sends_them(server: RawServer) -> None:
    server.answer, server.close = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", True
    result = requested(server.url, headers={"Authorization": "Bearer ", "X-Note": "\t a  b \r\n"})
    assert result.ok
    assert b"\r\nAuthorization: Bearer\r\n" in server.received and b"\r\nX-Note: a  b\r\n" in server.received


@pytest.mark.parametrize("method", ["GE T", "G\nET", "", "É"])
def test_a_method_that_is_no_word_is_refused_before_sending(server: RawServer, method: str) -> None:
    error = requested(server.url, method=method).error
    assert error is not None and error.endswith(" is not an HTTP method (one word, such as GET or POST)")


def itself() -> list[object]:
    """A list that holds itself (YAML anchors can make one)."""
    loop: list[object] = []
    loop.append(loop)
    return loop


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"price": math.nan}, "the request body holds NaN or Infinity, which are not JSON numbers"),
        ({"price": math.inf}, "the request body holds NaN or Infinity, which are not JSON numbers"),
        ({"when": {1, 2}}, "the request body holds a value that is not JSON"),
        (itself(), "the request body contains itself, which JSON cannot write"),
    ],
    ids=["nan", "infinity", "a set", "itself"],
)
def test_a_body_json_cannot_write_is_refused_in_jsons_terms(server: RawServer, body: object, said: str) -> None:
    assert requested(server.url, method="POST", json_body=body).error == said


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://127.0.0.1:99999/", "port 99999 is not between 0 and 65535"),
        ("http://127.0.0.1:port/", "the port 'port' is not a number"),
        ("http://1.2.3.999/", "'1.2.3.999' is not an IPv4 address"),
        ("http://[zz]/", "'[zz]' is not an IPv6 address"),
        ("http://xn--zz.example/", "its host name is not a valid domain name"),
    ],
)
def test_a_url_that_cannot_be_parsed_says_why_in_a_urls_terms(url: str, said: str) -> None:
    assert requested(url).error == f"invalid URL '{url}': {said}"
