"""Shared by the recording and test explorer tests: a window with both installed on a copy of the sample flow,
a booking conversation driven through the bridge, and the save dialog filled in."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QListWidget

from workbench.gui.main_window import MainWindow
from workbench.gui.recording.dialog import SaveTestDialog
from workbench.gui.recording.save import ConversationSaver
from workbench.gui.test_explorer.panel import ExplorerPanel

W = TypeVar("W", bound=QDialog)

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "flows" / "train_ticket"


def qa_window(make_window, api_base: str) -> MainWindow:
    """A shown window (recording and the test explorer are installed in every window)."""
    return make_window({"first_name": "Ann", "api_base": api_base})


def copy_sample(tmp_path: Path) -> Path:
    """A copy of the sample flow's folder without its convo tests; the flow file's path."""
    folder = tmp_path / "flow"
    shutil.copytree(SAMPLE_DIR, folder, ignore=shutil.ignore_patterns("*.convo.yaml", "__pycache__"))
    return folder / "train_ticket.yaml"


def explorer(window: MainWindow) -> ExplorerPanel:
    """The window's test explorer."""
    panel = window.docks["tests"].widget()
    assert isinstance(panel, ExplorerPanel)
    return panel


def settle(window: MainWindow, qtbot) -> None:
    """Wait until the engine has handled every input."""
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)


def open_flow(window: MainWindow, qtbot, path: Path) -> None:
    """Open `path` and wait for its first turn."""
    task = window.open_flow(path)
    qtbot.waitUntil(task.done, timeout=10_000)
    settle(window, qtbot)


def book_to_ghent(window: MainWindow, qtbot) -> None:
    """Book one ticket to Ghent against the live backend (fetch and API), then talk to an agent and come back."""
    bridge = window.bridge
    steps = [
        lambda: bridge.press("Book a ticket"),
        lambda: bridge.send_text("Ghent"),
        lambda: bridge.send_text("2026-12-24"),
        lambda: bridge.press("1"),
        lambda: bridge.send_text("ann@example.com"),
        lambda: bridge.press("Yes, book it"),
        lambda: bridge.send_text("talk to a person"),
        lambda: bridge.agent_reply("Hello Ann, all booked?"),
        lambda: bridge.hand_back("menu"),
    ]
    for step in steps:
        step()
        settle(window, qtbot)
    assert bridge.conversation.session.current_state == "menu"


def saver(window: MainWindow) -> ConversationSaver:
    """The window's conversation saver."""
    found = window.findChild(ConversationSaver)
    assert found is not None
    return found


def showing(window: MainWindow, kind: type[W], qtbot) -> W:
    """The `kind` dialog that shows on `window`, once it does (an answered one may still wait for its deletion)."""

    def shown() -> list[W]:
        return [d for d in window.findChildren(kind) if d.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1, timeout=10_000)
    return shown()[0]


def save_dialog(window: MainWindow, qtbot) -> SaveTestDialog:
    """The save dialog, once it shows."""
    return showing(window, SaveTestDialog, qtbot)


def tick(dialog: SaveTestDialog, label: str, on: bool = True) -> None:
    """Tick (or untick) the assertion row whose label starts with `label`."""
    rows: QListWidget = dialog.assertion_list
    item = next(rows.item(i) for i in range(rows.count()) if rows.item(i).text().startswith(label))
    item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def save_as_test(window: MainWindow, qtbot, name: str, ticks: tuple[str, ...] = ()) -> Path:
    """Save the conversation as a test called `name` with the suggested assertions and `ticks`; its file."""
    task = saver(window).save()
    dialog = save_dialog(window, qtbot)
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, name)
    for label in ticks:
        tick(dialog, label)
    dialog.accept()
    qtbot.waitUntil(task.done, timeout=5_000)
    path = task.result()
    assert path is not None
    return path
