"""The house rule: the engine, the flow model and the test runner never import Qt."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINE_MODULES = [
    p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
    for package in ("workbench/flow", "workbench/engine", "workbench/testing")
    for p in sorted((ROOT / package).rglob("*.py"))
]


def test_engine_modules_load_without_qt_in_a_fresh_interpreter():
    imports = "; ".join(f"import {m.removesuffix('.__init__')}" for m in ENGINE_MODULES)
    qt = ("PySide6", "qasync", "shiboken6")
    probe = f"{imports}; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in {qt!r}))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_import_linter_contract_holds():
    linter = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run([str(linter)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_flow_package_loads_without_the_engine_in_a_fresh_interpreter():
    flow_modules = [m.removesuffix(".__init__") for m in ENGINE_MODULES if m.startswith("workbench.flow")]
    above = ("workbench.engine", "workbench.testing", "workbench.gui")
    loaded = f"sorted(m for m in sys.modules if m.startswith({above!r}))"
    probe = f"import {', '.join(flow_modules)}; import sys; print({loaded})"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
