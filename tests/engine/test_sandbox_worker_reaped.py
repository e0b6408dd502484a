"""A sandbox worker that is killed is reaped at once: no zombie is left for the interpreter to warn about at exit
("subprocess … is still running")."""

from __future__ import annotations

import asyncio
import os

import pytest

from workbench.engine.sandbox_worker_client import WorkerProcess


def test_a_killed_worker_leaves_no_process_behind() -> None:
    async def start_and_kill() -> int:
        worker = await WorkerProcess.start()
        worker.kill()
        return worker.pid

    pid = asyncio.run(start_and_kill())
    with pytest.raises(ProcessLookupError):  # a zombie would still take signal 0
        os.kill(pid, 0)
