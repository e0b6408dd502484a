"""Short `workbench` commands start quickly: each loads only what it uses. Checked by module names in a fresh
interpreter, never by timings (tests/benchmarks/bench_startup.py measures those)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "flows" / "train_ticket"

# What no short command needs: the GUI, libraries only some flows or options use, httpx's own command-line client
# (click, rich and pygments, loaded by `import httpx` whenever they are installed), the XML writer of `--junit`.
NEVER_AT_START = [
    "PySide6",
    "qasync",
    "jsonschema",
    "dateparser",
    "phonenumbers",
    "regex",
    "click",
    "rich",
    "pygments",
    "xml.etree.ElementTree",
]
ENGINE = ["workbench.engine.conversation", "httpx", "py_mini_racer"]
# The modules of the commands a test run does not use: each is imported only when its own command runs.
OTHER_COMMANDS = [
    "workbench.testing.explore",
    "workbench.testing.mutate",
    "workbench.translations_cli",
    "workbench.testing.cli_diff",
    "workbench.gui",
    "workbench.sample",
]

PROBE = """
import json, sys
from workbench.cli import main
report, wanted, *argv = sys.argv[1:]
try:
    main(argv)
except SystemExit:
    pass
names = json.loads(wanted)
with open(report, "w") as out:
    json.dump(sorted(name for name in names if name in sys.modules), out)
"""


def loaded_by(tmp_path: Path, names: list[str], *argv: str) -> list[str]:
    """Which of `names` are imported after `workbench ARGV` runs in a fresh interpreter."""
    report = tmp_path / "loaded.json"
    command = [sys.executable, "-c", PROBE, str(report), json.dumps(names), *argv]
    subprocess.run(command, cwd=ROOT, capture_output=True, check=True, timeout=120)
    return json.loads(report.read_text())


def test_help_loads_no_gui_and_no_library_a_command_would_load_when_it_runs(tmp_path):
    assert loaded_by(tmp_path, NEVER_AT_START, "--help") == []


def test_testing_one_conversation_file_loads_no_gui_no_unused_library_and_no_junit_writer(tmp_path):
    # Its `bot: {key: "menu.say[0]"}` names a template ("Hi {first_name|capitalize}! …"): matched with a bounded
    # pattern, so `regex` is used there — every other library stays unloaded.
    unused = [name for name in NEVER_AT_START if name != "regex"]
    assert loaded_by(tmp_path, unused, "test", str(SAMPLE / "intents.convo.yaml")) == []


# What a run of the sample's intents.convo.yaml never reaches (no code action runs and no route's condition is
# decided, no API action is entered, one process, no HTML report), so it loads none of it: the JavaScript sandbox
# (mini-racer and its worker client), the debugger, the code and API actions, the process pool.
UNREACHED_BY_INTENTS = [
    "py_mini_racer",
    "workbench.engine.sandbox",
    "workbench.engine.sandbox_types",
    "workbench.engine.debugger",
    "workbench.engine.actions.code",
    "workbench.engine.actions.api",
    "multiprocessing",
    "concurrent.futures.process",
    "workbench.testing.coverage_html",
    "httpx",
    "http.cookiejar",
]


def test_testing_one_file_loads_only_the_parts_its_conversations_reach(tmp_path):
    assert loaded_by(tmp_path, UNREACHED_BY_INTENTS, "test", str(SAMPLE / "intents.convo.yaml")) == []


def test_testing_one_file_loads_no_other_commands_module(tmp_path):
    assert loaded_by(tmp_path, OTHER_COMMANDS, "test", str(SAMPLE / "intents.convo.yaml")) == []


def test_help_still_lists_every_command(tmp_path):
    listed = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120
    ).stdout
    for command in ("validate", "chat", "schema", "test", "preview", "diff", "translations", "explore", "mutate"):
        assert command in listed


def test_the_pytest_plugin_loads_no_engine_until_conversations_run():
    # The pytest-xdist controller loads the plugin and never runs a conversation.
    probe = "import json, sys, workbench.testing.pytest_plugin; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    loaded = set(json.loads(done.stdout))
    assert [name for name in [*ENGINE, "workbench.testing.runner"] if name in loaded] == []


def test_validate_loads_no_unused_library(tmp_path):
    assert loaded_by(tmp_path, NEVER_AT_START, "validate", str(SAMPLE / "train_ticket.yaml")) == []


def test_validate_and_help_load_no_engine(tmp_path):
    assert loaded_by(tmp_path, ENGINE, "validate", str(SAMPLE / "train_ticket.yaml")) == []
    assert loaded_by(tmp_path, ENGINE, "--help") == []
