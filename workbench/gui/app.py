"""Starting the window: the QApplication, the palette, the qasync loop, the flow to open."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, QSocketNotifier, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from workbench.gui.event_loop import WorkbenchEventLoop
from workbench.gui.main_window import MainWindow

ORGANIZATION = "Flow Workbench"
APPLICATION = "Flow Workbench"
INTERRUPTED = 130
"""The exit code after Ctrl+C, as a shell reports a command stopped by SIGINT (128 + 2)."""


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


@contextlib.contextmanager
def ctrl_c_closes(window: QWidget) -> Iterator[Callable[[], bool]]:
    """While inside, Ctrl+C (SIGINT) closes `window` as its close button does; yields a function that tells whether
    it did.

    While Qt waits for events, Python's own handler would not run until the next event (and would then raise
    KeyboardInterrupt inside some slot): the signal is written to a socket that Qt watches instead.
    """
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read)
    interrupted = False

    def on_signal() -> None:
        nonlocal interrupted
        with contextlib.suppress(BlockingIOError):
            if signal.SIGINT in reader.recv(64):
                interrupted = True
                window.close()

    notifier.activated.connect(on_signal)
    previous_handler = signal.signal(signal.SIGINT, lambda *_: None)
    previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    try:
        yield lambda: interrupted
    finally:
        signal.set_wakeup_fd(previous_fd)
        signal.signal(signal.SIGINT, previous_handler)
        notifier.setEnabled(False)
        reader.close()
        writer.close()


def run_app(flow: Path | None, variables: Mapping[str, Any] | None = None) -> int:
    """Open the window on `flow` (None: an empty window; File > Open Recent has the last flows) and run until it
    closes; 0, or `INTERRUPTED` after Ctrl+C."""
    app = make_application()
    # The loop ends when main() is done: Qt quitting at the last window would stop it before the engine settled.
    app.setQuitOnLastWindowClosed(False)
    settings = QSettings()

    async def main() -> bool:
        window = MainWindow(settings, dict(variables or {}))
        closed = asyncio.Event()
        window.closing.connect(closed.set)
        with ctrl_c_closes(window) as interrupted:
            window.show()
            if flow is not None:
                window.open_flow(flow)
            await closed.wait()
            await window.shutdown()
        # Delete the window (and any web page in it) before QtWebEngine's profile goes away at exit.
        gone = asyncio.get_running_loop().create_future()
        window.destroyed.connect(lambda *_: gone.done() or gone.set_result(None))
        window.deleteLater()
        await gone
        return interrupted()

    try:
        with asyncio.Runner(loop_factory=WorkbenchEventLoop) as runner:
            return INTERRUPTED if runner.run(main()) else 0
    except KeyboardInterrupt:  # Ctrl+C while the window was still being built
        return INTERRUPTED
