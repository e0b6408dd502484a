"""The previewed page's address: a URL template rendered with the designer's variables, as the engine renders an
iframe action's `url`, then made absolute (a relative path is relative to `folder`: the flow's, or the working
directory for `workbench preview`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from workbench.engine.session import get_path, set_path
from workbench.flow import template

PREVIEW_HEIGHT = 420
"""The iframe's height in the preview when no flow state gives one."""


@dataclass(frozen=True, slots=True)
class RenderedUrl:
    """The absolute URL to load, and the template's variables that had no value (they render as "")."""

    url: str
    missing: tuple[str, ...]


def render_url(url_template: str, variables: Mapping[str, Any], folder: Path) -> RenderedUrl:
    """Fill in `url_template` from `variables` (dotted paths work, as in the engine), then make it absolute."""
    # Here, not at the top: every `workbench` command builds the preview parser, and the actions load the engine.
    from workbench.engine.actions.iframe import resolve_url

    missing: list[str] = []
    url = template.render(url_template.strip(), lambda path: get_path(variables, path), missing.append)
    return RenderedUrl(resolve_url(url, folder), tuple(dict.fromkeys(missing)))


def local_file(url: str) -> Path | None:
    """The file a `file:` URL names, None for any other URL."""
    from urllib.request import url2pathname  # urllib.request loads http.client and more; only file URLs need it

    parts = urlsplit(url)
    return Path(url2pathname(parts.path)) if parts.scheme == "file" else None


def nest(pairs: Mapping[str, Any]) -> dict[str, Any]:
    """Variables from `name: value` pairs whose names may be dotted paths (`user.lastName`), as the session nests
    them."""
    variables: dict[str, Any] = {}
    for name, value in pairs.items():
        set_path(variables, name, value)
    return variables
