"""A small backend for the train ticket flow, with endpoints for trying out what goes wrong (stdlib only).

Run it with `python flows/train_ticket/backend.py --port 8765`, or from Python with
`server, base_url = start_backend(port=0)` (a daemon thread) and `stop(server)`.

Endpoints:
- `POST /tickets` `{to, date, passengers, email}` → 201 in Chatlayer's format: the booking in the `booking`
  session namespace (`ticket_id` T-1, T-2… per server, `to`, `price`; the price is null for a city the price
  table does not know) and a text message. 400 when `to` is missing.
- `GET /price?to=CITY` → `{to, distance_km}` for Brussels, Antwerp, Ghent, Bruges; 404 for another city.
- `GET|POST|PUT|PATCH|DELETE /echo` → what was received: `{method, path, query, headers, body, json}`.
- `POST /mirror?status=N` → the request's body sent back as the response (status N, default 200), to play
  any Chatlayer response.
- `GET /slow?seconds=S` → sleeps S seconds, then answers. `/status/<code>` (any method) → that status with
  a JSON error. `GET /garbage` → 200 that is not JSON. `GET /big?mb=N` → 200 with an N MB body (default 6;
  add `&chunked=1` for no Content-Length). `GET /empty` → 204.
- `GET /offload?challenge.verifyToken=…` → `{"status": "ok", "challenge": …}` when the token matches the
  server's (default `workbench`), 403 otherwise (Chatlayer's offloading webhook health check). `POST /offload`
  records the JSON it receives and answers an `offload` event with `{"offloadSuccess": true, "pauseBot": true}`;
  `GET /offload/events` lists them, `DELETE /offload/events` forgets them.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DISTANCES_KM: dict[str, int] = {"Brussels": 50, "Antwerp": 45, "Ghent": 60, "Bruges": 100}
PRICE_PER_KM = 0.2
DEFAULT_VERIFY_TOKEN = "workbench"
_CHUNK = b"x" * 65536


class BackendServer(ThreadingHTTPServer):
    """The HTTP server with the backend's state: ticket numbers and the offload events received."""

    daemon_threads = True

    def __init__(self, port: int = 0, verify_token: str = DEFAULT_VERIFY_TOKEN) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.verify_token = verify_token
        self.lock = threading.Lock()
        self.tickets = 0
        self.offload_events: list[Any] = []

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeouts, oversized answers cut off) are normal here: no traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def next_ticket(self) -> str:
        """A new ticket id: T-1, T-2…"""
        with self.lock:
            self.tickets += 1
            return f"T-{self.tickets}"


