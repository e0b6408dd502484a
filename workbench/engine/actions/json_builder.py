"""The `json` kind (JSON Builder): a message for the website, not a chat bubble."""

from __future__ import annotations

from workbench.engine import events as ev
from workbench.engine.actions.base import ActionContext


async def run(ctx: ActionContext) -> list[ev.Event]:
    """Render the state's JSON value and emit it as a `JsonMessage`."""
    started = ev.ActionStarted(state=ctx.state.name, action="json")
    payload = ctx.render_value(ctx.state.json)
    message = ev.JsonMessage(state=ctx.state.name, payload=payload)
    return [started, *ctx.warnings, message, ctx.finished("json", result=payload)]
