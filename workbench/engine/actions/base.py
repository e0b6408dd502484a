"""What every action gets (`ActionContext`) and how it reaches the outside (`Ports`).

An action is `async def run(ctx: ActionContext) -> list[Event]`: it returns events rather than changing the
session, and its last event is an `ActionFinished` that says whether it worked and where to jump, if anywhere.
"""

from __future__ import annotations

import functools
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.engine import events as ev
from workbench.flow import template
from workbench.flow.model import Flow, State

if TYPE_CHECKING:  # httpx loads at the first request, the sandbox's modules (mini-racer, the JavaScript parser)
    # when JavaScript first runs: most turns need neither
    import httpx

    from workbench.engine.sandbox import Sandbox


class Ports:
    """The outside world as the actions see it; a test or a replay swaps what is behind it.

    What is not given is created on first use (most turns need neither HTTP nor JavaScript) and closed by
    `aclose`; what is given belongs to the caller. Without a sandbox, conversations share the process's one
    (`shared_sandbox()`): one worker process serves them all, each conversation in a realm of its own, which it
    releases when it ends — so 200 conversations at once cost one worker, not 200. `sandbox` may also be a
    function that gives it: it is called when JavaScript first runs (a replay runner's sandbox is made then).
    So may `http`: it is called at the first request (a replay runner can make its client, and load httpx, only
    when a conversation makes one); the client it gives belongs to the caller too.
    """

    def __init__(
        self,
        http: httpx.AsyncClient | Callable[[], httpx.AsyncClient] | None = None,
        sandbox: Sandbox | Callable[[], Sandbox] | None = None,
    ) -> None:
        self._http: httpx.AsyncClient | None = None
        self._make_http: Callable[[], httpx.AsyncClient] = _own_client
        if callable(http):
            self._make_http = http
        else:
            self._http = http
        self._sandbox: Sandbox | None = None
        self._make_sandbox: Callable[[], Sandbox] = shared_sandbox
        if callable(sandbox):
            self._make_sandbox = sandbox
        else:
            self._sandbox = sandbox
        self._own_http = http is None

    @property
    def http(self) -> httpx.AsyncClient:
        """The HTTP client of the API action, `fetch` and the offload webhook."""
        if self._http is None:
            self._http = self._make_http()
        return self._http

    @property
    def sandbox(self) -> Sandbox:
        """The JavaScript sandbox of code actions and route conditions."""
        if self._sandbox is None:
            self._sandbox = self._make_sandbox()
        return self._sandbox

    @property
    def has_sandbox(self) -> bool:
        """Whether the sandbox was given or has been asked for (a conversation that never ran JavaScript holds no
        realm in any sandbox)."""
        return self._sandbox is not None

    async def aclose(self) -> None:
        """Close what these ports created."""
        if self._own_http and self._http is not None:
            await self._http.aclose()
            self._http = None


@functools.cache
def shared_sandbox() -> Sandbox:
    """The process's JavaScript sandbox for conversations that were given none (its worker follows the running
    event loop, and ends with the process)."""
    from workbench.engine.sandbox import Sandbox

    return Sandbox()


def _own_client() -> httpx.AsyncClient:
    """A client of the ports' own, for a conversation that was given none."""
    import httpx

    return httpx.AsyncClient(verify=_ssl_context())


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the system's certificates takes ~40 ms: do it once per process, not once per conversation.
    return ssl.create_default_context()


@dataclass(slots=True)
class ActionContext:
    """One state's action about to run: the flow, the state, a read-only view of the session, the ports, and
    the conversation's event log so far (`history`)."""

    flow: Flow
    state: State
    session: Any
    ports: Ports | None = None
    history: Sequence[ev.Event] = ()
    conversation_id: str = ""
    warnings: list[ev.Event] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)
    extra: dict[str, Any] = field(default_factory=dict)
    _missing: tuple[Any, str, set[str]] | None = field(default=None, init=False, repr=False)
    """The template last reported (`_report`): itself, as shown, and the variables reported missing in it."""

    def lookup(self, path: str) -> Any:
        """A session variable by dotted path (None when missing); `extra` names (like `input`) come first."""
        if path in self.extra:
            return self.extra[path]
        return self.session.get(path)

    def _report(self, source: Any, variable: str) -> None:
        """A variable of template `source` has no value: a TemplateWarning in `warnings`, once per variable of the
        template, which is shown once however many of its variables are missing (a 5 MB JSON Builder value with
        thousands of them would otherwise be written out as JSON for each)."""
        missing = self._missing
        if missing is None or missing[0] is not source:
            missing = self._missing = (source, template.shown(source), set())
        if variable in missing[2]:
            return
        missing[2].add(variable)
        self.warnings.append(ev.TemplateWarning(template=missing[1], variable=variable, state=self.state.name))

    def render(self, text: str) -> str:
        """Fill in `text`'s templates; missing variables become TemplateWarning events in `warnings`."""
        if "{" not in text:
            return text
        # A partial, not a closure made by a method: one is made for every template rendered, in C.
        return template.render(text, self.lookup, functools.partial(self._report, text))

    def render_value(self, value: Any) -> Any:
        """Fill in templates inside any YAML value (see `template.render_value`)."""
        return template.render_value(value, self.lookup, functools.partial(self._report, value))

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