class Handler(BaseHTTPRequestHandler):
    """Routes requests to the endpoints listed in the module docstring."""

    server: BackendServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and benchmarks run thousands of requests."""

    # --- plumbing -----------------------------------------------------------------------------------------

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        if body or status != HTTPStatus.NO_CONTENT:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode())

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": message, "status": status})

    def _route(self, method: str) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        body = self._body()
        path = url.path.rstrip("/") or "/"
        if path == "/echo":
            return self._echo(method, url.path, url.query, body)
        handler = ROUTES.get((method, path))
        if handler is not None:
            return handler(self, query, body)
        if path.startswith("/status/"):
            return self._status(path.removeprefix("/status/"))
        return self._error(404, f"no endpoint {method} {url.path}")

    def do_GET(self) -> None:
        """Answer a GET."""
        self._route("GET")

    def do_POST(self) -> None:
        """Answer a POST."""
        self._route("POST")

    def do_PUT(self) -> None:
        """Answer a PUT."""
        self._route("PUT")

    def do_PATCH(self) -> None:
        """Answer a PATCH."""
        self._route("PATCH")

    def do_DELETE(self) -> None:
        """Answer a DELETE."""
        self._route("DELETE")

    # --- endpoints ----------------------------------------------------------------------------------------

    def _tickets(self, query: dict[str, str], body: bytes) -> None:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return self._error(400, "the body is not JSON")
        if not isinstance(data, dict) or not data.get("to"):
            return self._error(400, "'to' is missing")
        to = str(data["to"])
        try:
            passengers = max(1, int(data.get("passengers") or 1))
        except (TypeError, ValueError):
            passengers = 1
        distance = DISTANCES_KM.get(to)
        price = round(distance * PRICE_PER_KM * passengers, 2) if distance is not None else None
        ticket = self.server.next_ticket()
        booking = {
            "ticket_id": ticket,
            "to": to,
            "date": data.get("date"),
            "passengers": passengers,
            "email": data.get("email"),
            "price": price,
        }
        text = f"Ticket {ticket} to {to} is booked."
        answer = {
            "session": {"namespace": "booking", "data": booking},
            "messages": [{"type": "text", "config": {"textMessages": [text]}}],
        }
        return self._json(201, answer)

    def _price(self, query: dict[str, str], body: bytes) -> None:
        to = query.get("to", "")
        if to not in DISTANCES_KM:
            return self._error(404, f"we do not go to {to!r}")
        return self._json(200, {"to": to, "distance_km": DISTANCES_KM[to]})

    def _echo(self, method: str, path: str, query: str, body: bytes) -> None:
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        received = {
            "method": method,
            "path": path,
            "query": {k: v if len(v) > 1 else v[0] for k, v in parse_qs(query, keep_blank_values=True).items()},
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": body.decode("utf-8", errors="replace"),
            "json": parsed,
        }
        return self._json(200, received)

    def _mirror(self, query: dict[str, str], body: bytes) -> None:
        status = int(query.get("status", "200"))
        return self._send(status, body, self.headers.get("Content-Type") or "application/json")

    def _slow(self, query: dict[str, str], body: bytes) -> None:
        seconds = float(query.get("seconds", "1"))
        time.sleep(seconds)
        return self._json(200, {"slept": seconds})

    def _status(self, code: str) -> None:
        if not code.isdigit() or not 200 <= int(code) <= 599:
            return self._error(400, f"not a status code: {code!r}")
        status = int(code)
        if status == HTTPStatus.NO_CONTENT:
            return self._send(204, b"")
        phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Status"
        return self._error(status, f"{status} {phrase}")

    def _garbage(self, query: dict[str, str], body: bytes) -> None:
        return self._send(200, b"<html>this is not JSON {", "text/html")

    def _big(self, query: dict[str, str], body: bytes) -> None:
        size = int(float(query.get("mb", "6")) * 2**20)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if query.get("chunked"):
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        chunked = bool(query.get("chunked"))
        try:
            sent = 0
            while sent < size:
                piece = _CHUNK[: size - sent]
                if chunked:
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                else:
                    self.wfile.write(piece)
                sent += len(piece)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _empty(self, query: dict[str, str], body: bytes) -> None:
        return self._send(204, b"")

    def _offload_verify(self, query: dict[str, str], body: bytes) -> None:
        if query.get("challenge.verifyToken") != self.server.verify_token:
            return self._json(403, {"status": "error", "error": "challenge.verifyToken does not match"})
        return self._json(200, {"status": "ok", "challenge": query.get("challenge", "")})

    def _offload_receive(self, query: dict[str, str], body: bytes) -> None:
        try:
            event = json.loads(body or b"null")
        except ValueError:
            return self._error(400, "the body is not JSON")
        with self.server.lock:
            self.server.offload_events.append(event)
        if isinstance(event, dict) and event.get("event") == "offload":
            return self._json(200, {"offloadSuccess": True, "pauseBot": True})
        return self._send(200, b"")

    def _offload_events(self, query: dict[str, str], body: bytes) -> None:
        with self.server.lock:
            events = list(self.server.offload_events)
        return self._json(200, events)

    def _offload_forget(self, query: dict[str, str], body: bytes) -> None:
        with self.server.lock:
            self.server.offload_events.clear()
        return self._json(200, {"status": "ok"})


ROUTES: dict[tuple[str, str], Any] = {
    ("POST", "/tickets"): Handler._tickets,
    ("GET", "/price"): Handler._price,
    ("POST", "/mirror"): Handler._mirror,
    ("GET", "/slow"): Handler._slow,
    ("GET", "/garbage"): Handler._garbage,
    ("GET", "/big"): Handler._big,
    ("GET", "/empty"): Handler._empty,
    ("GET", "/offload"): Handler._offload_verify,
    ("POST", "/offload"): Handler._offload_receive,
    ("GET", "/offload/events"): Handler._offload_events,
    ("DELETE", "/offload/events"): Handler._offload_forget,
}


def start_backend(port: int = 0, verify_token: str = DEFAULT_VERIFY_TOKEN) -> tuple[BackendServer, str]:
    """Start the backend on 127.0.0.1 in a daemon thread (port 0: a free one); returns it and its base URL."""
    server = BackendServer(port, verify_token)
    thread = threading.Thread(target=server.serve_forever, name="train-ticket-backend", daemon=True)
    thread.start()
    return server, server.base_url


def stop(server: BackendServer) -> None:
    """Stop a backend started with `start_backend` and free its port."""
    server.shutdown()
    server.server_close()


def main(argv: list[str] | None = None) -> None:
    """Run the backend in the foreground until Ctrl+C."""
    parser = argparse.ArgumentParser(description="The train ticket flow's backend, on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--verify-token", default=DEFAULT_VERIFY_TOKEN, help="the offload webhook's token")
    args = parser.parse_args(argv)
    server = BackendServer(args.port, args.verify_token)
    print(f"train ticket backend on {server.base_url} (Ctrl+C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
