"""Opening, reloading and watching a flow file for the window: turns a path into a running conversation.

Loading happens off the event loop (a thread: parsing a large flow takes a noticeable fraction of a second). A
reload keeps the session variables and, when the state the conversation was in still exists, resumes there; it
reports which states were added, removed or changed.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.engine.conversation import Conversation
from workbench.engine.inputs import warm_up_dates
from workbench.flow.loader import LoadResult, load_flow
from workbench.flow.model import Flow
from workbench.flow.problems import Problem
from workbench.gui.engine_bridge import EngineBridge
from workbench.gui.file_watcher import FileWatcher


@dataclass(frozen=True)
class FlowChanges:
    """What a reload changed, by state name."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [
            f"{label}: {', '.join(names)}"
            for label, names in (("added", self.added), ("removed", self.removed), ("changed", self.changed))
            if names
        ]
        return "; ".join(parts) if parts else "no state changed"

    @classmethod
    def between(cls, old: Flow, new: Flow) -> FlowChanges:
        """Compare two versions of a flow state by state (locations aside)."""
        before, after = old.states, new.states
        changed = [name for name in after if name in before and _without_loc(before[name]) != _without_loc(after[name])]
        return cls(
            added=tuple(n for n in after if n not in before),
            removed=tuple(n for n in before if n not in after),
            changed=tuple(changed),
        )


_LOCATIONS = re.compile(r"Loc\([^)]*\)|end_line=\d+")


def _without_loc(state: Any) -> str:
    # Positions move whenever a line above is edited; compare what the state does.
    return _LOCATIONS.sub("", repr(state))


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
        """Load the file again, keeping the session where the states still exist."""
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
        variables = dict(self.variables)
        resume_at: str | None = None
        changes = None
        if keep and old is not None:
            variables.update(old.session.variables)
            current = old.session.current_state
            resume_at = current if current in result.flow.states else None
            changes = FlowChanges.between(old.flow, result.flow)
        conversation = Conversation(result.flow, variables=variables)
        self.bridge.attach(conversation)
        if old is not None:
            await old.aclose()
        self.opened.emit(Opened(path, result, conversation, changes, result.problems))
        await self.bridge.start(resume_at)
