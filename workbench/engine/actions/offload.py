"""The `offload` kind (Send to offload provider): hand the conversation to a human agent."""

from __future__ import annotations

from workbench.engine import events as ev
from workbench.engine.actions.base import ActionContext
from workbench.engine.offload import open_offload, transcript

OPENED = "offloading_opened"
DISABLED = "offloading_disabled"


async def run(ctx: ActionContext) -> list[ev.Event]:
    """Say the hand-over message, open the provider, and mark the conversation offloaded.

    A provider that fails runs the flow's `offloading_disabled` state when it has one, else the error route.
    """
    spec = ctx.state.offload
    assert spec is not None
    name = ctx.state.name
    out: list[ev.Event] = [ev.ActionStarted(state=name, action="offload")]
    message = ctx.render(spec.message) if spec.message else ""
    out.extend(ctx.warnings)
    lines = transcript(ctx.history)
    opened = await open_offload(ctx.ports.http, spec, ctx.conversation_id, lines, name)
    out.extend(opened.events)
    if opened.error:
        out.append(ev.EngineError(error="offload", message=opened.error, state=name))
        if DISABLED in ctx.flow.states:
            return [*out, ctx.finished("offload", result={"offloaded": False}, jump=DISABLED)]
        return [*out, ctx.finished("offload", ok=False, error=opened.error)]
    if message:
        out.append(ev.BotMessage(state=name, text=message))
    out.append(ev.Offloaded(state=name, provider=spec.provider, transcript=lines))
    jump = OPENED if OPENED in ctx.flow.states else None
    return [*out, ctx.finished("offload", result={"offloaded": True, "provider": spec.provider}, jump=jump)]
