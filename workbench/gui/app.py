"""Starting the window: the QApplication, the palette, the qasync loop, the flow to open."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from workbench.gui.main_window import MainWindow

ORGANIZATION = "Flow Workbench"
APPLICATION = "Flow Workbench"


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style, used when the system asks for a dark scheme."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2b",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1f1f1f",
        QPalette.ColorRole.AlternateBase: "#2a2a2a",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#353535",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#353535",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.Link: "#7aa7f0",
        QPalette.ColorRole.PlaceholderText: "#8a8a8a",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    return palette


def follow_system_scheme(app: QApplication) -> None:
    """Use the system's light or dark scheme, now and when it changes."""
    app.setStyle("Fusion")
    hints = QGuiApplication.styleHints()

    def apply(*_: object) -> None:
        dark = hints.colorScheme() == Qt.ColorScheme.Dark
        app.setPalette(dark_palette() if dark else app.style().standardPalette())

    apply()
    hints.colorSchemeChanged.connect(apply)


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, set up so that QtWebEngine can start later, on first use."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    follow_system_scheme(app)
    return app


def run_app(flow: Path | None, variables: Mapping[str, Any] | None = None) -> int:
    """Open the window on `flow` (or the last flow opened) and run until it closes."""
    app = make_application()
    settings = QSettings()

    async def main() -> None:
        window = MainWindow(settings, dict(variables or {}))
        window.show()
        last = settings.value("last_flow")
        path = flow or (Path(last) if last and Path(last).exists() else None)
        if path is not None:
            window.open_flow(path)
        closed = asyncio.Event()
        app.lastWindowClosed.connect(closed.set)
        await closed.wait()
        await window.shutdown()
        # Delete the window (and any web page in it) before QtWebEngine's profile goes away at exit.
        gone = asyncio.get_running_loop().create_future()
        window.destroyed.connect(lambda *_: gone.done() or gone.set_result(None))
        window.deleteLater()
        await gone

    try:
        with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
            runner.run(main())
    except KeyboardInterrupt:
        return 130
    return 0
