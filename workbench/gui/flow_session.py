"""Opening, reloading and watching a flow file for the window: turns a path into a running conversation.

Loading happens off the event loop (a thread: parsing a large flow takes a noticeable fraction of a second). A
reload hands the new flow to the running conversation (`Conversation.replace_flow`): its history (the chat, the
timeline, the event log, the provenance) stays, it goes on from where it was, and it says which states were added,
removed or changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.engine.conversation import Conversation
from workbench.engine.flow_changes import FlowChanges
from workbench.engine.inputs import warm_up_dates
from workbench.flow.loader import LoadResult, load_flow
from workbench.flow.problems import Problem
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.file_watcher import FileWatcher


@dataclass
class Opened:
    """The result of opening a flow: the load result and, when it loaded, the running conversation."""

    path: Path
    result: LoadResult
    conversation: Conversation | None = None
    changes: FlowChanges | None = None
    problems: tuple[Problem, ...] = field(default=())


def _load(path: Path) -> LoadResult:
    """Load the flow (in a worker thread); warm up what its conversations will need, off the event loop."""
    result = load_flow(path)
    if result.flow is not None and any(s.ask and s.ask.expect == "date" for s in result.flow.states.values()):
        warm_up_dates()
    return result


class FlowSession(QObject):
    """Keeps one flow file open in the window: loads it, starts its conversation, watches the file."""

    opened = Signal(object)
    """An `Opened` after every open or reload (with `conversation` None when the flow has errors)."""

    def __init__(self, bridge: EngineBridge, variables: Mapping[str, Any] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self.variables = dict(variables or {})
        self.path: Path | None = None
        self._watcher = FileWatcher(self)
        self._watcher.changed.connect(self.reload)
        self._loading: asyncio.Task[Any] | None = None

    def open(self, path: Path) -> asyncio.Task[Any]:
        """Open `path` and start a fresh conversation on it."""
        return self._schedule(self._open(path.resolve(), keep=False))

    def reload(self) -> asyncio.Task[Any] | None:
        """Load the file again and hand it to the running conversation, which keeps its history."""
        if self.path is None:
            return None
        return self._schedule(self._open(self.path, keep=True))

    def cancel(self) -> None:
        """Stop a load that is still running."""
        if self._loading is not None:
            self._loading.cancel()

    def _schedule(self, coro: Any) -> asyncio.Task[Any]:
        self.cancel()
        self._loading = asyncio.ensure_future(coro)
        return self._loading

    async def _open(self, path: Path, *, keep: bool) -> None:
        result = await asyncio.get_running_loop().run_in_executor(None, _load, path)
        self._watcher.watch(path)
        old = self.bridge.conversation
        if result.flow is None:
            self.opened.emit(Opened(path, result, problems=result.problems))
            return
        self.path = path
        flow = result.flow
        replaced = self.bridge.submit(lambda conversation: conversation.replace_flow(flow)) if keep else None
        if replaced is not None:
            self.opened.emit(Opened(path, result, old, await replaced, result.problems))
            return
        conversation = Conversation(flow, variables=self.variables)
        self.bridge.attach(conversation)
        if old is not None:
            await old.aclose()
        self.opened.emit(Opened(path, result, conversation, None, result.problems))
        await self.bridge.start()
