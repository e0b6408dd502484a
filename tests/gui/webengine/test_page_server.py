"""The local page server: a folder's files, read-only, on 127.0.0.1, and nothing else."""

from pathlib import Path

import httpx
import pytest

from workbench.gui.iframe.page_server import PageServer, PageServers


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "flow" / "pages").mkdir(parents=True)
    (tmp_path / "flow" / "pages" / "seat picker.html").write_text("<p>seats</p>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    return tmp_path


def test_a_file_below_the_folder_is_served_uncached_with_its_query(site: Path):
    server = PageServer(site / "flow")
    try:
        url = server.url_for(site / "flow" / "pages" / "seat picker.html", "to=Ghent")
        assert url == f"{server.origin}/pages/seat%20picker.html?to=Ghent"
        assert server.origin.startswith("http://127.0.0.1:")
        response = httpx.get(url)
        assert response.text == "<p>seats</p>"
        assert response.headers["cache-control"] == "no-store"
    finally:
        server.close()


def test_nothing_outside_the_folder_and_no_listings(site: Path):
    server = PageServer(site / "flow")
    try:
        assert httpx.get(f"{server.origin}/pages/").status_code == 404
        assert httpx.get(f"{server.origin}/../secret.txt").status_code == 404
        assert httpx.get(f"{server.origin}/%2e%2e/secret.txt").status_code == 404
        with pytest.raises(ValueError):
            server.url_for(site / "secret.txt")
    finally:
        server.close()


def test_files_are_served_from_the_root_they_are_below_else_from_their_own_folder(site: Path):
    servers = PageServers()
    try:
        page = servers.url_for(site / "flow" / "pages" / "seat picker.html", root=site / "flow")
        assert page.endswith("/pages/seat%20picker.html")
        neighbour = servers.url_for(site / "secret.txt", root=site / "flow")
        assert neighbour.endswith("/secret.txt")
        assert httpx.get(neighbour).text == "secret"
        assert servers.url_for(site / "flow" / "pages" / "seat picker.html").endswith("/seat%20picker.html")
    finally:
        servers.close()
