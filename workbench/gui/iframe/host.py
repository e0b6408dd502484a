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
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from string import Template
from typing import Any

from PySide6.QtCore import QFile, QIODevice, QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript
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
DIALOG_TEXT = 200
"""The most characters of a page's alert, confirm or prompt text that a notice repeats."""
PING_MS = 1000
HANG_SECONDS = 5
"""A page that answers no ping for this long (a script that never ends) is stopped."""
PAGE_HEAP_MB = 512
"""The JavaScript heap of the browser process that shows the pages: a page that fills it ends with a notice."""
ENDED = {
    QWebEnginePage.RenderProcessTerminationStatus.AbnormalTerminationStatus: "ended abnormally",
    QWebEnginePage.RenderProcessTerminationStatus.CrashedTerminationStatus: "crashed (out of memory?)",
    QWebEnginePage.RenderProcessTerminationStatus.KilledTerminationStatus: "was killed",
}


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


@functools.cache
def _limit_page_memory() -> None:
    """Bound the pages' JavaScript heap (else about 4 GB), while QtWebEngine has not started yet."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --js-flags=--max-old-space-size={PAGE_HEAP_MB}".strip()


def _bridge_script() -> QWebEngineScript:
    script = QWebEngineScript()
    script.setName("workbench iframe bridge")
    script.setSourceCode(_bridge_source())
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(BRIDGE_WORLD)
    script.setRunsOnSubFrames(False)
    return script


class _HostPage(QWebEnginePage):
    """The host page. A page's `alert`, `confirm` and `prompt` open no dialog: a modal one would stop the window
    (and any test) until someone closed it. Each is reported with `dialog` instead (`PageHost.notice`), and
    answered as if OK were pressed, so that a page asking before it leaves (`beforeunload`) never keeps the next
    page out."""

    dialog = Signal(str)

    def javaScriptAlert(self, securityOrigin: QUrl, msg: str) -> None:
        """Report the alert; the page goes on at once."""
        self.dialog.emit(_dialog_notice("alert", msg))

    def javaScriptConfirm(self, securityOrigin: QUrl, msg: str) -> bool:
        """Report the question and answer OK."""
        self.dialog.emit(_dialog_notice("confirm", msg))
        return True

    def javaScriptPrompt(self, securityOrigin: QUrl, msg: str, defaultValue: str) -> tuple[bool, str]:
        """Report the question and answer OK with the page's own default answer."""
        self.dialog.emit(_dialog_notice("prompt", msg))
        return True, defaultValue


def _dialog_notice(kind: str, text: str) -> str:
    shown = " ".join(text.split())
    if len(shown) > DIALOG_TEXT:
        shown = shown[:DIALOG_TEXT] + "…"
    return f"The page called {kind}('{shown}'): the workbench opens no dialogs and answered OK."


