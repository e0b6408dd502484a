"""The results of a run as JSON, for scripts and the GUI: a summary and one entry per conversation."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from workbench.testing.runner import ConvoResult


def result_json(result: ConvoResult) -> dict[str, Any]:
    """One result: where the test is, its status and duration, and the failure with its text report."""
    data: dict[str, Any] = {
        "id": result.id,
        "name": result.name,
        "file": result.file,
        "line": result.line,
        "flow": result.flow,
        "tags": list(result.tags),
        "status": result.status,
        "duration": round(result.duration, 6),
        "failure": None,
    }
    if result.failure is not None:
        failure = asdict(result.failure)
        failure["loc"] = str(result.failure.loc)
        failure["report"] = result.failure.report()
        data["failure"] = failure
    return data


def report_json(results: Sequence[ConvoResult], duration: float) -> dict[str, Any]:
    """`{summary: {total, passed, failed, errors, duration}, results: [...]}`."""
    return {
        "summary": {
            "total": len(results),
            "passed": sum(r.status == "passed" for r in results),
            "failed": sum(r.status == "failed" for r in results),
            "errors": sum(r.status == "error" for r in results),
            "duration": round(duration, 3),
        },
        "results": [result_json(r) for r in results],
    }


def write_json(results: Sequence[ConvoResult], duration: float, path: str | Path) -> None:
    """Write `report_json(...)` to `path`."""
    text = json.dumps(report_json(results, duration), ensure_ascii=False, indent=2, default=str)
    Path(path).write_text(text + "\n", encoding="utf-8")
