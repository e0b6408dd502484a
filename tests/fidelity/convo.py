"""Replaying a documented example as a conversation test: the flow and the convo file written to a folder, the
convo file loaded and run by the workbench's own runner (with its canned `http:` answers, no network)."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any

from workbench.testing.convo_format import ConvoFile, load_convo_file
from workbench.testing.runner import ConvoResult, Runner


def write_convo(folder: Path, flow: str, convo: str) -> Path:
    """Write `flow` as `flow.yaml` and `convo` (both dedented) as `example.convo.yaml` naming it; the convo path."""
    (folder / "flow.yaml").write_text(textwrap.dedent(flow), encoding="utf-8")
    path = folder / "example.convo.yaml"
    path.write_text("flow: flow.yaml\n" + textwrap.dedent(convo), encoding="utf-8")
    return path


def load(folder: Path, flow: str, convo: str) -> ConvoFile:
    """The convo file written by `write_convo`, loaded (problems and all)."""
    return load_convo_file(write_convo(folder, flow, convo))


def replay(folder: Path, flow: str, convo: str, **runner_options: Any) -> ConvoResult:
    """The result of the first conversation of the convo file, replayed by a `Runner(**runner_options)`."""
    loaded = load(folder, flow, convo)
    assert loaded.ok, [str(p) for p in loaded.problems]

    async def go() -> ConvoResult:
        runner = Runner(**runner_options)
        try:
            return await runner.run(loaded.tests[0])
        finally:
            await runner.aclose()

    return asyncio.run(go())


def passed(result: ConvoResult) -> bool:
    """Whether the conversation passed; an assertion message shows the failure report otherwise."""
    assert result.status == "passed", result.failure.report() if result.failure else result.status
    return True
