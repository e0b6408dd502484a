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
from workbench.engine.sandbox_context import warm_up as warm_up_javascript
from workbench.flow.loader import LoadResult, load_flow
from workbench.flow.model import Flow
from workbench.flow.problems import Problem
from workbench.flow.translations import translation_file
from workbench.gui import heap
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
    warm_up_javascript()
    # The window, the flow and what the warm-ups imported live long: a full pass of the collector started from this
    # thread walked them all holding the interpreter, and stopped the event loop for ~80 ms.
    heap.keep()
    return result


def _read_files(path: Path, result: LoadResult, before: tuple[Path, ...]) -> list[Path]:
    """The files beside the flow file that its load read or would read: the translation file of each declared
    language (whether it exists or not), else (when the flow did not load) those watched before and any file a
    problem names (a broken translation file)."""
    if result.flow is not None:
        return [translation_file(path, language) for language in result.flow.languages.secondary]
    named = {Path(p.loc.file).resolve() for p in result.problems}
    return [*before, *sorted(file for file in named if file != path and file.is_file())]


class FlowSession(QObject):
    """Keeps one flow file open in the window: loads it, starts its conversation, watches the file."""

    opened = Signal(object)
    """An `Opened` after every open or reload (with `conversation` None when the flow has errors)."""

    def __init__(self, bridge: EngineBridge, variables: Mapping[str, Any] | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.bridge = bridge
        self.variables = dict(variables or {})
        self.path: Path | None = None
        self.flow: Flow | None = None
        """The flow as it last loaded (in its primary language, with its translations)."""
        self._watcher = FileWatcher(self)
        self._watcher.changed.connect(self.reload)
        self._loading: asyncio.Task[Any] | None = None
        self._restarting: asyncio.Task[Any] | None = None

    def open(self, path: Path) -> asyncio.Task[Any]:
        """Open `path` and start a fresh conversation on it."""
        return self._schedule(self._open(path.resolve(), keep=False))

    def reload(self) -> asyncio.Task[Any] | None:
        """Load the file again and hand it to the running conversation, which keeps its history."""
        if self.path is None:
            return None
        return self._schedule(self._open(self.path, keep=True))

    def restart_in(self, language: str) -> asyncio.Task[Any] | None:
        """Start a fresh conversation on the flow with `language` as the channel's language (`locale`), as a
        channel in that language would; None when no flow is open. The next flow opened starts in the language
        it is given again."""
        if self.flow is None:
            return None
        self._restarting = asyncio.ensure_future(self._restart(self.flow, {**self.variables, "locale": language}))
        return self._restarting

    def restart_at(self, state: str) -> asyncio.Task[Any] | None:
        """Start a fresh conversation on the flow at `state` rather than at the flow's start (a test recorded from
        it says `start:` that state); None when no flow is open or it has no such state."""
        if self.flow is None or state not in self.flow.states:
            return None
        self._restarting = asyncio.ensure_future(self._restart(self.flow, self.variables, state))
        return self._restarting

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
        self._watcher.watch(path, _read_files(path, result, self._watcher.companions))
        if result.flow is None:
            self.opened.emit(Opened(path, result, problems=result.problems))
            return
        self.path = path
        self.flow = flow = result.flow
        old = self.bridge.conversation
        replaced = self.bridge.submit(lambda conversation: conversation.replace_flow(flow)) if keep else None
        if replaced is not None:
            self.opened.emit(Opened(path, result, old, await replaced, result.problems))
            return
        conversation = await self._attach_new(flow, self.variables)
        self.opened.emit(Opened(path, result, conversation, None, result.problems))
        await self.bridge.start()

    async def _restart(self, flow: Flow, variables: Mapping[str, Any], state: str | None = None) -> None:
        await self._attach_new(flow, variables)
        await self.bridge.start(state)

    async def _attach_new(self, flow: Flow, variables: Mapping[str, Any]) -> Conversation:
        """A new conversation on `flow`, attached to the bridge in place of the old one (which is closed)."""
        old = self.bridge.conversation
        conversation = Conversation(flow, variables=variables)
        self.bridge.attach(conversation)
        if old is not None:
            await old.aclose()
        return conversation
