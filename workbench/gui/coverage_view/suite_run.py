"""Running the conversation tests under a flow's folder with coverage, on the running event loop.

The same runner as `workbench test` (`suite.run_tests`), one conversation after the other, so the window stays
responsive. Conversations with `http: passthrough` talk to a real backend: they get the window's starting
variables (for the sample, the `api_base` of the backend the window started); the others keep their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.testing.convo_format import ConvoTest, find_convo_files, load_convo_file
from workbench.testing.coverage import Coverage
from workbench.testing.runner import ConvoResult, Runner, file_error
from workbench.testing.suite import run_tests


@dataclass
class SuiteRun:
    """The results of a run and what it covered."""

    results: list[ConvoResult] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)

    def describe(self) -> str:
        """`9 conversations: 8 passed, 1 failed`."""
        counts = {s: sum(1 for r in self.results if r.status == s) for s in ("passed", "failed", "error")}
        parts = [f"{n} {status}" for status, n in counts.items() if n or status != "error"]
        return f"{len(self.results)} conversations: " + ", ".join(parts)


def load_tests(folder: Path) -> tuple[list[ConvoTest], list[ConvoResult]]:
    """The conversations in the convo files under `folder`, and an error result per file that cannot run."""
    tests: list[ConvoTest] = []
    errors: list[ConvoResult] = []
    for path in find_convo_files([folder]):
        convo = load_convo_file(path)
        if convo.ok:
            tests += convo.tests
        else:
            errors.append(file_error(convo))
    return tests, errors


async def run_folder(
    folder: Path, live_variables: Mapping[str, Any], progress: Callable[[int, int], None] | None = None
) -> SuiteRun:
    """Replay every conversation under `folder`, counting coverage; `progress(done, total)` after each."""
    tests, errors = await asyncio.to_thread(load_tests, folder)
    run = SuiteRun(results=errors)
    plain = Runner()
    live = Runner(variables=live_variables, sandbox=plain.sandbox)
    try:
        for done, test in enumerate(tests, start=1):
            run.results += await run_tests(live if test.passthrough else plain, [test], run.coverage)
            if progress is not None:
                progress(done, len(tests))
    finally:
        await live.aclose()  # its HTTP client; the sandbox is the plain runner's, closed next
        await plain.aclose()
    return run
