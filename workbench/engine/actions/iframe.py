"""The `iframe` kind: open a web page in the conversation and wait for what it posts."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from workbench.engine import events as ev
from workbench.engine.actions.base import ActionContext

URL_SCHEMES = ("http", "https", "file", "data", "about")


def resolve_url(url: str, folder: Path) -> str:
    """A URL with a scheme an iframe can show, as it is; anything else is a path (with a query) below `folder`."""
    if urlsplit(url).scheme in URL_SCHEMES:
        return url
    path, sep, query = url.partition("?")
    return (folder / path).resolve().as_uri() + sep + query


async def run(ctx: ActionContext) -> list[ev.Event]:
    """Emit `IframeOpened` with the page's absolute URL; the state then waits."""
    spec = ctx.state.iframe
    assert spec is not None
    url = resolve_url(ctx.render(spec.url), ctx.flow.folder)
    return [
        ev.ActionStarted(state=ctx.state.name, action="iframe"),
        *ctx.warnings,
        ev.IframeOpened(state=ctx.state.name, url=url, height=spec.height),
        ctx.finished("iframe", result={"url": url}),
    ]
