"""The mutation report: text (the score, survivors grouped by state) and JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.testing.mutate.run import MutationRun

OUTCOMES = ("killed", "timed out", "survived", "invalid")


def text_report(run: MutationRun) -> str:
    """The report for a terminal: counts, score, then each state's surviving changes."""
    counts = ", ".join(f"{run.count(o)} {o}" for o in OUTCOMES)
    lines = [f"{run.flow}: {len(run.verdicts)} mutants ({counts}) against {run.conversations} conversations"]
    if run.baseline_failing:
        lines.append(f"{run.baseline_failing} conversation(s) fail on the flow as it is and were left out")
    lines.append(f"mutation score: {run.score:g}%")
    survivors = [v for v in run.verdicts if v.outcome == "survived"]
    if survivors:
        lines.append("")
        lines.append("survivors (no conversation noticed these changes):")
    for state in dict.fromkeys(v.state for v in survivors):
        here = [v for v in survivors if v.state == state]
        reached = here[0].covered
        why = f"reached by {reached} conversation(s)" if reached else "no conversation reaches it"
        lines.append(f"  {state} ({why})")
        lines += [f"    {v.change}" for v in here]
    return "\n".join(lines)


def json_report(run: MutationRun) -> dict[str, Any]:
    """`{flow, score, conversations, baseline_failing, counts: {outcome: n}, mutants: [{operator, state, change,
    outcome, killed_by, covered}]}`."""
    return {
        "flow": str(run.flow),
        "score": run.score,
        "conversations": run.conversations,
        "baseline_failing": run.baseline_failing,
        "counts": {o: run.count(o) for o in OUTCOMES},
        "mutants": [
            {
                "operator": v.operator,
                "state": v.state,
                "change": v.change,
                "outcome": v.outcome,
                "killed_by": v.killed_by,
                "covered": v.covered,
            }
            for v in run.verdicts
        ],
    }


def write_json_report(run: MutationRun, path: Path) -> None:
    """Write `json_report(run)` to `path`."""
    path.write_text(json.dumps(json_report(run), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
