"""The `workbench` command given hostile paths, reports it cannot write, deep JSON and undecodable input: a message
and its documented exit status, never a traceback or a wait."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "flows" / "train_ticket" / "train_ticket.yaml"
BOOKING = ROOT / "flows" / "train_ticket" / "booking.convo.yaml"


def workbench(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "workbench.cli", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=120
    )
    out, err = result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err
    return subprocess.CompletedProcess(result.args, result.returncode, out, err)


def test_validate_test_and_import_refuse_a_named_pipe_instead_of_waiting_for_a_writer(tmp_path: Path) -> None:
    flow, convo, csv = tmp_path / "flow.yaml", tmp_path / "t.convo.yaml", tmp_path / "t.csv"
    for pipe in (flow, convo, csv):
        os.mkfifo(pipe)
    assert workbench("validate", str(flow)).stdout == (
        f"{flow}:1:1: error: cannot read the flow file: it is a named pipe, not a file\n"
    )
    tested = workbench("test", str(convo))
    assert tested.returncode == 2
    assert f"{convo}:1:1: error: cannot read the convo file: it is a named pipe, not a file" in tested.stdout
    imported = workbench("translations", "import", str(SAMPLE), str(csv))
    assert (imported.returncode, imported.stderr) == (
        1,
        f"workbench: cannot read {csv}: it is a named pipe, not a file\n",
    )


def test_reports_that_cannot_be_written_are_each_said_and_the_others_still_written(tmp_path: Path) -> None:
    written = tmp_path / "coverage.json"
    result = workbench(
        "test", "--junit", str(tmp_path), "--json", str(tmp_path / "no" / "r.json"), "--coverage-json", str(written),
        str(BOOKING),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: cannot write {tmp_path}: Is a directory",
        f"error: cannot write {tmp_path / 'no' / 'r.json'}: No such file or directory",
    ]
    assert "passed" in result.stdout.splitlines()[-1]
    assert written.is_file()


def test_a_var_of_json_nested_too_deeply_is_taken_as_text_with_a_warning() -> None:
    deep = "[" * 900 + "]" * 900
    result = workbench(
        "chat", str(SAMPLE), "--var", f"deep={deep}", "--var", "unclosed=" + "[" * 5000, stdin=b"/quit\n"
    )
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "warning: --var deep: its JSON is nested more than 100 levels deep; taken as text",
        "warning: --var unclosed: its JSON is nested more than 100 levels deep; taken as text",
    ]


def test_a_keyword_expression_nested_too_deeply_is_refused_as_bad_input() -> None:
    result = workbench("test", "-k", "(" * 5000 + "a" + ")" * 5000, str(BOOKING))
    assert result.returncode == 2
    assert result.stderr == f"error: cannot read '{'(' * 59}…': it is nested too deeply\n"


def test_chat_input_that_is_not_utf8_reaches_the_flow_as_replacement_characters() -> None:
    result = workbench("chat", str(SAMPLE), stdin=b"Ann\xff\n/vars\n")
    assert result.returncode == 0
    assert "bot> Hi Ann\ufffd! What would you like to do?" in result.stdout
    assert '"first_name": "Ann\ufffd"' in result.stdout


def test_test_says_a_path_is_a_symbolic_link_loop_rather_than_missing(tmp_path: Path) -> None:
    loop = tmp_path / "a.convo.yaml"
    loop.symlink_to(tmp_path / "b.convo.yaml")
    (tmp_path / "b.convo.yaml").symlink_to(loop)
    result = workbench("test", str(loop), str(tmp_path / "gone.convo.yaml"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"error: {loop}: Too many levels of symbolic links",
        f"error: {tmp_path / 'gone.convo.yaml'}: no such file or folder",
        "error: no conversation tests (*.convo.yaml) found",
    ]


def test_diff_says_a_folder_given_as_its_flow_is_not_a_file(tmp_path: Path) -> None:
    result = workbench("diff", str(tmp_path), "--against", str(SAMPLE))
    assert (result.returncode, result.stderr) == (2, f"error: {tmp_path}: not a file\n")


def test_a_flow_file_given_to_test_and_a_convo_file_given_to_validate_say_which_command_they_need() -> None:
    tested = workbench("test", str(SAMPLE))
    assert tested.returncode == 2
    assert (
        f"{SAMPLE}:35:1: error: this is a flow file (it has 'states'), not a conversation test: check it with "
        "`workbench validate`"
    ) in tested.stdout.splitlines()[2]
    validated = workbench("validate", str(BOOKING))
    assert (validated.returncode, validated.stdout) == (
        1,
        f"{BOOKING}:29:1: error: this is a conversation test (it has 'conversations'), not a flow file: run it "
        "with `workbench test`\n",
    )


def test_control_characters_of_a_file_reach_the_terminal_written_out_never_as_escape_sequences(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text('name: t\nstart: "\\e[2J\\ra"\nstates:\n  a: {say: hi}\n', encoding="utf-8")
    assert workbench("validate", str(flow)).stdout == (
        f"{flow}:2:8: error: 'start' refers to unknown state '\\u001b[2J\\u000da'\n"
    )
    convo = tmp_path / "t.convo.yaml"
    convo.write_text(f'flow: {SAMPLE}\nname: "red \\e[31m"\nturns:\n  - bot: "bell \\a"\n', encoding="utf-8")
    tested = workbench("test", str(convo))
    assert tested.returncode == 1
    assert tested.stdout.splitlines()[:2] == [
        f"FAILED {convo}::red \\u001b[31m",
        f"{convo}:4:5: bot: bell \\u0007",
    ]
    assert "\x1b" not in tested.stdout and "\x07" not in tested.stdout


def test_chat_writes_out_the_control_characters_it_is_given_and_echoes() -> None:
    result = workbench("chat", str(SAMPLE), stdin=b"An\x1b[2Jn\n")
    assert "you> An\\u001b[2Jn" in result.stdout.splitlines()
    assert "bot> Hi An\\u001b[2Jn! What would you like to do?" in result.stdout.splitlines()
    assert "\x1b" not in result.stdout


def test_chat_cuts_a_line_of_a_megabyte_and_reads_on_after_it() -> None:
    result = workbench("chat", str(SAMPLE), stdin=b"a" * 1_000_000 + b"\n/state\n")
    lines = result.stdout.splitlines()
    assert "! warning: the line was cut after 65536 characters" in lines
    assert f"you> {'a' * 65_536}" in lines
    assert lines[-1] == "state: menu  (waiting: menu)"


def test_a_var_whose_name_is_no_variable_name_is_refused_before_anything_runs() -> None:
    for command in (["test", str(BOOKING)], ["chat", str(SAMPLE)], ["explore", str(SAMPLE)]):
        result = workbench(*command, "--var", "=3", "--var", "a..b=1", "--var", "internal.nlp=x", stdin=b"/quit\n")
        assert (result.returncode, result.stdout) == (2, ""), command
        assert result.stderr.splitlines() == [
            "error: --var: '' is not a variable name",
            "error: --var: 'a..b' is not a variable name",
            "error: --var: internal.nlp is set by the engine and cannot be given; a test can give only what a channel "
            "gives, such as internal.channel or internal.user.firstName",
        ], command
