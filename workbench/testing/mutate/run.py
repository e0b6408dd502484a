"""Judging mutants: the suite replayed once on the original flow (its coverage says which conversations reach each
state), then, for each mutant, only the conversations that entered the mutated state, until the first that fails.

The runner is given the mutant through its flow cache (`runner.flows`): `PinnedFlows` answers the flow's path
with the mutant, so the conversations, their canned HTTP and the shared sandbox are exactly those of the suite.

With several workers the baseline still runs once, here, while the worker processes start; then this process
judges chunks of mutants too. Each worker process loads the flow and the suite once and is then sent chunks, each
mutant as its document and the indexes of the conversations to replay it with. A shard (`Shard`) judges only the
mutants whose stable id it holds. A run is stopped between mutants: here by asking `stop()`, in the workers by an
event this process sets once `stop()` says so, so that each worker ends its chunk at its next mutant.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any, Literal

from workbench.flow.loader import LoadResult, load_flow
from workbench.flow.model import Flow
from workbench.flow.translations import translation_file
from workbench.testing.convo_format import ConvoTest, find_convo_files, load_convo_file
from workbench.testing.coverage import FlowCoverage
from workbench.testing.localize import ONE_LANGUAGE
from workbench.testing.mutate.closest import Closest, ExpectationCounter, Observation, Trace, closest, trace
from workbench.testing.mutate.document import MutantLoader
from workbench.testing.mutate.operators import Mutant, mutants
from workbench.testing.mutate.shards import Shard, fingerprint, mutant_id
from workbench.testing.runner import ConvoResult, FlowCache, Runner, run_languages

Outcome = Literal["killed", "survived", "timed out", "invalid"]
Check = tuple[ConvoTest, str | None]
"""A conversation to replay and its language (None: its own)."""
Progress = Callable[[int, "Verdict | None"], None]
"""Told how many mutants the run judges in all, first with no verdict (once the mutants are made, before the suite
runs on the flow as it is), then with each verdict as it is reached."""
Stop = Callable[[], bool]
"""Asked between mutants whether the run should end there."""
CHUNKS_PER_WORKER = 4
"""Mutants go to the workers in this many chunks per worker, so one slow chunk does not keep the others idle."""
POLL_SECONDS = 0.1
"""How often this process asks `stop()` while it waits for the workers."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What became of one mutant; `killed_by` names the conversation that failed, `covered` how many reach its
    state, `index` its place among the flow's mutants, `closest` the conversation nearest to catching a
    survivor."""

    operator: str
    state: str
    change: str
    outcome: Outcome
    killed_by: str = ""
    covered: int = 0
    index: int = 0
    closest: Closest | None = None

    @property
    def id(self) -> str:
        """The mutant's stable id (its operator, state and change hashed)."""
        return mutant_id(self.operator, self.state, self.change)


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


def suite_checks(flow_path: Path, tests: Sequence[Path]) -> list[Check]:
    """Each conversation of the suite in each language it runs in, in order: the same list in every process."""
    flows = FlowCache()
    return [
        (test, language)
        for test in suite_tests(flow_path, tests)
        for language in run_languages(test, flows, ONE_LANGUAGE)
    ]


def _original(path: Path) -> Flow:
    loaded = load_flow(path)
    if loaded.flow is None:
        raise ValueError("\n".join(str(p) for p in loaded.errors))
    return loaded.flow


@dataclass
class _Baseline:
    """The suite on the flow as it is: for each passing conversation (by index) the states it entered and its
    trace; how many failed."""

    entered: dict[int, frozenset[str]] = field(default_factory=dict)
    traces: dict[int, Trace] = field(default_factory=dict)
    failing: int = 0


async def _baseline(runner: Runner, flow: Flow, checks: list[Check], stop: Stop) -> _Baseline:
    baseline = _Baseline()
    for index, (test, language) in enumerate(checks):
        if stop():
            break
        result = await runner.run(test, language=language)
        if not result.passed:
            baseline.failing += 1
            continue
        coverage = FlowCoverage.for_flow(flow)
        coverage.record(result.events)
        baseline.entered[index] = frozenset(state for state, hits in coverage.states.items() if hits)
        baseline.traces[index] = trace(result.events, flow.variables)
    return baseline


@dataclass(frozen=True, slots=True)
class _Job:
    """What a worker needs to judge one mutant: its index, its state, the mutated document, the conversations
    (indexes into `suite_checks`) to replay."""

    index: int
    state: str
    document: dict[str, Any]
    checks: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Judged:
    """A worker's verdict on one mutant; a survivor's replays as observations."""

    index: int
    outcome: Outcome
    killed_by: str = ""
    observations: tuple[Observation, ...] = ()


