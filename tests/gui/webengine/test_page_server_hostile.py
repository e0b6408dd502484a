"""The local page server under attack: only visible files that really lie below its folder are served; every
other request gets a 404 page that says why, and the server never prints a traceback."""

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from workbench.gui.iframe.page_server import PageServer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PageServer]:
    """A server of tmp_path/flow, beside a secret.txt it must never serve, with links in and out of it."""
    flow = tmp_path / "flow"
    (flow / "pages").mkdir(parents=True)
    (flow / "page.html").write_text("<p>page</p>", encoding="utf-8")
    (flow / "pages" / "index.html").write_text("<p>index</p>", encoding="utf-8")
    (flow / ".env").write_text("TOKEN=1", encoding="utf-8")
    (flow / ".git").mkdir()
    (flow / ".git" / "config").write_text("[core]", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", flow / "secret_link.txt")
    os.symlink(tmp_path, flow / "parent_link")
    os.symlink(flow / "page.html", flow / "page_link.html")
    served = PageServer(flow)
    yield served
    served.close()


def get(server: PageServer, path: str) -> httpx.Response:
    """GET `path` exactly as written (no client-side normalising of `..` or `%2e`)."""
    host, port = server.origin.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
        raw = b"".join(iter(lambda: connection.recv(65536), b""))
    head, _, body = raw.partition(b"\r\n\r\n")
    return httpx.Response(int(head.split()[1]), content=body)


@pytest.mark.parametrize("path", ["/page.html", "/page_link.html", "/page.html?x=%00"])
def test_a_file_below_the_folder_and_a_link_that_stays_inside_are_served(server: PageServer, path: str):
    assert get(server, path).text == "<p>page</p>"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/../secret.txt", "There is no such file in the page's folder"),
        ("/%2e%2e/secret.txt", "There is no such file in the page's folder"),
        ("/%2E%2E%2Fsecret.txt", "There is no such file in the page's folder"),
        ("//etc/passwd", "There is no such file in the page's folder"),
        ("/secret_link.txt", "A link that leads out of the page's folder is not followed"),
        ("/parent_link/secret.txt", "A link that leads out of the page's folder is not followed"),
        ("/.env", "Hidden files are not served"),
        ("/.git/config", "Hidden files are not served"),
        ("/pages/", "Only files are served, not folders"),
        ("/pages", "Only files are served, not folders"),
        ("/", "Only files are served, not folders"),
        ("/page.html%00", "There is no such file in the page's folder"),
        ("/%ed%a0%80", "There is no such file in the page's folder"),
    ],
)
def test_anything_else_is_not_found_with_the_reason(
    server: PageServer, path: str, reason: str, capfd: pytest.CaptureFixture[str]
):
    response = get(server, path)
    assert response.status_code == 404
    assert f"{reason}." in response.text
    assert "secret" not in response.text
    assert "Traceback" not in capfd.readouterr().err
