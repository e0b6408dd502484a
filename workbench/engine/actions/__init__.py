"""One module per action kind; `action(kind)` is a state kind's `run(ctx) -> list[Event]`."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable

from workbench.engine import events as ev
from workbench.engine.actions.base import ActionContext

Action = Callable[[ActionContext], Awaitable[list[ev.Event]]]

MODULES: dict[str, str] = {
    "api": "api",
    "code": "code",
    "clear_session": "clear_session",
    "iframe": "iframe",
    "json": "json_builder",
    "offload": "offload",
}
"""The module of each action kind (beside `message` and `input`, which the conversation runs itself)."""
_runs: dict[str, Action] = {}


def action(kind: str) -> Action:
    """The run of action kind `kind`, its module imported at the first state of that kind: a test run loads
    only the actions its flows reach (the code action's with the JavaScript sandbox's types, the API action's with
    Chatlayer's response format)."""
    run = _runs.get(kind)
    if run is None:
        run = _runs[kind] = importlib.import_module(f"{__name__}.{MODULES[kind]}").run
    return run
