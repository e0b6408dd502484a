"""Lone UTF-16 surrogates from outside (an API response from a real server on 127.0.0.1, a code action in real
V8, `--var` JSON) never crash what `workbench test` writes, and a conversation that met them records and replays:
they arrive as U+FFFD, which every report, transcript and recording writes as UTF-8."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from local_server import LocalServer
from replayed_recording import replay_saved

from workbench.engine.conversation import Conversation
from workbench.flow.loader import load_flow_or_raise
from workbench.testing.recorder import record
from workbench.testing.runner import ConvoResult

ROOT = Path(__file__).resolve().parents[2]
FLOW = """\
name: surrogates
variables: {api_base: "http://127.0.0.1:1", v: plain}
start: code
states:
  code:
    code: |
      ChatlayerResponseBuilder().addSessionVariable('c', 'a\\ud800b').addMessage('code \\udc00 says').send();
    next: call
  call:
    api: {method: GET, url: "{api_base}/answer"}
    next: done
  done:
    say: "done {c} {x} {v}"
"""
ANSWER = (
    b'{"session": {"x": "x\\ud800y"}, "messages": [{"type": "text", "config": {"textMessages": ["api \\udbff said"]}}]}'
)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A backend whose answer holds lone surrogates in a variable and in a message."""
    backend = LocalServer()
    backend.body = ANSWER
    yield backend
    backend.close()


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    path = tmp_path / "surrogates.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return path


def test_a_failing_run_prints_and_writes_its_reports_with_the_replacement_character(
    server: LocalServer, flow_file: Path, tmp_path: Path
) -> None:
    convo = tmp_path / "fails.convo.yaml"
    convo.write_text(
        "flow: surrogates.yaml\nname: Expects another answer\nhttp: passthrough\nturns:\n  - bot: wrong\n",
        encoding="utf-8",
    )
    reports = {flag: tmp_path / name for flag, name in [("--json", "r.json"), ("--junit", "r.xml")]}
    reports["--coverage-report"] = tmp_path / "coverage.html"
    files = [part for flag, path in reports.items() for part in (flag, str(path))]
    variables = ["--var", f"api_base={server.url}", "--var", 'v="\\udfff"']
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "test", str(convo), *variables, *files],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},  # as on a UTF-8 terminal
        timeout=120,
    )
    out, err = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    assert result.returncode == 1, err
    assert "Traceback" not in err
    assert 'the bot said something else: text is "code \ufffd says", expected "wrong"' in out
    assert "bot:   done a\ufffdb x\ufffdy \ufffd" in out  # the conversation up to the turn
    report = json.loads(reports["--json"].read_text(encoding="utf-8"))
    assert "code \ufffd says" in report["results"][0]["failure"]["report"]
    assert "code \ufffd says" in reports["--junit"].read_text(encoding="utf-8")
    reports["--coverage-report"].read_text(encoding="utf-8")


def test_a_conversation_that_met_lone_surrogates_records_and_replays(
    server: LocalServer, flow_file: Path, tmp_path: Path
) -> None:
    flow = load_flow_or_raise(flow_file)
    convo = tmp_path / "recorded.convo.yaml"

    async def go() -> ConvoResult:
        async with (
            httpx.AsyncClient() as client,
            Conversation(flow, http=client, variables={"api_base": server.url}) as conversation,
        ):
            await conversation.start()
            text = record(conversation.events, flow, name="Recorded", flow_ref=flow_file.name)
        return await replay_saved(convo, text)

    replayed = asyncio.run(go())
    assert replayed.passed, replayed.failure and replayed.failure.report()
    assert "  - bot: done a\ufffdb x\ufffdy plain\n" in convo.read_text(encoding="utf-8")
