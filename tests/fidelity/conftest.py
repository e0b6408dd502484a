"""The fidelity tests' backend fixture (see helpers.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest

from .helpers import Backend, Handler


@pytest.fixture
def backend() -> Iterator[Backend]:
    """A fresh backend on a free port of 127.0.0.1."""
    state = Backend()
    handler = type("Handler", (Handler,), {"backend": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()
