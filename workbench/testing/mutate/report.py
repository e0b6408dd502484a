"""The mutation report: text (the score, survivors grouped by state, each with the conversation closest to catching
it) and JSON, which a shard writes and `--merge` reads back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.testing.mutate.closest import Closest
from workbench.testing.mutate.run import MutationRun, Verdict
from workbench.testing.mutate.shards import Shard

OUTCOMES = ("killed", "timed out", "survived", "invalid")


def conversation_name(conversation_id: str) -> str:
    """A conversation's id (`file::name`) as a reader names it: `name (file name)`."""
    file, _, name = conversation_id.partition("::")
    return f"{name} ({Path(file).name})" if name else Path(file).name


def survivors_by_state(run: MutationRun) -> dict[str, list[Verdict]]:
    """The surviving mutants of each state, states in the order their first survivor comes."""
    grouped: dict[str, list[Verdict]] = {}
    for verdict in run.verdicts:
        if verdict.outcome == "survived":
            grouped.setdefault(verdict.state, []).append(verdict)
    return grouped


def reach(covered: int) -> str:
    """How many conversations reach a state, in words."""
    return f"reached by {covered} conversation(s)" if covered else "no conversation reaches it"


def summary(run: MutationRun) -> str:
    """The report's first line: the flow (and shard), the mutants by outcome, the conversations."""
    counts = ", ".join(f"{run.count(o)} {o}" for o in OUTCOMES)
    if run.shard is None:
        return f"{run.flow}: {len(run.verdicts)} mutants ({counts}) against {run.conversations} conversations"
    return (
        f"{run.flow} (shard {run.shard}): {len(run.verdicts)} of {run.all_mutants} mutants ({counts}) "
        f"against {run.conversations} conversations"
    )


def text_report(run: MutationRun) -> str:
    """The report for a terminal: counts, score, then each state's surviving changes with the closest
    conversation."""
    lines = [summary(run)]
    if run.baseline_failing:
        lines.append(f"{run.baseline_failing} conversation(s) fail on the flow as it is and were left out")
    lines.append(f"mutation score: {run.score:g}%")
    grouped = survivors_by_state(run)
    if grouped:
        lines.append("")
        lines.append("survivors (no conversation noticed these changes):")
    for state, here in grouped.items():
        lines.append(f"  {state} ({reach(here[0].covered)})")
        for verdict in here:
            lines.append(f"    {verdict.change}")
            if verdict.closest is not None:
                near = verdict.closest
                lines.append(f"      closest: {conversation_name(near.conversation)}: {near.hint}")
    return "\n".join(lines)


def json_report(run: MutationRun) -> dict[str, Any]:
    """`{flow, flow_digest, suite_digest, shard, mutants_total, score, conversations, baseline_failing,
    counts: {outcome: n}, mutants: [{id, index, operator, state, change, outcome, killed_by, covered,
    closest: {conversation, kind, hint} | null}]}`; `shard` is `"K/N"` or null."""
    return {
        "flow": str(run.flow),
        "flow_digest": run.flow_digest,
        "suite_digest": run.suite_digest,
        "shard": None if run.shard is None else str(run.shard),
        "mutants_total": run.all_mutants,
        "score": run.score,
        "conversations": run.conversations,
        "baseline_failing": run.baseline_failing,
        "counts": {o: run.count(o) for o in OUTCOMES},
        "mutants": [
            {
                "id": v.id,
                "index": v.index,
                "operator": v.operator,
                "state": v.state,
                "change": v.change,
                "outcome": v.outcome,
                "killed_by": v.killed_by,
                "covered": v.covered,
                "closest": None
                if v.closest is None
                else {"conversation": v.closest.conversation, "kind": v.closest.kind, "hint": v.closest.hint},
            }
            for v in run.verdicts
        ],
    }


def run_from_json(data: dict[str, Any]) -> MutationRun:
    """The run a `json_report` describes (raises KeyError, TypeError or ValueError when `data` is not one)."""
    verdicts = tuple(
        Verdict(
            m["operator"],
            m["state"],
            m["change"],
            m["outcome"],
            m["killed_by"],
            int(m["covered"]),
            int(m["index"]),
            None if m["closest"] is None else Closest(**m["closest"]),
        )
        for m in data["mutants"]
    )
    if any(v.outcome not in OUTCOMES for v in verdicts):
        raise ValueError("an unknown outcome")
    shard = None if data["shard"] is None else Shard.parse(data["shard"])
    return MutationRun(
        Path(data["flow"]),
        verdicts,
        int(data["conversations"]),
        int(data["baseline_failing"]),
        shard=shard,
        total=int(data["mutants_total"]) if shard is not None else None,
        flow_digest=str(data["flow_digest"]),
        suite_digest=str(data["suite_digest"]),
    )


def write_json_report(run: MutationRun, path: Path) -> None:
    """Write `json_report(run)` to `path`."""
    path.write_text(json.dumps(json_report(run), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
