"""Test configuration shared by every test: Qt runs offscreen, QtWebEngine without its sandbox (we run as root).

The suite runs in parallel (pytest-xdist, `-n auto --dist loadgroup` in pyproject.toml). Each test process has its
own home for what Qt keeps between runs, its own temporary folders (pytest's) and its own servers on free ports;
session fixtures are set up once per process.
"""

import asyncio
import atexit
import os
import shutil
import socket
import tempfile
import textwrap
import threading
from collections.abc import Callable, Iterator

import pytest
from local_server import LocalServer

from workbench.flow.loader import load_flow_text
from workbench.flow.model import Flow
from workbench.sample import start_sample_backend, stop_sample_backend

# Before any QApplication exists (the engine imported above never imports Qt).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
# Settings, caches and QtWebEngine's data go to a folder of this process, never the user's (nor another worker's).
_HOME = tempfile.mkdtemp(prefix="workbench-tests-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
for _name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = os.path.join(_HOME, _name.lower())


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that share a module- or class-scoped fixture run in one process, so it is set up once (pytest-xdist's
    `loadgroup`): test_packaging's wheel, for one, is built in the checkout, and two builds at once would collide."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        scopes = {defs[-1].scope for defs in info.name2fixturedefs.values() if defs}
        if scopes & {"module", "class"}:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


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


class HeldServer(LocalServer):
    """A server on 127.0.0.1 that holds each request until the test releases it: `arrived` is set when a request
    is in, `release()` lets every request (held or to come) have its answer, `200 {}`."""

    name = "held server"

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self._released = threading.Event()
        super().__init__()

    def before_answer(self) -> None:
        """Held until released (at most a minute)."""
        self.arrived.set()
        self._released.wait(60)

    async def wait_arrived(self, timeout: float = 30) -> None:
        """Until a request has arrived (without blocking the event loop)."""
        assert await asyncio.to_thread(self.arrived.wait, timeout), f"no request reached {self.url}"

    def release(self) -> None:
        """Answer the held requests, and every later one at once."""
        self._released.set()

    def close(self) -> None:
        """Answer what is held and stop the server."""
        self.release()
        super().close()


@pytest.fixture
def held_server() -> Iterator[HeldServer]:
    """A server on 127.0.0.1 that answers only once the test says so: a request that is surely in flight."""
    server = HeldServer()
    yield server
    server.close()


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
