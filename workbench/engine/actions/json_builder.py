"""The `json` kind (JSON Builder): a message for the website, not a chat bubble."""

from __future__ import annotations

from workbench.engine import events as ev
from workbench.engine.actions.base import ActionContext
from workbench.engine.session import built_value_problem


async def run(ctx: ActionContext) -> list[ev.Event]:
    """Render the state's JSON value and emit it as a `JsonMessage`; one too deep or too long to send (as a value
    the flow builds may be, `built_value_problem`) fails the action instead, saying why."""
    started = ev.ActionStarted(state=ctx.state.name, action="json")
    payload = ctx.render_value(ctx.state.json)
    problem = built_value_problem(payload)
    if problem is not None:
        return [started, *ctx.warnings, ctx.finished("json", ok=False, error=f"the JSON message {problem}; not sent")]
    message = ev.JsonMessage(state=ctx.state.name, payload=payload)
    return [started, *ctx.warnings, message, ctx.finished("json", result=payload)]
