"""Files that ship inside the installed package: the JSON Schemas, the iframe host page and bridge script
(`workbench.resources`), and the sample flows with their backend and pages (`workbench.sample_flows`).

In the repository they live in the top-level `resources/` and `flows/` folders, which pyproject.toml maps to those
two subpackages, so an editable install, a plain `pip install .` and a wheel all find them the same way.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from pathlib import Path


@functools.cache
def _folder(package: str) -> Path:
    # The package is installed as plain files (pip unpacks wheels), so its Traversable is a real folder.
    folder = files(package)
    if not isinstance(folder, Path):
        raise RuntimeError(f"{package} must be installed as files on disk, not inside an archive")
    return folder


def resource(name: str) -> Path:
    """The path of a file of `resources/` (for example `flow.schema.json`)."""
    return _folder("workbench.resources") / name


def resource_text(name: str) -> str:
    """The text of a file of `resources/`."""
    return resource(name).read_text(encoding="utf-8")


def sample_flows() -> Path:
    """The folder of the bundled sample flows (`flows/` in the repository)."""
    return _folder("workbench.sample_flows")
