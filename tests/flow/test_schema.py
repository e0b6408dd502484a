"""The JSON Schema agrees with the loader: what loads validates, structural mistakes fail both."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from workbench.flow.build import plain
from workbench.flow.loader import load_flow_text
from workbench.flow.schema import SCHEMA_PATH, flow_schema, schema_text
from workbench.flow.yaml_source import load_yaml

from .helpers import SAMPLES

VALIDATOR = jsonschema.Draft202012Validator(flow_schema())

HEAD = "start: a\nstates:\n"

ACCEPTED = [
    HEAD + "  a:\n    say: hi\n",
    HEAD + "  a:\n",
    HEAD + "  a:\n    next: [{if: x > 1, goto: a}, {goto: a}]\n",
    HEAD + "  a:\n    ask: [q, {text: t, quick_replies: [x, {title: y, goto: a}]}]\n    save: v.w\n    nlp: false\n",
    HEAD + "  a:\n    code: send()\n    args: {a: 1}\n    timeout: 1.5\n",
    HEAD + "  a:\n    api: {method: DELETE, url: x, auth: {type: basic, username: u, password: p}}\n",
    HEAD + "  a:\n    iframe: {url: x}\n",
    HEAD + "  a:\n    json: null\n",
    HEAD + "  a:\n    offload: {message: hi}\n",
    HEAD + "  a:\n    clear_session: {keep: []}\n",
    HEAD + "  a:\n    say: [{html: x}, {carousel: []}, {media: {type: file, url: u}}]\n",
    "name: n\nvariables: {a: [1]}\nnlu: {threshold: 0, intents: {i: []}, entities: {e: {values: []}}}\n"
    + HEAD
    + "  a:\n",
    "languages: {primary: nl, secondary: [en, fr], detection: a}\n" + HEAD + "  a:\n",
    "languages: {secondary: fr}\n" + HEAD + "  a:\n",
]

# Mistakes of shape (not of reference), which the schema can see as well as the loader.
REJECTED = [
    "start: a\n",
    "states: {a: {say: x}}\n",
    HEAD + "  a:\n    sya: hi\n",
    "start: a\nextra: 1\nstates:\n  a:\n",
    HEAD + "  a:\n    say: hi\n    ask: q\n    save: x\n",
    HEAD + "  a:\n    ask: q\n",
    HEAD + "  a:\n    say: hi\n    save: x\n",
    HEAD + "  a:\n    say: hi\n    timeout: 3\n",
    HEAD + "  a:\n    say: 3\n",
    HEAD + "  a:\n    next: 3\n",
    HEAD + "  a:\n    next: [a]\n",
    HEAD + "  a:\n    next: [{if: x}]\n",
    HEAD + "  a:\n    say: [{text: t, buttons: [{goto: a}]}]\n",
    HEAD + "  a:\n    say: [{text: t, buttons: [{title: t, url: u, goto: a}]}]\n",
    HEAD + "  a:\n    say: [{image: i, html: h}]\n",
    HEAD + "  a:\n    say: [{buttons: [x]}]\n",
    HEAD + "  a:\n    say: [{media: {type: gif, url: u}}]\n",
    HEAD + "  a:\n    code: 3\n",
    HEAD + "  a:\n    code: x()\n    timeout: -1\n",
    HEAD + "  a:\n    api: {url: x, method: get}\n",
    HEAD + "  a:\n    api: {method: GET}\n",
    HEAD + "  a:\n    api: {url: x, auth: {type: bearer}}\n",
    HEAD + "  a:\n    iframe: {url: x, height: 0}\n",
    HEAD + "  a:\n    offload: {provider: webhook}\n",
    HEAD + "  a:\n    clear_session: some\n",
    HEAD + "  a:\n    ask: q\n    save: x\n    nlp: maybe\n",
    "nlu: {threshold: 1.5}\n" + HEAD + "  a:\n",
    "nlu: {entities: {e: {synonyms: {}}}}\n" + HEAD + "  a:\n",
    "nlu: {intents: {i: hello}}\n" + HEAD + "  a:\n",
    "name: [x]\n" + HEAD + "  a:\n",
    "languages: {primary: EN}\n" + HEAD + "  a:\n",
    "languages: {secondary: [nl-BE]}\n" + HEAD + "  a:\n",
    "languages: {secondary: [nl, nl]}\n" + HEAD + "  a:\n",
    "languages: {main: en}\n" + HEAD + "  a:\n",
    "- a\n",
]


def instance(text: str) -> Any:
    return plain(load_yaml(text).data)


def test_schema_is_valid_draft_2020_12() -> None:
    schema = flow_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"flow", "state", "nlu", "messages", "choice", "api"} <= set(schema["$defs"])
    assert json.loads(schema_text()) == schema
    assert REPO / "resources" / "flow.schema.json" == SCHEMA_PATH


REPO = Path(__file__).resolve().parents[2]
TRANSLATION_FILE = re.compile(r"\.[a-z]{2}\.yaml$")
SAMPLE_FLOWS = sorted(SAMPLES.glob("*.yaml")) + sorted(
    p
    for p in (REPO / "flows").rglob("*.yaml")
    if not p.name.endswith(".convo.yaml") and not TRANSLATION_FILE.search(p.name)
)


@pytest.mark.parametrize("path", SAMPLE_FLOWS, ids=lambda p: p.stem)
def test_samples_validate(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load_flow_text(text).ok
    assert list(VALIDATOR.iter_errors(instance(text))) == []


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_by_both(text: str) -> None:
    assert load_flow_text(text).ok, [str(p) for p in load_flow_text(text).errors]
    assert [e.message for e in VALIDATOR.iter_errors(instance(text))] == []


@pytest.mark.parametrize("text", REJECTED)
def test_rejected_by_both(text: str) -> None:
    assert not load_flow_text(text).ok
    assert not VALIDATOR.is_valid(instance(text))


def test_flow_package_never_imports_qt() -> None:
    code = (
        "import sys, workbench.flow.loader, workbench.flow.schema, workbench.flow.validate;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qasync', 'shiboken6')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
