"""Images and other media in the chat. Images load only from files and the local machine; anything else
stays a placeholder with its address, so a preview never reaches the internet."""

from __future__ import annotations

import html
from urllib.parse import urlsplit

import shiboken6
from PySide6.QtCore import QObject, QSize, Qt, QUrl
from PySide6.QtGui import QFontMetrics, QGuiApplication, QPixmap
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest
from PySide6.QtWidgets import QLabel, QWidget

from workbench.gui.chat.style import make_label

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
IMAGE_SIZE = QSize(240, 160)
MEDIA_NAMES = {"image": "Image", "video": "Video", "audio": "Audio", "file": "File"}


def is_loadable(url: str) -> bool:
    """Whether the chat may fetch `url`: a file, or http(s) on this machine."""
    parts = urlsplit(url)
    return parts.scheme == "file" or (parts.scheme in ("http", "https") and parts.hostname in LOCAL_HOSTS)


def link_html(kind: str, url: str, width: int) -> str:
    """The media kind and the URL as a link, elided in the middle to about `width` pixels."""
    shown = QFontMetrics(QGuiApplication.font()).elidedText(url, Qt.TextElideMode.ElideMiddle, width)
    name = MEDIA_NAMES.get(kind, "Link")
    return f'{name}: <a href="{html.escape(url, quote=True)}">{html.escape(shown)}</a>'


class ImageView(QLabel):
    """An image scaled to fit `IMAGE_SIZE`, showing its URL as a link until (unless) it has loaded."""

    def __init__(self, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self.setObjectName("chatImage")
        self.setToolTip(url)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setOpenExternalLinks(True)
        self.setText(link_html("image", url, IMAGE_SIZE.width() - 60))

    @property
    def loaded(self) -> bool:
        """Whether the picture is shown (rather than the placeholder)."""
        pixmap = self.pixmap()
        return pixmap is not None and not pixmap.isNull()

    def show_pixmap(self, pixmap: QPixmap) -> None:
        """Show the picture, scaled down to fit."""
        if pixmap.width() > IMAGE_SIZE.width() or pixmap.height() > IMAGE_SIZE.height():
            pixmap = pixmap.scaled(
                IMAGE_SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        self.setPixmap(pixmap)


class ImageLoader(QObject):
    """Fills image views from files (at once) and from the local machine (asynchronously)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._network: QNetworkAccessManager | None = None

    def image(self, url: str) -> ImageView:
        """An image view for `url`, loading when the URL may be fetched."""
        view = ImageView(url)
        if not is_loadable(url):
            return view
        if urlsplit(url).scheme == "file":
            pixmap = QPixmap(QUrl(url).toLocalFile())
            if not pixmap.isNull():
                view.show_pixmap(pixmap)
            return view
        if self._network is None:
            self._network = QNetworkAccessManager(self)
        reply = self._network.get(QNetworkRequest(QUrl(url)))
        reply.finished.connect(lambda: self._arrived(reply, view))
        return view

    def _arrived(self, reply: QNetworkReply, view: ImageView) -> None:
        reply.deleteLater()
        if reply.error() != QNetworkReply.NetworkError.NoError or not shiboken6.isValid(view):
            return
        pixmap = QPixmap()
        if pixmap.loadFromData(reply.readAll()):
            view.show_pixmap(pixmap)


def media_view(media: dict[str, str], images: ImageLoader) -> QWidget:
    """An image for image media; a link with the media kind for video, audio and files."""
    kind, url = media.get("type", "image"), media.get("url", "")
    if kind == "image":
        return images.image(url)
    label = make_label(link_html(kind, url, IMAGE_SIZE.width()), rich=True)
    label.setToolTip(f"{kind}: {url}")
    return label
