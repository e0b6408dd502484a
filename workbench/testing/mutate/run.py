"""Judging mutants: the suite replayed once on the original flow (its coverage says which conversations reach each
state), then, for each mutant, only the conversations that entered the mutated state, until the first that fails.

The runner is given the mutant through its flow cache (`runner.flows`): `PinnedFlows` answers the flow's path
with the mutant, so the conversations, their canned HTTP and the shared sandbox are exactly those of the suite.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from workbench.flow.loader import LoadResult, load_flow
from workbench.flow.model import Flow
from workbench.testing.convo_format import ConvoTest, find_convo_files, load_convo_file
from workbench.testing.coverage import FlowCoverage
from workbench.testing.mutate.document import MutantLoader, read_document
from workbench.testing.mutate.operators import Mutant, mutants
from workbench.testing.runner import FlowCache, Runner

Outcome = Literal["killed", "survived", "timed out", "invalid"]
Check = tuple[ConvoTest, str | None]
"""A conversation to replay and its language (None: its own)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What became of one mutant; `killed_by` names the conversation that failed, `covered` how many ran."""

    operator: str
    state: str
    change: str
    outcome: Outcome
    killed_by: str = ""
    covered: int = 0


class PinnedFlows(FlowCache):
    """A flow cache that answers one flow file with a given (mutated) flow, every other file as usual."""

    def __init__(self, path: Path, loaded: LoadResult) -> None:
        super().__init__()
        self.path = path
        self.loaded = loaded

    def get(self, path: Path) -> LoadResult:
        """The pinned flow for its path, else the file as loaded."""
        return self.loaded if path == self.path else super().get(path)


def suite_tests(flow_path: Path, tests: Sequence[Path]) -> list[ConvoTest]:
    """The conversations of `tests` (files or folders; the flow's folder when empty) that run the flow."""
    files = find_convo_files(tests or [flow_path.parent])
    target = flow_path.resolve()
    return [
        test
        for file in files
        if (convo := load_convo_file(file)).ok
        for test in convo.tests
        if Path(test.flow).resolve() == target
    ]


async def _baseline(flow: Flow, tests: list[ConvoTest]) -> tuple[list[tuple[Check, frozenset[str]]], int]:
    """Each conversation that passes on the original flow, with the states it entered; and how many failed."""
    runner = Runner()
    passing: list[tuple[Check, frozenset[str]]] = []
    failing = 0
    try:
        for test in tests:
            for language in runner.languages(test):
                result = await runner.run(test, language=language)
                if not result.passed:
                    failing += 1
                    continue
                coverage = FlowCoverage.for_flow(flow)
                coverage.record(result.events)
                entered = {state for state, hits in coverage.states.items() if hits}
                passing.append(((test, language), frozenset(entered)))
    finally:
        await runner.aclose()
    return passing, failing


async def _judge_all(
    path: Path, todo: list[tuple[Mutant, LoadResult, list[Check]]], timeout: float
) -> list[tuple[Outcome, str]]:
    runner = Runner()
    outcomes: list[tuple[Outcome, str]] = []
    try:
        for _mutant, loaded, checks in todo:
            runner.flows = PinnedFlows(path, loaded)
            try:
                outcomes.append(await asyncio.wait_for(_first_failure(runner, checks), timeout))
            except TimeoutError:
                outcomes.append(("timed out", ""))
                await runner.aclose()  # a conversation cut off mid-turn may leave the sandbox busy
                runner = Runner()
    finally:
        await runner.aclose()
    return outcomes


async def _first_failure(runner: Runner, checks: list[Check]) -> tuple[Outcome, str]:
    for test, language in checks:
        result = await runner.run(test, language=language)
        if not result.passed:
            return "killed", result.id
    return "survived", ""


def _judge_chunk(args: tuple[Path, list[int], Sequence[Path], float]) -> list[tuple[int, Outcome, str]]:
    """In a worker process: judge the mutants with these indexes (mutants and the baseline are rebuilt here, the
    same deterministic way, rather than sent)."""
    path, indexes, tests, timeout = args
    plan = _Plan.make(path, tests)
    wanted = set(indexes)
    todo = [(i, item) for i, item in enumerate(plan.valid) if i in wanted]
    outcomes = asyncio.run(_judge_all(path, [item for _, item in todo], timeout))
    return [(i, outcome, by) for (i, _), (outcome, by) in zip(todo, outcomes, strict=True)]


@dataclass
class _Plan:
    """The mutants that load, each with the conversations to replay; the ones that do not load, counted."""

    valid: list[tuple[Mutant, LoadResult, list[Check]]]
    invalid: list[Mutant]
    baseline_failing: int
    conversations: int

    @classmethod
    def make(cls, path: Path, tests: Sequence[Path]) -> _Plan:
        original = load_flow(path)
        if original.flow is None:
            raise ValueError("\n".join(str(p) for p in original.errors))
        flow = original.flow
        passing, failing = asyncio.run(_baseline(flow, suite_tests(path, tests)))
        loader = MutantLoader(flow)
        valid: list[tuple[Mutant, LoadResult, list[Check]]] = []
        invalid: list[Mutant] = []
        for mutant in mutants(read_document(path.read_text(encoding="utf-8"))):
            loaded = loader.load(mutant.document)
            if not loaded.ok:
                invalid.append(mutant)
                continue
            checks = [check for check, entered in passing if mutant.state in entered]
            valid.append((mutant, loaded, checks))
        return cls(valid, invalid, failing, len(passing))


@dataclass(frozen=True, slots=True)
class MutationRun:
    """A whole mutation run: every mutant's verdict, in order, and what the suite was."""

    flow: Path
    verdicts: tuple[Verdict, ...]
    conversations: int
    baseline_failing: int

    def count(self, outcome: Outcome) -> int:
        """How many mutants had `outcome`."""
        return sum(v.outcome == outcome for v in self.verdicts)

    @property
    def score(self) -> float:
        """Killed and timed-out mutants, in percent of the mutants that load (100 when none does)."""
        judged = self.count("killed") + self.count("timed out") + self.count("survived")
        caught = self.count("killed") + self.count("timed out")
        return 100.0 if judged == 0 else round(100.0 * caught / judged, 1)


def mutate(path: Path, tests: Sequence[Path] = (), *, workers: int = 1, timeout: float = 30.0) -> MutationRun:
    """Judge every mutant of the flow at `path` against the conversations of `tests` (the flow's folder when
    none); a mutant's conversations are bounded by `timeout` seconds in all. Raises ValueError when the flow does
    not load."""
    plan = _Plan.make(path, tests)
    runnable = [i for i, (_, _, checks) in enumerate(plan.valid) if checks]
    results: dict[int, tuple[Outcome, str]] = {}
    if workers <= 1 or len(runnable) < 2:
        todo = [plan.valid[i] for i in runnable]
        results = dict(zip(runnable, asyncio.run(_judge_all(path, todo, timeout)), strict=True))
    else:
        chunks = [runnable[k::workers] for k in range(workers)]
        with ProcessPoolExecutor(workers) as pool:
            for chunk in pool.map(_judge_chunk, [(path, c, tuple(tests), timeout) for c in chunks if c]):
                results.update((i, (outcome, by)) for i, outcome, by in chunk)
    verdicts = [
        Verdict(m.operator, m.state, m.change, *results.get(i, ("survived", "")), covered=len(checks))
        for i, (m, _, checks) in enumerate(plan.valid)
    ]
    verdicts += [Verdict(m.operator, m.state, m.change, "invalid") for m in plan.invalid]
    return MutationRun(path, tuple(verdicts), plan.conversations, plan.baseline_failing)
