"""Ctrl+C in the terminal stops `workbench open` and `workbench preview` the way closing the window does.

Each command runs in its own process, offscreen. It is up when the page or flow it shows asks this test's server on
127.0.0.1 for something; then it gets SIGINT and must exit with 130, without a traceback, within a bound.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

START_TIMEOUT = 60  # QtWebEngine's first start on a slow, busy machine
EXIT_TIMEOUT = 30

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is a POSIX signal")


class Server:
    """An HTTP server on 127.0.0.1 that answers every GET with a small page and notes that it was asked."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        asked = self.asked

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = b"<!DOCTYPE html><p>Up</p>" if self.path.endswith(".html") else b"{}"
                self.send_response(200)
                self.send_header("Content-Type", "text/html" if self.path.endswith(".html") else "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                asked.set()

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


def start(args: list[str], home: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),  # the window's settings go here, not into the user's
    }
    command = [sys.executable, "-m", "workbench.cli", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def interrupt_when_up(process: subprocess.Popen[str], server: Server) -> tuple[int, str]:
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not server.asked.wait(0.1):
            if process.poll() is not None:
                pytest.fail(f"exited with {process.returncode} before it was up:\n{process.communicate()[1]}")
            assert time.monotonic() < deadline, f"not up within {START_TIMEOUT} s"
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=EXIT_TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return process.returncode, err


def test_ctrl_c_closes_the_window_and_exits_with_130(server, tmp_path):
    flow = tmp_path / "ping.yaml"
    flow.write_text(
        "name: Ping\nstart: ping\nstates:\n"
        f"  ping: {{api: {{url: '{server.url}/up'}}, next: hello}}\n"
        "  hello: {say: Up}\n"
    )
    code, err = interrupt_when_up(start(["open", str(flow)], tmp_path), server)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert code == 130


def test_ctrl_c_closes_the_preview_and_exits_with_130(server, tmp_path):
    code, err = interrupt_when_up(start(["preview", f"{server.url}/page.html"], tmp_path), server)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert code == 130
