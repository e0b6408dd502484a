"""The `clear_session` kind: remove session variables; the flow's declared defaults are restored.

`locale` is the channel's (the web widget's `lang`, a test's language), not the user's: like `internal`, Clear
Session leaves it as the channel gave it, so a conversation in Dutch stays in Dutch after `clear_session: all`
(clearing `preferredLanguage` goes back to it, as Chatlayer's multilingual page describes).
"""

from __future__ import annotations

import copy

from workbench.engine import events as ev
from workbench.engine.actions.base import ActionContext

CHANNEL_LANGUAGE = "locale"


async def run(ctx: ActionContext) -> list[ev.Event]:
    """Clear all variables, the listed ones, or all but `keep`, in one `SessionCleared` event."""
    spec = ctx.state.clear_session
    assert spec is not None
    defaults = ctx.flow.variables
    present = [name for name in ctx.session.variables if name != CHANNEL_LANGUAGE]
    if spec.mode == "all":
        targets = present
    elif spec.mode == "names":
        targets = [n for n in spec.names if n != CHANNEL_LANGUAGE and (n in present or n in defaults)]
    else:
        targets = [n for n in present if n not in spec.names]
    removed = tuple(n for n in targets if n not in defaults)
    restored = {n: copy.deepcopy(defaults[n]) for n in targets if n in defaults}
    cleared = ev.SessionCleared(state=ctx.state.name, removed=removed, restored=restored)
    return [
        ev.ActionStarted(state=ctx.state.name, action="clear_session"),
        cleared,
        ctx.finished("clear_session", result={"removed": list(removed), "restored": sorted(restored)}),
    ]