class _Inbox(QObject):
    """The object the bridge script calls over QWebChannel; its slot names are the script's calls."""

    posted = Signal(str, str)
    lost = Signal(int)
    loaded = Signal(str)

    @Slot(str, str)
    def post(self, origin: str, data: str) -> None:
        """The iframe's window posted `data` (as text) from `origin`."""
        self.posted.emit(origin, data)

    @Slot(int)
    def dropped(self, count: int) -> None:
        """The bridge dropped `count` messages the page posted faster than they could cross."""
        self.lost.emit(count)

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
    messages_dropped = Signal(int)
    """The page posted this many messages faster than they could reach the window: they were dropped."""
    notice = Signal(str)
    """Something the page did besides posting, in the user's terms: it called `alert`, `confirm` or `prompt` (and
    got OK without a dialog), it stopped responding and was stopped, or the browser process showing it ended."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _limit_page_memory()
        self._view = QWebEngineView(self)
        page = _HostPage(self._view)
        page.dialog.connect(self.notice)
        page.renderProcessTerminated.connect(self._on_renderer_ended)
        self._view.setPage(page)
        page.scripts().insert(_bridge_script())
        self._inbox = _Inbox(self)
        self._inbox.posted.connect(self._on_posted)
        self._inbox.loaded.connect(self.content_loaded)
        self._inbox.lost.connect(self._on_lost)
        self._channel = QWebChannel(page)
        self._channel.registerObject("workbench", self._inbox)
        page.setWebChannel(self._channel, BRIDGE_WORLD)
        self._servers = PageServers()
        self.destroyed.connect(self._servers.close)
        self._url = ""
        self._frame_url = ""
        self._html = ""
        self._unanswered: float | None = None
        """When the oldest unanswered ping went out."""
        self._stopping = False
        self._shown_again = False
        """The page was shown again after it hung (once: a page that hangs again stays stopped until `load`)."""
        # A page's script that never ends hangs the browser process that shows the host page too: nothing would
        # load there again. A ping that goes unanswered for HANG_SECONDS ends that process (see `_ping`).
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(PING_MS)
        self._watchdog.timeout.connect(self._ping)
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
        if not qurl.isValid() or (qurl.scheme() in ("http", "https") and not qurl.host()):
            raise ValueError(f"cannot show '{url}' in an iframe: it is not a valid URL")
        frame_url = url
        if qurl.isLocalFile():
            path = Path(qurl.toLocalFile())
            if not qurl.toLocalFile() or path.is_dir():
                raise ValueError(f"cannot show '{url}' in an iframe: it names a folder, not a file")
            frame_url = self._servers.url_for(path, qurl.query(QUrl.ComponentFormattingOption.FullyEncoded), root)
            if qurl.hasFragment():
                frame_url += "#" + qurl.fragment(QUrl.ComponentFormattingOption.FullyEncoded)
        self._url, self._frame_url = url, frame_url
        self._shown_again = False
        page = _host_template().substitute(
            url=html.escape(frame_url, quote=True),
            height=max(1, height or DEFAULT_HEIGHT),
            # The widget around the iframe is sized, so that the chat frame hugs a narrow page as on a phone.
            widget_width="auto" if width is None else f"calc({max(1, width)}px + 2 * var(--bubble-margin))",
            max_chars=MAX_BYTES + 1,
        )
        self._show(page)

    def clear(self) -> None:
        """Show nothing: the page in the iframe goes away and can post no more."""
        self._url = self._frame_url = ""
        self._show("")

    def _show(self, page: str) -> None:
        self._html = page
        if not self._watchdog.isActive():
            self._watchdog.start()
        self._view.setHtml(page, HOST_BASE_URL)

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

    def _on_posted(self, origin: str, data: str) -> None:
        if self._url:  # else what a page taken away posted just before it went
            self.message_posted.emit(origin, data)

    def _on_lost(self, count: int) -> None:
        if self._url:
            self.messages_dropped.emit(count)

    def _ping(self) -> None:
        page = self._view.page()
        now = time.monotonic()
        if self._unanswered is None:
            self._unanswered = now
        elif now - self._unanswered > HANG_SECONDS:
            if not self._stopping and page.renderProcessPid() > 0:
                self._stopping = True
                os.kill(page.renderProcessPid(), getattr(signal, "SIGKILL", signal.SIGTERM))
            return
        # Every tick pings, so that an answer lost to a navigation is made up for by the next one.
        frames = page.mainFrame().children() or [page.mainFrame()]
        frames[0].runJavaScript("0", BRIDGE_WORLD, self._on_answer)

    def _on_answer(self, _result: Any) -> None:
        self._unanswered = None

    def _on_renderer_ended(self, status: QWebEnginePage.RenderProcessTerminationStatus, _code: int) -> None:
        self._watchdog.stop()
        self._unanswered = None
        if not self._stopping:
            why = f"the browser process showing it {ENDED.get(status, 'ended')}"
            self.notice.emit(f"The page could not go on: {why}. Open it again to retry.")
            return
        self._stopping = False
        hung = f"The page stopped responding for {HANG_SECONDS} s (a script that never ends?) and was stopped"
        if self._shown_again:
            self.notice.emit(f"{hung} again. Open it again to retry.")
            return
        # Show the page (or the one asked for while it hung) once more, in a new process.
        self.notice.emit(f"{hung}, then loaded again.")
        self._shown_again = True
        self._show(self._html)
