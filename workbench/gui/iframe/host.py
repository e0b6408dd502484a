"""`PageHost`: a browser view whose host page shows any URL in a real `<iframe>` and reports what it posts.

The host page (`resources/iframe_host.html`) plays the part of Chatlayer's web widget: the page in the iframe talks to
it with `window.parent.postMessage(...)` exactly as on a website. The bridge script (`resources/iframe_bridge.js`,
after Qt's `qwebchannel.js`) runs in an isolated JavaScript world of the host page, forwards only what the iframe's
own window posts, and calls the Python object registered on the page's `QWebChannel`. Importing this module starts
nothing; the first `PageHost` starts QtWebEngine.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from pathlib import Path
from string import Template
from typing import Any

from PySide6.QtCore import QFile, QIODevice, QObject, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from workbench.bundled import resource_text
from workbench.engine.iframe_messages import MAX_BYTES
from workbench.gui.iframe.page_server import PageServers

HOST_BASE_URL = QUrl("http://workbench.invalid/")
"""The host page's address: `.invalid` is reserved, so no page in the iframe can ever share its origin."""
BRIDGE_WORLD = QWebEngineScript.ScriptWorldId.ApplicationWorld
DEFAULT_HEIGHT = 300
SCHEMES = ("http", "https", "file", "data", "about")


@functools.cache
def _host_template() -> Template:
    return Template(resource_text("iframe_host.html"))


@functools.cache
def _bridge_source() -> str:
    channel_js = QFile(":/qtwebchannel/qwebchannel.js")
    if not channel_js.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("Qt's qwebchannel.js resource is missing")
    source = bytes(channel_js.readAll().data()).decode("utf-8")
    channel_js.close()
    return source + "\n" + resource_text("iframe_bridge.js")


def _bridge_script() -> QWebEngineScript:
    script = QWebEngineScript()
    script.setName("workbench iframe bridge")
    script.setSourceCode(_bridge_source())
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(BRIDGE_WORLD)
    script.setRunsOnSubFrames(False)
    return script


class _Inbox(QObject):
    """The object the bridge script calls over QWebChannel; its slot names are the script's calls."""

    posted = Signal(str, str)
    loaded = Signal(str)

    @Slot(str, str)
    def post(self, origin: str, data: str) -> None:
        """The iframe's window posted `data` (as text) from `origin`."""
        self.posted.emit(origin, data)

    @Slot(str)
    def content_loaded(self, url: str) -> None:
        """The iframe finished loading `url`."""
        self.loaded.emit(url)


class PageHost(QWidget):
    """Shows a URL inside the host page's iframe and reports every message the iframe's window posts."""

    message_posted = Signal(str, str)
    """(origin, data): the page in the iframe posted `data` (a string, or an object as JSON) from `origin`."""
    content_loaded = Signal(str)
    """The iframe finished loading the URL it was given (also after the page navigates or fails to load)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view = QWebEngineView(self)
        page = self._view.page()
        page.scripts().insert(_bridge_script())
        self._inbox = _Inbox(self)
        self._inbox.posted.connect(self.message_posted)
        self._inbox.loaded.connect(self.content_loaded)
        self._channel = QWebChannel(page)
        self._channel.registerObject("workbench", self._inbox)
        page.setWebChannel(self._channel, BRIDGE_WORLD)
        self._servers = PageServers()
        self.destroyed.connect(self._servers.close)
        self._url = ""
        self._frame_url = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)

    @property
    def url(self) -> str:
        """The URL last given to `load` ("" when nothing is shown)."""
        return self._url

    @property
    def frame_url(self) -> str:
        """The URL the iframe loads: `url`, or for a `file:` URL its address on a local page server."""
        return self._frame_url

    def load(self, url: str, height: int | None = None, root: Path | None = None, *, width: int | None = None) -> None:
        """Show `url` (http, https, file, data or about) in the iframe, `height` CSS pixels high and `width` wide
        (None: as wide as the view allows). A `file:` page is served from `root` when it lies below it (the flow's
        folder), else from its own folder. Raises ValueError for any other kind of URL."""
        qurl = QUrl(url)
        if qurl.scheme() not in SCHEMES:
            raise ValueError(f"cannot show '{url}' in an iframe: expected an http(s) or file URL")
        frame_url = url
        if qurl.isLocalFile():
            frame_url = self._servers.url_for(
                Path(qurl.toLocalFile()), qurl.query(QUrl.ComponentFormattingOption.FullyEncoded), root
            )
        self._url, self._frame_url = url, frame_url
        page = _host_template().substitute(
            url=html.escape(frame_url, quote=True),
            height=max(1, height or DEFAULT_HEIGHT),
            # The widget around the iframe is sized, so that the chat frame hugs a narrow page as on a phone.
            widget_width="auto" if width is None else f"calc({max(1, width)}px + 2 * var(--bubble-margin))",
            max_chars=MAX_BYTES + 1,
        )
        self._view.setHtml(page, HOST_BASE_URL)

    def clear(self) -> None:
        """Show nothing: the page in the iframe goes away and can post no more."""
        self._url = self._frame_url = ""
        self._view.setHtml("", HOST_BASE_URL)

    def run_js(self, script: str, callback: Callable[[Any], None] | None = None, *, in_frame: bool = False) -> None:
        """Run `script` in the host page, or with `in_frame` in the page inside the iframe (for tests and
        diagnostics); `callback` gets the value of its last expression. Runs in the page's own JavaScript world,
        where the bridge is out of reach."""
        main = self._view.page().mainFrame()
        frames = main.children() if in_frame else [main]
        if not frames:
            raise RuntimeError("the host page has no iframe (yet)")
        world = QWebEngineScript.ScriptWorldId.MainWorld
        if callback is None:
            frames[0].runJavaScript(script, world)
        else:
            frames[0].runJavaScript(script, world, callback)
