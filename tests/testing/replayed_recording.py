"""Save a recording and replay it: the last step of every record-and-replay test (not a test module itself)."""

from __future__ import annotations

from pathlib import Path

from workbench.testing.convo_format import load_convo_file
from workbench.testing.runner import ConvoResult, Runner


async def replay_saved(convo: Path, recording: str) -> ConvoResult:
    """Write `recording` (a convo file's text) to `convo`, load it and replay its first conversation."""
    convo.write_bytes(recording.encode("utf-8"))
    loaded = load_convo_file(convo)
    assert loaded.ok, [str(p) for p in loaded.problems]
    runner = Runner()
    try:
        return await runner.run(loaded.tests[0])
    finally:
        await runner.aclose()