class _Judge:
    """Judges mutants of one flow with the suite's conversations, on one event loop: its runner (and so the
    sandbox's V8 process) serves every mutant, until a timeout makes a new one."""

    def __init__(self, flow: Flow, checks: list[Check], timeout: float) -> None:
        assert flow.path is not None, "a flow loaded from a file"
        self.path = flow.path
        self.loader = MutantLoader(flow)
        self.checks = checks
        self.timeout = timeout
        self.runner = Runner()

    async def judge(self, jobs: Sequence[_Job], done: Callable[[_Judged], None], stop: Stop) -> None:
        """Judge each job in order, handing each verdict to `done`, until `stop()` says to end."""
        for job in jobs:
            if stop():
                return
            loaded = self.loader.load(job.document)
            if loaded.flow is None:
                done(_Judged(job.index, "invalid"))
                continue
            self.runner.flows = PinnedFlows(self.path, loaded)
            try:
                done(await asyncio.wait_for(self._replay(job, loaded.flow), self.timeout))
            except TimeoutError:
                done(_Judged(job.index, "timed out"))
                await self.runner.aclose()  # a conversation cut off mid-turn may leave the sandbox busy
                self.runner = Runner()

    async def aclose(self) -> None:
        """Close the runner."""
        await self.runner.aclose()

    async def _replay(self, job: _Job, mutant: Flow) -> _Judged:
        """The job's conversations until the first that fails; a survivor's replays kept as observations."""
        passed: list[tuple[int, ConvoResult, int]] = []
        for check in job.checks:
            test, language = self.checks[check]
            counter = ExpectationCounter(job.state)
            result = await self.runner.run(test, language=language, observer=counter.observe, on_turn=counter.turn_done)
            if not result.passed:
                return _Judged(job.index, "killed", result.id)
            passed.append((check, result, counter.checked))
        seen = tuple(Observation(c, r.id, trace(r.events, mutant.variables), n) for c, r, n in passed)
        return _Judged(job.index, "survived", observations=seen)


_worker: tuple[_Judge, asyncio.AbstractEventLoop, Event] | None = None


def _start_worker(path: Path, tests: tuple[Path, ...], timeout: float, stopped: Event) -> None:
    """In a worker process: load the flow and the suite once, and make the loop every chunk runs on."""
    global _worker
    _worker = (_Judge(_original(path), suite_checks(path, tests), timeout), asyncio.new_event_loop(), stopped)


def _ready() -> None:
    """Nothing: submitted once per worker so that the workers start (and load) while the baseline runs."""


def _work(jobs: list[_Job]) -> list[_Judged]:
    """In a worker process: judge a chunk of jobs, or those before the run was stopped (the worker's sandbox
    process ends with the worker)."""
    assert _worker is not None, "the pool's initializer ran"
    judge, loop, stopped = _worker
    found: list[_Judged] = []
    loop.run_until_complete(judge.judge(jobs, found.append, stopped.is_set))
    return found


@dataclass(frozen=True, slots=True)
class MutationRun:
    """A whole mutation run (or one shard of it): every mutant's verdict, in the flow's order, and what the suite
    was. `total` is how many mutants the flow has in all when this run judged only `shard` of them; the digests
    tell runs of the same flow contents and suite apart from others."""

    flow: Path
    verdicts: tuple[Verdict, ...]
    conversations: int
    baseline_failing: int
    shard: Shard | None = None
    total: int | None = None
    flow_digest: str = ""
    suite_digest: str = ""

    def count(self, outcome: Outcome) -> int:
        """How many mutants had `outcome`."""
        return sum(v.outcome == outcome for v in self.verdicts)

    @property
    def all_mutants(self) -> int:
        """How many mutants the flow has (in all shards)."""
        return len(self.verdicts) if self.total is None else self.total

    @property
    def score(self) -> float:
        """Killed and timed-out mutants, in percent of the mutants that load (100 when none does)."""
        judged = self.count("killed") + self.count("timed out") + self.count("survived")
        caught = self.count("killed") + self.count("timed out")
        return 100.0 if judged == 0 else round(100.0 * caught / judged, 1)


class _Plan:
    """The mutants to judge (the shard's); once the baseline ran, their jobs; and the verdicts as they come in, each
    with what the report says of its mutant."""

    def __init__(self, document: dict[str, Any], shard: Shard | None, progress: Progress | None) -> None:
        self.progress = progress
        self.mutants: dict[int, Mutant] = {}
        self.reaching: dict[int, tuple[int, ...]] = {}
        self.verdicts: dict[int, Verdict] = {}
        self.baseline = _Baseline()
        self.total = 0
        for index, mutant in enumerate(mutants(document)):
            self.total += 1
            if shard is None or shard.holds(mutant_id(mutant.operator, mutant.state, mutant.change)):
                self.mutants[index] = mutant
        if progress is not None:
            progress(len(self.mutants), None)

    def jobs(self, baseline: _Baseline, select: bool) -> list[_Job]:
        """Each mutant's job: the conversations that entered its state (with `select`; else every passing one)."""
        self.baseline = baseline
        everyone = tuple(baseline.entered)
        found: list[_Job] = []
        for index, mutant in self.mutants.items():
            reaching = tuple(c for c in everyone if mutant.state in baseline.entered[c])
            self.reaching[index] = reaching
            found.append(_Job(index, mutant.state, mutant.document, reaching if select else everyone))
        return found

    def done(self, judged: _Judged) -> None:
        """Record a verdict (with the conversation closest to catching a survivor) and tell `progress`."""
        mutant, reaching = self.mutants[judged.index], self.reaching[judged.index]
        near = closest(judged.observations, {c: self.baseline.traces[c] for c in reaching})
        verdict = Verdict(
            mutant.operator,
            mutant.state,
            mutant.change,
            judged.outcome,
            judged.killed_by,
            len(reaching),
            judged.index,
            near,
        )
        self.verdicts[judged.index] = verdict
        if self.progress is not None:
            self.progress(len(self.mutants), verdict)


