"""Local iframe pages served over HTTP on 127.0.0.1, so that the host page can show them.

Why not `file:` URLs: the host page is an http page (it needs an http origin for postMessage to behave as on a
website), and Chromium refuses to load a `file:` page inside an http page. A small read-only server per folder gives
each flow's pages an ordinary `http://127.0.0.1:PORT` origin, as if the designer had hosted them, with `location.search`
and relative links working. Each server runs the standard library's threaded server in a daemon thread, so serving a
file never touches the asyncio loop, and the iframe works with or without one.
"""

from __future__ import annotations

import functools
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote


class _Handler(SimpleHTTPRequestHandler):
    """GET and HEAD of the files below one folder; no directories, hidden files or links that lead out of the
    folder, no caching, no logging."""

    def send_head(self) -> Any:
        """Refuse anything but a visible file that really lies below the folder, then serve it as usual."""
        refusal = _refusal(Path(self.translate_path(self.path)), Path(self.directory))
        if refusal is not None:
            self.send_error(HTTPStatus.NOT_FOUND, explain=refusal)
            return None
        return super().send_head()

    def list_directory(self, path: str | Path) -> None:
        self.send_error(HTTPStatus.NOT_FOUND)

    def end_headers(self) -> None:
        # A designer edits the page and reloads it: always serve the file as it is now.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _refusal(path: Path, folder: Path) -> str | None:
    """Why `path` (below `folder`, as the request named it) is not served, or None."""
    if any(part.startswith(".") for part in path.relative_to(folder).parts):
        return "Hidden files are not served"
    try:
        real = path.resolve(strict=True)
    except (OSError, ValueError):  # ValueError: a name no file can have (a NUL byte, a lone surrogate)
        return "There is no such file in the page's folder"
    if not real.is_relative_to(folder):
        return "A link that leads out of the page's folder is not followed"
    if not real.is_file():
        return "Only files are served, not folders"
    return None


class PageServer:
    """Serves the files below `folder`, read-only, at `http://127.0.0.1:<free port>/`, until `close()`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        handler = functools.partial(_Handler, directory=str(self.folder))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._serve, name=f"page server for {self.folder}", daemon=True).start()

    def _serve(self) -> None:
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    @property
    def origin(self) -> str:
        """The server's origin, e.g. `http://127.0.0.1:50123`."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url_for(self, path: Path, query: str = "") -> str:
        """The http URL of `path` (a file below the folder), with `query` (without its `?`) if any."""
        relative = path.resolve().relative_to(self.folder).as_posix()
        return f"{self.origin}/{quote(relative)}" + (f"?{query}" if query else "")

    def close(self) -> None:
        """Stop serving and free the port, without waiting: the server notices within half a second, and the
        window must not freeze meanwhile."""
        threading.Thread(target=self._server.shutdown, daemon=True).start()


class PageServers:
    """One `PageServer` per folder, each started when a file below it is first asked for."""

    def __init__(self) -> None:
        self._servers: dict[Path, PageServer] = {}

    def url_for(self, path: Path, query: str = "", root: Path | None = None) -> str:
        """The http URL of the file at `path`, served from `root` when the file is below it (so that the page
        may link to its neighbours in the flow's folder), else from the file's own folder."""
        path = path.resolve()
        folder = root.resolve() if root is not None and path.is_relative_to(root.resolve()) else path.parent
        server = self._servers.get(folder)
        if server is None:
            server = self._servers[folder] = PageServer(folder)
        return server.url_for(path, query)

    def close(self) -> None:
        """Stop every server."""
        for server in self._servers.values():
            server.close()
        self._servers.clear()
