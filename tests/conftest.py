"""Test configuration shared by every test: Qt runs offscreen, QtWebEngine without its sandbox (we run as root)."""

import os
import socket
import textwrap
from collections.abc import Callable, Iterator

import pytest

from workbench.flow.loader import load_flow_text
from workbench.flow.model import Flow
from workbench.sample import start_sample_backend, stop_sample_backend

# Before any QApplication exists (the engine imported above never imports Qt).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")


@pytest.fixture
def flow_from() -> Callable[[str], Flow]:
    """Build a flow from YAML text (dedented); fails the test when the flow has errors."""

    def build(text: str, filename: str = "test_flow.yaml") -> Flow:
        result = load_flow_text(textwrap.dedent(text), filename)
        assert result.flow is not None, "\n".join(str(p) for p in result.errors)
        return result.flow

    return build


@pytest.fixture(scope="session")
def sample_backend() -> Iterator[str]:
    """The sample flow's backend (flows/train_ticket/backend.py) on a free port of 127.0.0.1: its base URL."""
    server, base_url = start_sample_backend()
    yield base_url
    stop_sample_backend(server)


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts connections (in its backlog) and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/x"
    sock.close()


@pytest.fixture
def closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def closed_url(closed_port: int) -> str:
    """A URL whose connection is refused."""
    return f"http://127.0.0.1:{closed_port}/x"
