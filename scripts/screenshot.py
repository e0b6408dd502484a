"""Regenerate docs/screenshot.png: the main window, offscreen, after a short scripted conversation on the sample that
ends at the seat picker, with the iframe panel open on it.

Run: `python scripts/screenshot.py [OUT.png]`.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

import qasync
from PySide6.QtCore import QSettings

from workbench.cli import sample_variables
from workbench.gui.app import make_application
from workbench.gui.main_window import TYPING_DELAY_SETTING, MainWindow
from workbench.sample import SAMPLE_FLOW

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ["Ann", ("press", "Book a ticket"), "Ghent", "tomorrow", "4"]  # 4 to Ghent costs over 40: pick a seat


async def take(out: Path, settings_file: Path) -> None:
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    settings.setValue(TYPING_DELAY_SETTING, False)
    window = MainWindow(settings, sample_variables(SAMPLE_FLOW))
    window.resize(1600, 1000)
    window.show()
    await window.open_flow(SAMPLE_FLOW)
    await window.bridge.wait_idle()
    for step in SCRIPT:
        if isinstance(step, tuple):
            window.bridge.press(step[1])
        else:
            window.bridge.send_text(step)
        await window.bridge.wait_idle()
    await page_shown(window)
    window.grab().save(str(out))
    print(f"wrote {out}")
    window.close()
    await window.bridge.conversation.aclose()


async def page_shown(window: MainWindow) -> None:
    """Wait until the iframe panel's page has loaded, then let it paint."""
    if window.iframe_panel is None:
        raise SystemExit("the script did not reach the seat picker")
    loaded = asyncio.get_running_loop().create_future()
    window.iframe_panel.host.content_loaded.connect(lambda *_: loaded.done() or loaded.set_result(None))
    await asyncio.wait_for(loaded, timeout=30)
    await asyncio.sleep(1.0)  # a picture, not a test: give Chromium a moment to paint the loaded page


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png"
    make_application()
    settings_file = out.with_suffix(".ini")
    try:
        with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
            runner.run(take(out, settings_file))
    finally:
        settings_file.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
