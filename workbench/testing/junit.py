"""JUnit XML for CI servers: one `<testsuite>` per convo file, one `<testcase>` per conversation (and language: its
name then ends in `[nl]`, and every case has a `language` property)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from workbench.testing.convo_format import SUFFIX
from workbench.testing.runner import ConvoResult

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def classname(file: str) -> str:
    """A convo file as a dotted class name, the way CI servers group tests: `flows.train_ticket.booking`."""
    path = Path(file)
    stem = path.name.removesuffix(SUFFIX).removesuffix(".yaml")
    parts = [p for p in path.parent.parts if p not in ("/", ".", "..")]
    return ".".join([*parts, stem])


def _case(result: ConvoResult) -> ET.Element:
    case = ET.Element(
        "testcase",
        classname=classname(result.file),
        name=_text(result.name),
        file=result.file,
        line=str(result.line),
        time=f"{result.duration:.3f}",
    )
    if result.language:
        properties = ET.SubElement(case, "properties")
        ET.SubElement(properties, "property", name="language", value=result.language)
    if result.failure is not None:
        tag = "error" if result.status == "error" else "failure"
        first = result.failure.message.splitlines()[0] if result.failure.message else result.status
        if result.failure.http_failures:
            first += f" ({result.failure.http_failures[0]})"
        detail = ET.SubElement(case, tag, message=_text(first), type="ConversationTest")
        detail.text = _text(result.failure.report())
    return case


def junit_xml(results: Sequence[ConvoResult], name: str = "workbench test") -> str:
    """The results as a JUnit XML document."""
    root = ET.Element("testsuites", name=name)
    by_file: dict[str, list[ConvoResult]] = {}
    for result in results:
        by_file.setdefault(result.file, []).append(result)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    total_time = 0.0
    for file, group in by_file.items():
        counts = {
            "tests": len(group),
            "failures": sum(r.status == "failed" for r in group),
            "errors": sum(r.status == "error" for r in group),
        }
        duration = sum(r.duration for r in group)
        suite = ET.SubElement(
            root, "testsuite", name=file, skipped="0", time=f"{duration:.3f}", **{k: str(v) for k, v in counts.items()}
        )
        suite.extend(_case(r) for r in group)
        for key, value in counts.items():
            totals[key] += value
        total_time += duration
    root.attrib.update({k: str(v) for k, v in totals.items()}, time=f"{total_time:.3f}")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(results: Sequence[ConvoResult], path: str | Path) -> None:
    """Write `junit_xml(results)` to `path`."""
    Path(path).write_text(junit_xml(results), encoding="utf-8")
