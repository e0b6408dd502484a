"""Regenerate docs/screenshot.png: the main window, offscreen, after a short scripted conversation on the sample.

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

from workbench.cli import SAMPLE_FLOW, sample_variables
from workbench.gui.app import make_application
from workbench.gui.main_window import TYPING_DELAY_SETTING, MainWindow

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ["Ann", ("press", "Book a ticket"), "Bruxelles", "tomorrow", "2"]


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
    await asyncio.sleep(0.5)
    window.grab().save(str(out))
    print(f"wrote {out}")
    window.close()
    await window.bridge.conversation.aclose()


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