def _share(
    jobs: list[_Job],
    pool: ProcessPoolExecutor | None,
    workers: int,
    here: Callable[[list[_Job]], None],
    done: Callable[[_Judged], None],
    stop: Stop,
) -> None:
    """Judge the jobs in chunks (strided, so each has mutants of many states): `here` judges chunks in this process,
    from the start, while the pool's `workers - 1` processes start and then take their share, each verdict to
    `done`. Once `stop()` says so no chunk is begun, and the chunks under way end at their next mutant."""
    count = min(len(jobs), workers * CHUNKS_PER_WORKER)
    waiting = deque(jobs[k::count] for k in range(count))
    flying: set[Future[list[_Judged]]] = set()
    started = False  # until a process has answered once it is still starting: one chunk each, not two
    while waiting or flying:
        if stop():
            waiting.clear()
        while pool is not None and waiting and len(flying) < (2 if started else 1) * (workers - 1):
            flying.add(pool.submit(_work, waiting.popleft()))
        if waiting:
            here(waiting.popleft())
            landed = {future for future in flying if future.done()}
        else:
            landed = wait(flying, POLL_SECONDS, FIRST_COMPLETED).done
        for future in landed:
            started = True
            flying.discard(future)
            for judged in future.result():
                done(judged)


def _pool(path: Path, tests: Sequence[Path], timeout: float, processes: int, stopped: Event) -> ProcessPoolExecutor:
    """Worker processes (spawned: V8's threads in this process make fork unsafe), started at once so that they
    load while the baseline runs; each ends its chunk at its next mutant once `stopped` is set."""
    context = multiprocessing.get_context("spawn")
    initargs = (path, tuple(tests), timeout, stopped)
    pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_start_worker, initargs=initargs)
    for _ in range(processes):
        pool.submit(_ready)
    return pool


def mutate(
    path: Path,
    tests: Sequence[Path] = (),
    *,
    workers: int = 1,
    timeout: float = 30.0,
    shard: Shard | None = None,
    select: bool = True,
    progress: Progress | None = None,
    stop: Stop | None = None,
) -> MutationRun:
    """Judge every mutant of the flow at `path` (those of `shard` only, when given) against the conversations of
    `tests` (the flow's folder when none); a mutant's conversations are bounded by `timeout` seconds in all.
    With `workers` above 1, this process is one of them. With `select` off, every mutant is replayed with the
    whole suite rather than with the conversations that reach its state. `progress` hears of the number of mutants
    and of each verdict as it is reached (in no particular order with several workers), in the calling thread.
    When `stop()` (asked between mutants) says so, the run ends after the mutants being judged, with the verdicts
    reached. Raises ValueError when the flow does not load."""
    flow = _original(path)
    checks = suite_checks(path, tests)
    stopped = multiprocessing.get_context("spawn").Event()

    def stopping() -> bool:
        if not stopped.is_set() and stop is not None and stop():
            stopped.set()  # the workers' chunks end at their next mutant
        return stopped.is_set()

    pool = _pool(path, tests, timeout, workers - 1, stopped) if workers > 1 else None
    try:
        with asyncio.Runner() as loop:
            judge = _Judge(flow, checks, timeout)
            try:
                plan = _Plan(judge.loader.document, shard, progress)
                jobs = plan.jobs(loop.run(_baseline(judge.runner, flow, checks, stopping)), select)
                _share(
                    jobs,
                    pool,
                    max(workers, 1),
                    lambda chunk: loop.run(judge.judge(chunk, plan.done, stopping)),
                    plan.done,
                    stopping,
                )
            finally:
                loop.run(judge.aclose())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return MutationRun(
        path,
        tuple(plan.verdicts[i] for i in sorted(plan.verdicts)),
        len(plan.baseline.entered),
        plan.baseline.failing,
        shard=shard,
        total=plan.total if shard is not None else None,
        flow_digest=fingerprint([path, *(translation_file(path, lang) for lang in flow.languages.secondary)]),
        suite_digest=fingerprint(sorted({Path(test.file) for test, _ in checks})),
    )
