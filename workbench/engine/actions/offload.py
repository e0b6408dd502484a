"""The `offload` kind (Send to offload provider): hand the conversation to a human agent.

integrations/human-offloading-live-chat/README.md: a user who reaches the action is offloaded and goes to one of
the three offloading dialogs, when the flow has them:
- `offloading_opened`: the provider took the conversation (the waiting message: "a live agent will be with you");
- `offloading_closed`: the live chat is not open: the webhook answered `offloadSuccess: false`;
- `offloading_disabled`: offloading is not available: the webhook failed its health check.
Without the dialog, a failed offload takes the state's error route. A webhook that does not answer as the page
documents is an error (error route) in every case.
"""

from __future__ import annotations

from workbench.engine import events as ev
from workbench.engine.actions.base import ActionContext
from workbench.engine.offload import OffloadResult, open_offload, transcript, webhook_of
from workbench.engine.offload_messages import Bot

OPENED = "offloading_opened"
CLOSED = "offloading_closed"
DISABLED = "offloading_disabled"

_DIALOGS = {"declined": CLOSED, "disabled": DISABLED}


async def run(ctx: ActionContext) -> list[ev.Event]:
    """Open the provider; when it takes the conversation, say the hand-over message and mark it offloaded."""
    spec = ctx.state.offload
    assert spec is not None
    name = ctx.state.name
    out: list[ev.Event] = [ev.ActionStarted(state=name, action="offload")]
    message = ctx.render(spec.message) if spec.message else ""
    hook = webhook_of(spec, ctx.render)
    out.extend(ctx.warnings)
    bot = Bot(ctx.flow.name, ctx.conversation_id)
    lines = transcript(bot, ctx.history)
    # The console takes the conversation without a request: its ports make no HTTP client (nor load httpx).
    opened = (
        OffloadResult() if hook is None else await open_offload(ctx.ports.http, hook, bot, ctx.history, lines, name)
    )
    out.extend(opened.events)
    if opened.problem is not None:
        dialog = _DIALOGS.get(opened.outcome)
        if dialog in ctx.flow.states:
            out.append(ev.EngineWarning(message=opened.problem, state=name))
            return [*out, ctx.finished("offload", result={"offloaded": False, "outcome": opened.outcome}, jump=dialog)]
        out.append(ev.EngineError(error="offload", message=opened.problem, state=name))
        return [*out, ctx.finished("offload", ok=False, error=opened.problem)]
    if message:
        out.append(ev.BotMessage(state=name, text=message))
    out.append(ev.Offloaded(state=name, provider=spec.provider, transcript=lines))
    result = {"offloaded": True, "provider": spec.provider, "pauseBot": opened.pause_bot}
    return [*out, ctx.finished("offload", result=result, jump=OPENED if OPENED in ctx.flow.states else None)]
