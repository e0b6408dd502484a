"""One module per action kind; `ACTIONS` maps a state kind to its `run(ctx) -> list[Event]`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from workbench.engine import events as ev
from workbench.engine.actions import api, clear_session, code, iframe, json_builder, offload
from workbench.engine.actions.base import ActionContext

Action = Callable[[ActionContext], Awaitable[list[ev.Event]]]

ACTIONS: dict[str, Action] = {
    "api": api.run,
    "code": code.run,
    "clear_session": clear_session.run,
    "iframe": iframe.run,
    "json": json_builder.run,
    "offload": offload.run,
}
