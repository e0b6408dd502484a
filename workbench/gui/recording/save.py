"""Saving the live conversation as a convo test: the dialog, the recorder, the overwrite question, the write.

Dialogs are opened window-modal and awaited (`ask`), never `exec()`-ed: a nested event loop inside a qasync
slot would re-enter the running loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMainWindow, QMessageBox

from workbench.engine import events as ev
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.recording.assertions import offered, with_assertions
from workbench.gui.recording.dialog import SaveChoice, SaveTestDialog
from workbench.gui.recording.writer import write_atomically
from workbench.testing.recorder import holds_lone_surrogates, record

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow

_log = logging.getLogger(__name__)
SURROGATE_WARNING = (
    "Some text in this conversation is not valid Unicode (a lone UTF-16 surrogate, as a page's JavaScript can "
    "send). The test writes each such character as U+FFFD (\ufffd): its replay sends that character instead."
)


async def ask(dialog: QDialog) -> int:
    """Open `dialog` (window-modal, without a nested event loop) and wait for its result code; delete it after.

    A dialog that goes away unanswered (its window was deleted, and it with it) counts as Rejected.
    """
    answer: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def settle(code: int) -> None:
        if not answer.done():
            answer.set_result(code)

    dialog.finished.connect(settle)
    dialog.destroyed.connect(lambda: settle(int(QDialog.DialogCode.Rejected)))
    dialog.open()
    try:
        return await answer
    finally:
        # The window may have deleted it (and its C++ object) while we waited.
        if shiboken6.isValid(dialog):
            dialog.deleteLater()


def _message_box(parent: QMainWindow, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, parent=parent)
    box.setObjectName("recording_message")
    return box


class ConversationSaver(QObject):
    """Saves the conversation on the window's bridge as a `*.convo.yaml` test (Tests > Save conversation as test)."""

    def __init__(self, window: MainWindow, bridge: EngineBridge) -> None:
        super().__init__(window)
        self.setObjectName("conversation_saver")
        self.window = window
        self.bridge = bridge
        self.task: asyncio.Task[Path | None] | None = None

    def save(self) -> asyncio.Task[Path | None]:
        """Start saving (once at a time); the task gives the file written, or None."""
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._save())
        return self.task

    async def _save(self) -> Path | None:
        conversation = self.bridge.conversation
        if conversation is None or conversation.flow.path is None:
            self.window.statusBar().showMessage("Open a flow and talk to it first: there is no conversation to save")
            return None
        flow_path = conversation.flow.path
        made_requests = any(isinstance(e, ev.HttpExchange) for e in conversation.events)
        name = f"Recorded {datetime.now():%Y-%m-%d %H.%M}"
        warning = SURROGATE_WARNING if any(map(holds_lone_surrogates, conversation.events)) else ""
        dialog = SaveTestDialog(
            flow_path.parent, name, offered(conversation), made_requests, self.window, warning=warning
        )
        if await ask(dialog) != QDialog.DialogCode.Accepted:
            return None
        choice = dialog.choice()
        try:
            text = record(
                conversation.events,
                conversation.flow,
                name=choice.name,
                flow_ref=Path(os.path.relpath(flow_path, choice.path.parent)).as_posix(),
                environment=self.window.flow_session.variables,
                tags=choice.tags,
                canned_http=choice.canned_http,
            )
            text = with_assertions(text, choice.assertions)
        except Exception as exc:  # whatever goes wrong, the tester hears that nothing was saved
            return await self._not_saved(choice.path, exc)
        return await self._write(choice, text)

    async def _not_saved(self, path: Path, exc: BaseException) -> None:
        if isinstance(exc, OSError):
            reason = f"cannot write {path}: {exc.strerror or 'the file system refused'}"
        elif isinstance(exc, UnicodeError):
            reason = f"{path} would hold text that is not valid Unicode"
        else:
            _log.error("saving %s failed", path, exc_info=exc)
            reason = f"the workbench hit an internal error while writing {path}; please report it"
        await ask(_message_box(self.window, QMessageBox.Icon.Warning, "Not saved", f"Not saved: {reason}"))

    async def _write(self, choice: SaveChoice, text: str) -> Path | None:
        path = choice.path
        overwrite = os.path.exists(path)  # never raises: a folder that cannot be read fails the write, below
        if overwrite:
            question = _message_box(
                self.window, QMessageBox.Icon.Question, "Replace test?", f"{path} already exists. Replace it?"
            )
            question.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            question.setDefaultButton(QMessageBox.StandardButton.No)
            if await ask(question) != QMessageBox.StandardButton.Yes:
                return None
        try:
            write_atomically(path, text, overwrite=overwrite)
        except Exception as exc:  # as above
            return await self._not_saved(path, exc)
        self.window.statusBar().showMessage(f"Saved the conversation as a test: {path}", 10_000)
        return path
