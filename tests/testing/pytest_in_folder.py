"""Run pytest with the workbench's plugin in a fresh process, in a folder of convo files (a shared test helper)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

PLUGIN = "workbench.testing.pytest_plugin"


def run_pytest(*args: str, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """`python -m pytest ARGS` in `cwd` (its own root folder, no cache), with the plugin loaded whether or not the
    package's entry point registers it."""
    registered = any(e.value == PLUGIN for e in importlib.metadata.entry_points(group="pytest11"))
    plugin = [] if registered else ["-p", PLUGIN]
    command = [sys.executable, "-m", "pytest", *plugin, "-p", "no:cacheprovider", "--rootdir", str(cwd), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)
