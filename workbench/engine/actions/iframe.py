"""The `iframe` kind: open a web page in the conversation and wait for what it posts."""

from __future__ import annotations

from urllib.parse import urlsplit

from workbench.engine import events as ev
from workbench.engine.actions.base import ActionContext


def resolve_url(url: str, ctx: ActionContext) -> str:
    """An http(s) or file URL as it is; anything else is a path relative to the flow file's folder."""
    if urlsplit(url).scheme in ("http", "https", "file", "data", "about"):
        return url
    path, sep, query = url.partition("?")
    return (ctx.flow.folder / path).resolve().as_uri() + sep + query


async def run(ctx: ActionContext) -> list[ev.Event]:
    """Emit `IframeOpened` with the page's absolute URL; the state then waits."""
    spec = ctx.state.iframe
    assert spec is not None
    url = resolve_url(ctx.render(spec.url), ctx)
    return [
        ev.ActionStarted(state=ctx.state.name, action="iframe"),
        *ctx.warnings,
        ev.IframeOpened(state=ctx.state.name, url=url, height=spec.height),
        ctx.finished("iframe", result={"url": url}),
    ]
