"""The pytest plugin leaves the workbench's own modules to Python's import (and its byte-code cache)."""

from __future__ import annotations

import workbench.engine.conversation
import workbench.testing.runner


def test_the_workbench_modules_are_not_rewritten_for_assertions() -> None:
    for module in (workbench.engine.conversation, workbench.testing.runner):
        assert type(module.__loader__).__name__ != "AssertionRewritingHook", module.__name__
