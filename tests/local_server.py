"""A test's own HTTP server on 127.0.0.1 that answers every GET and POST `200` (`{}` or what the test sets), on
a thread of its own.

Importable as `local_server` from any test (tests/ is on the path of every test run).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer:
    """Answers every request `200` with the bytes of `body` (JSON: `{}` unless changed) once `before_answer`
    returns; `url` is where it listens."""

    protocol_version = "HTTP/1.0"
    body = b"{}"
    name = "local server"

    def __init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = owner.protocol_version

            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.before_answer()
                body = owner.body
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, name=self.name, daemon=True).start()

    def before_answer(self) -> None:
        """What happens to each request before its answer, on the request's thread: nothing here."""

    def close(self) -> None:
        """Stop the server."""
        self.httpd.shutdown()
        self.httpd.server_close()
