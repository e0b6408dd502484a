"""What every action gets (`ActionContext`) and how it reaches the outside (`Ports`).

An action is `async def run(ctx: ActionContext) -> list[Event]`: it returns events rather than changing the
session, and its last event is an `ActionFinished` that says whether it worked and where to jump, if anywhere.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.engine import events as ev
from workbench.engine import template
from workbench.flow.model import Flow, State

if TYPE_CHECKING:
    import httpx

    from workbench.engine.sandbox import Sandbox


@dataclass
class Ports:
    """The outside world as the actions see it; a test or a replay swaps what is behind it."""

    http: httpx.AsyncClient
    sandbox: Sandbox


@dataclass
class ActionContext:
    """One state's action about to run: the flow, the state, a read-only view of the session, the ports, and
    the conversation's event log so far (`history`)."""

    flow: Flow
    state: State
    session: Any
    ports: Ports | None = None
    warnings: list[ev.Event] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    extra: dict[str, Any] = field(default_factory=dict)
    history: Sequence[ev.Event] = ()
    conversation_id: str = ""

    def lookup(self, path: str) -> Any:
        """A session variable by dotted path (None when missing); `extra` names (like `input`) come first."""
        if path in self.extra:
            return self.extra[path]
        return self.session.get(path)

    def _missing(self, template_text: str) -> template.OnMissing:
        def report(variable: str) -> None:
            self.warnings.append(ev.TemplateWarning(template=template_text, variable=variable, state=self.state.name))

        return report

    def render(self, text: str) -> str:
        """Fill in `text`'s templates; missing variables become TemplateWarning events in `warnings`."""
        if "{" not in text:
            return text
        return template.render(text, self.lookup, self._missing(text))

    def render_value(self, value: Any) -> Any:
        """Fill in templates inside any YAML value (see `template.render_value`)."""
        return template.render_value(value, self.lookup, self._missing(str(value)))

    def finished(
        self,
        action: str,
        *,
        ok: bool = True,
        result: Any = None,
        error: str | None = None,
        jump: str | None = None,
    ) -> ev.ActionFinished:
        """The `ActionFinished` event closing this action, timed from `started`."""
        return ev.ActionFinished(
            state=self.state.name,
            action=action,
            duration=time.perf_counter() - self.started,
            ok=ok,
            result=result,
            error=error,
            jump=jump,
        )
