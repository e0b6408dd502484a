"""The results of a run as JSON, for scripts and the GUI: a summary (with the counts of each language) and one entry
per conversation (with the language it ran in; empty for a file that could not run)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from workbench.testing.runner import ConvoResult, by_language


def result_json(result: ConvoResult) -> dict[str, Any]:
    """One result: where the test is, its status and duration, and the failure with its text report."""
    data: dict[str, Any] = {
        "id": result.id,
        "name": result.name,
        "file": result.file,
        "line": result.line,
        "flow": result.flow,
        "language": result.language,
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


def _counts(results: Sequence[ConvoResult]) -> dict[str, int]:
    return {
        "total": len(results),
        "passed": sum(r.status == "passed" for r in results),
        "failed": sum(r.status == "failed" for r in results),
        "errors": sum(r.status == "error" for r in results),
    }


def report_json(results: Sequence[ConvoResult], duration: float) -> dict[str, Any]:
    """`{summary: {total, passed, failed, errors, duration, languages: {code: {total, passed, failed, errors}}},
    results: [...]}`."""
    return {
        "summary": {
            **_counts(results),
            "duration": round(duration, 3),
            "languages": {code: _counts(found) for code, found in by_language(results).items()},
        },
        "results": [result_json(r) for r in results],
    }


def write_json(results: Sequence[ConvoResult], duration: float, path: str | Path) -> None:
    """Write `report_json(...)` to `path`."""
    text = json.dumps(report_json(results, duration), ensure_ascii=False, indent=2, default=str)
    Path(path).write_text(text + "\n", encoding="utf-8")
