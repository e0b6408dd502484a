"""`workbench mutate --merge REPORT…`: the shards' JSON reports combined into the report of the whole run, refused
when they are not the shards of one run (another flow, other flow contents or conversations, a shard given twice
or missing)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from workbench.testing.mutate.report import run_from_json
from workbench.testing.mutate.run import MutationRun


class MergeError(ValueError):
    """Why the reports cannot be merged, in a sentence that names them."""


def read_report(path: Path) -> MutationRun:
    """The run a shard's JSON report describes; MergeError when the file is not one."""
    try:
        return run_from_json(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise MergeError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise MergeError(f"{path}: not a report written by `workbench mutate --shard K/N --json FILE`") from exc


def merge(reports: Sequence[tuple[Path, MutationRun]]) -> MutationRun:
    """The whole run from its shards' runs (each with the file it came from, for the messages)."""
    if not reports:
        raise MergeError("no report to merge")
    for path, run in reports:
        if run.shard is None:
            raise MergeError(f"{path} is the report of a whole run, not of a shard (--shard K/N)")
    first_path, first = reports[0]
    for path, run in reports[1:]:
        _same_run(first_path, first, path, run)
    assert first.shard is not None
    given: dict[int, Path] = {}
    for path, run in reports:
        assert run.shard is not None
        if run.shard.index in given:
            raise MergeError(f"shard {run.shard} is given twice: {given[run.shard.index]} and {path}")
        given[run.shard.index] = path
    missing = [f"{k}/{first.shard.count}" for k in range(1, first.shard.count + 1) if k not in given]
    if missing:
        raise MergeError(f"missing shard{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    verdicts = sorted((v for _, run in reports for v in run.verdicts), key=lambda v: v.index)
    indexes = [v.index for v in verdicts]
    if len(set(indexes)) != len(indexes) or len(verdicts) != first.all_mutants:
        raise MergeError(
            f"the shards hold {len(verdicts)} verdicts on {len(set(indexes))} mutants, not one on each of the "
            f"flow's {first.all_mutants}: they were not split by the same version of workbench"
        )
    return MutationRun(
        first.flow,
        tuple(verdicts),
        first.conversations,
        first.baseline_failing,
        flow_digest=first.flow_digest,
        suite_digest=first.suite_digest,
    )


def _same_run(first_path: Path, first: MutationRun, path: Path, run: MutationRun) -> None:
    """MergeError unless `run` is another shard of the run `first` is a shard of."""
    both = f"{first_path} and {path}"
    assert first.shard is not None and run.shard is not None
    if run.flow != first.flow:
        raise MergeError(f"{both} are reports on different flows ({first.flow}, {run.flow})")
    if run.flow_digest != first.flow_digest:
        raise MergeError(f"{both} judged different contents of {first.flow} (the flow or its translations changed)")
    if run.suite_digest != first.suite_digest:
        raise MergeError(f"{both} replayed different conversations (the convo files differ)")
    if run.shard.count != first.shard.count or run.all_mutants != first.all_mutants:
        raise MergeError(
            f"{both} are shards of different splits ({first.shard} of {first.all_mutants} mutants, "
            f"{run.shard} of {run.all_mutants})"
        )
    if (run.conversations, run.baseline_failing) != (first.conversations, first.baseline_failing):
        raise MergeError(
            f"{both} started from different baselines ({first.conversations} and {run.conversations} "
            "conversations passing on the flow as it is)"
        )
