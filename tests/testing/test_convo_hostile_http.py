"""Canned HTTP headers that HTTP cannot send are refused at the header when the convo file loads, not when the
request is made; and `workbench test` shows the load problems of such files, never the run's Python error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing.test_convo_hostile_values import FLOW, load, problems

ROOT = Path(__file__).resolve().parents[2]
_PRICE = "http:\n  - request: GET {api_base}/price?to=Ghent\n    json: {distance_km: 1}\n    headers: "
_START = "variables: {destination: Ghent, passengers: 2}\nstart: compute_price\n"


def workbench_test(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbench.cli", "test", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ('{x-a: "😀"}', "7:20: error: header 'x-a' may hold only ASCII characters (not '😀')"),
        ('{content-type: "text/plaïn"}', "7:29: error: header 'content-type' may hold only ASCII characters (not 'ï')"),
        ("{nämé: x}", "7:15: error: header name 'nämé' may hold only ASCII characters (not 'ä')"),
        ("{null: x}", "7:15: error: a header name must be text, not null"),
        ('{"": x}', "7:15: error: a header name cannot be empty"),
        ("{x-a: true}", "7:20: error: header 'x-a' must be text or a number, not a boolean"),
        ("{x-a: null}", "7:20: error: header 'x-a' must be text or a number, not null"),
        ("{x-a: .inf}", "7:20: error: header 'x-a' must be text or a number, not .inf"),
    ],
)
def test_a_header_http_cannot_send_is_refused_at_the_header(headers: str, message: str) -> None:
    (shown,) = problems(f"{_START}{_PRICE}{headers}\nturns: [user: hi]\n")
    assert shown == f"t.convo.yaml:{message}"


def test_ascii_headers_load_with_their_names_in_lower_case() -> None:
    loaded = load(f"{_START}{_PRICE}{{X-Count: 3, X-Rate: 1.5, X-Name: ok}}\nturns: [user: hi]\n")
    assert loaded.ok, loaded.problems
    (stub,) = loaded.tests[0].http
    assert stub.headers == (
        ("content-type", "application/json"),
        ("x-count", "3"),
        ("x-rate", "1.5"),
        ("x-name", "ok"),
    )


def test_workbench_test_refuses_a_non_ascii_header_before_the_request(tmp_path: Path) -> None:
    path = tmp_path / "price.convo.yaml"
    path.write_text(f'flow: {FLOW}\n{_START}{_PRICE}{{x-a: "😀"}}\nturns: [user: hi]\n', encoding="utf-8")
    result = workbench_test(path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"{path}:7:20: error: header 'x-a' may hold only ASCII characters (not '😀')" in result.stdout
    assert "codec" not in result.stdout + result.stderr


def test_workbench_test_refuses_starting_variables_json_cannot_hold(tmp_path: Path) -> None:
    path = tmp_path / "greet.convo.yaml"
    path.write_text(
        f"flow: {FLOW}\nvariables: {{first_name: !!binary aGVsbG8=, passengers: .nan}}\nturns: [user: hi]\n",
        encoding="utf-8",
    )
    result = workbench_test(path)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert f"{path}:2:25: error: 'variables': 'first_name' must be a JSON value" in output
    assert "not binary data" in output
    assert f"{path}:2:56: error: 'variables': 'passengers' must be a JSON value" in output
    assert "not .nan, which is not a number JSON can hold" in output
    assert "B'hello'" not in output and "Out of range float" not in output
