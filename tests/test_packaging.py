"""The package as a user installs it from a wheel: everything it needs ships inside it and is found there."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis", ".*_cache")
BUNDLED = {
    "workbench/resources/flow.schema.json",
    "workbench/resources/convo.schema.json",
    "workbench/resources/iframe_host.html",
    "workbench/resources/iframe_bridge.js",
    "workbench/sample_flows/train_ticket/train_ticket.yaml",
    "workbench/sample_flows/train_ticket/train_ticket.nl.yaml",
    "workbench/sample_flows/train_ticket/backend.py",
    "workbench/sample_flows/train_ticket/seat_picker.html",
    "workbench/sample_flows/train_ticket/booking.convo.yaml",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built offline (the environment's own setuptools) from a copy of the checkout, so that the build
    folders it writes never meet another build in the checkout."""
    source = tmp_path_factory.mktemp("source") / "checkout"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), "."],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked into a folder of its own (its dependencies come from this environment)."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


def python_from_wheel(installed: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run Python with the installed wheel first on its path, in a folder outside the checkout."""
    return subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=installed.parent,
        env={**os.environ, "PYTHONPATH": str(installed)},
        timeout=120,
    )


def from_wheel(installed: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run `workbench ARGS` from the installed wheel."""
    return python_from_wheel(installed, "-m", "workbench.cli", *args, stdin=stdin)


def test_the_wheel_ships_the_schemas_the_iframe_host_and_the_sample(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert names >= BUNDLED
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_installed_wheel_finds_its_files_inside_itself(installed: Path):
    probe = python_from_wheel(
        installed, "-c", "import workbench.sample as s, workbench.bundled as b; print(s.SAMPLE_FLOW, b.resource('x'))"
    )
    sample, resource = probe.stdout.split()
    assert Path(sample).is_relative_to(installed)
    assert Path(resource).is_relative_to(installed)


def test_schema_validate_and_chat_work_from_the_wheel(installed: Path):
    schema = from_wheel(installed, "schema")
    assert schema.returncode == 0 and '"$schema"' in schema.stdout
    assert '"turns"' in from_wheel(installed, "schema", "--convo").stdout
    sample = installed / "workbench" / "sample_flows" / "train_ticket" / "train_ticket.yaml"
    validate = from_wheel(installed, "validate", str(sample))
    assert (validate.returncode, validate.stdout) == (0, "")
    chat = from_wheel(installed, "chat", stdin="Ann\n1\nBrussels\n/quit\n")
    assert chat.returncode == 0, chat.stderr
    assert "Brussels" in chat.stdout
