"""A test's own server on 127.0.0.1 that answers every connection with whatever bytes the test sets, HTTP or not,
optionally over TLS: for what a misbehaving backend sends.

Importable as `raw_server` from any test (tests/ is on the path of every test run).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading


class RawServer:
    """Answers every connection on 127.0.0.1 with the bytes of `answer` (anything at all), then waits for the
    client to close it, or closes it itself when `close` is set; `received` holds the last request's bytes."""

    answer = b""
    close = False
    received = b""

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.context = context
        self.url = f"{'https' if context else 'http'}://127.0.0.1:{self.listener.getsockname()[1]}/x"
        threading.Thread(target=self._serve, name="raw server", daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError), connection:
            if self.context is not None:
                connection = self.context.wrap_socket(connection, server_side=True)
            connection.settimeout(10)
            self.received = connection.recv(65536)
            connection.sendall(self.answer)
            while not self.close and connection.recv(65536):
                pass

    def shut(self) -> None:
        """Stop listening."""
        self.listener.close()
