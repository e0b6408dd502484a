"""The `workbench` command as a user runs it: in a subprocess, with piped input."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOW_TESTS = ROOT / "tests" / "flow"
SAMPLE = ROOT / "flows" / "train_ticket" / "train_ticket.yaml"


def workbench(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_validate_prints_every_problem_of_every_broken_file_and_fails():
    broken = sorted(p.relative_to(FLOW_TESTS).as_posix() for p in (FLOW_TESTS / "broken").glob("*.yaml"))
    expected = "".join((FLOW_TESTS / name).with_suffix(".expected").read_text() for name in broken)
    result = workbench("validate", *broken, cwd=FLOW_TESTS)
    assert result.returncode == 1
    assert result.stdout == expected


def test_validate_passes_the_sample_quietly():
    result = workbench("validate", str(SAMPLE))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_validate_with_warnings_only_exits_zero_and_quiet_hides_them():
    path = "broken/warnings.yaml"
    assert workbench("validate", path, cwd=FLOW_TESTS).returncode == 0
    assert workbench("validate", "-q", path, cwd=FLOW_TESTS).stdout == ""


def test_chat_talks_to_the_sample_with_piped_input():
    script = "\n".join(
        [
            "Ann",
            "1",  # the first quick reply: Book a ticket
            "Bruxelles",
            "/state",
            "/vars",
            "what about the weather",  # not a date: asked again
            "/restart",
            "/quit",
            "never read",
        ]
    )
    result = workbench("chat", str(SAMPLE), stdin=script + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "bot> Hi Ann! What would you like to do?\n     [1] Book a ticket\n     [2] Our destinations" in out
    assert "you> Bruxelles\nbot> When do you want to travel to Brussels?" in out
    assert "state: ask_date  (waiting: ask_date)" in out
    variables = json.loads(out[out.index("you> /vars\n") + len("you> /vars\n") : out.index("\n}\n") + 2])
    assert variables["destination"] == "Brussels"
    assert variables["internal"]["channel"] == "workbench"
    assert 'you> what about the weather\nbot> I did not get that date. Try "tomorrow" or "next Monday".' in out
    assert out.count("bot> Welcome to Belgian Rail tickets!") == 2
    assert "never read" not in out


def test_chat_refuses_a_broken_flow_with_its_problems():
    result = workbench("chat", "broken/two_kinds.yaml", cwd=FLOW_TESTS)
    assert result.returncode == 1
    assert result.stderr.startswith("broken/two_kinds.yaml:")


def test_schema_prints_the_flow_schema_and_the_convo_schema():
    flow = json.loads(workbench("schema").stdout)
    convo = json.loads(workbench("schema", "--convo").stdout)
    assert "states" in flow["$defs"]["flow"]["properties"]
    assert "turns" in json.dumps(convo)


def test_chat_stops_quietly_when_its_reader_goes_away():
    command = f"{sys.executable} -m workbench.cli chat {SAMPLE} | head -1"
    result = subprocess.run(
        ["bash", "-c", command], input="Ann\n1\nBrussels\n", capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.stdout == "bot> Welcome to Belgian Rail tickets!\n"
    assert "Traceback" not in result.stderr
