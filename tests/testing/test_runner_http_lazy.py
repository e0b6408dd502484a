"""A runner makes its shared HTTP client (and loads httpx's transports for it) only when a replayed conversation
makes its first request. Checked by module names in a fresh interpreter, never by timings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INTENTS = ROOT / "flows" / "train_ticket" / "intents.convo.yaml"
DATA = Path(__file__).parent / "data"


def _replayed(convo: Path) -> tuple[list[str], bool]:
    """The statuses of `convo`'s conversations replayed in a fresh interpreter, and whether the shared client's
    module was loaded by then."""
    probe = (
        "import asyncio, json, sys\n"
        "from workbench.testing.convo_format import load_convo_file\n"
        "from workbench.testing.runner import Runner\n"
        "async def main():\n"
        "    runner = Runner()\n"
        f"    results = await runner.run_file(load_convo_file({str(convo)!r}))\n"
        "    await runner.aclose()\n"
        "    return [r.status for r in results]\n"
        "statuses = asyncio.run(main())\n"
        "print(json.dumps([statuses, 'workbench.testing.shared_http' in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    statuses, loaded = json.loads(done.stdout.splitlines()[-1])
    return statuses, loaded


def test_a_replay_that_makes_no_request_never_makes_the_shared_http_client() -> None:
    statuses, loaded = _replayed(INTENTS)
    assert statuses and set(statuses) == {"passed"}
    assert not loaded


def test_a_replay_that_makes_a_request_makes_the_client_and_the_request_is_answered(tmp_path: Path) -> None:
    convo = tmp_path / "prices.convo.yaml"
    convo.write_text(
        f"flow: {DATA / 'prices.yaml'}\nvariables: {{api_base: 'http://prices.test'}}\nhttp:\n"
        "  - request: GET {api_base}/price?to={city}\n    json: {distance_km: 42}\n"
        "  - request: POST {api_base}/tickets\n    json: {session: {namespace: booking, data: {ticket_id: T-1}}}\n"
        "turns:\n  - user: Ghent\n  - bot: Booked T-1, 42 km.\n"
    )
    statuses, loaded = _replayed(convo)
    assert statuses == ["passed"]
    assert loaded
