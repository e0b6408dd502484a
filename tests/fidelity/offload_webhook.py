"""A webhook on 127.0.0.1 that plays the live chat platform of Chatlayer's offloading webhook
(integrations/human-offloading-live-chat/offloading-webhook.md) and records every request it gets."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

HEALTHY = {"status": "ok"}
OFFLOADED = {"offloadSuccess": True, "pauseBot": True}
VERIFY_TOKEN = "s3cret-token"


@dataclass(frozen=True)
class Received:
    """One request as the webhook saw it."""

    method: str
    query: dict[str, list[str]]
    body: Any


class WebhookServer(ThreadingHTTPServer):
    """The live chat platform: `health` answers the GET, `offload` the `event: offload` POST (the documented
    replies by default); `messages` POSTs get 200 with no body ("We do not expect a response body")."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.health: tuple[int, Any] = (200, HEALTHY)
        self.offload: tuple[int, Any] = (200, OFFLOADED)

    @property
    def url(self) -> str:
        """Where the webhook listens."""
        return f"http://127.0.0.1:{self.server_address[1]}/chatlayer/offloading"

    def posts(self, event: str | None = None) -> list[Any]:
        """The bodies of the POSTs received, in order (only those of `event` when given)."""
        with self.lock:
            bodies = [r.body for r in self.received if r.method == "POST"]
        return [b for b in bodies if event is None or b.get("event") == event]

    def requests(self) -> list[Received]:
        """Every request received, in order."""
        with self.lock:
            return list(self.received)


class _Handler(BaseHTTPRequestHandler):
    server: WebhookServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _record(self, method: str) -> Received:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        received = Received(method, parse_qs(urlsplit(self.path).query), json.loads(raw) if raw else None)
        with self.server.lock:
            self.server.received.append(received)
        return received

    def _answer(self, status: int, data: Any) -> None:
        body = b"" if data is None else json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """The health check."""
        self._record("GET")
        self._answer(*self.server.health)

    def do_POST(self) -> None:
        """`messages` and `offload` events."""
        received = self._record("POST")
        self._answer(*(self.server.offload if received.body.get("event") == "offload" else (200, None)))


@contextmanager
def running_webhook() -> Iterator[WebhookServer]:
    """A webhook server in a daemon thread for the duration of the block."""
    server = WebhookServer()
    thread = threading.Thread(target=server.serve_forever, name="offloading-webhook", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
