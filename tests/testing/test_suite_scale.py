"""Replay at scale: a stream loads each file where and when it is replayed, one runner shares one HTTP client
without mixing conversations up, and a long-lived runner replays a flow as it is on disk now."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from workbench.engine import events as ev
from workbench.flow.loader import LoadResult, load_flow
from workbench.testing import runner as runner_module
from workbench.testing import suite
from workbench.testing.convo_format import ConvoTest, load_convo_text
from workbench.testing.runner import ConvoResult, Runner
from workbench.testing.selection import Selection

BROKEN = Path(__file__).parent / "broken"


def _test(text: str, folder: Path) -> ConvoTest:
    convo = load_convo_text(text, str(folder / "inline.convo.yaml"), folder)
    assert convo.ok, [str(p) for p in convo.problems]
    return convo.tests[0]


def _price_test(data: Path, km: int, set_cookie: str = "") -> ConvoTest:
    """A conversation of the prices flow whose canned price is `km` (and whose price answer sets a cookie)."""
    cookie = f"\n    headers: {{set-cookie: '{set_cookie}'}}" if set_cookie else ""
    return _test(
        f"""flow: {data / "prices.yaml"}
name: costs {km} km
http:
  - request: GET {{api_base}}/price?to={{city}}
    json: {{distance_km: {km}}}{cookie}
  - request: POST {{api_base}}/tickets
    json: {{session: {{namespace: booking, data: {{ticket_id: T-{km}}}}}}}
turns:
  - user: Ghent
  - bot: Booked T-{km}, {km} km.
""",
        data,
    )


def _replayed(*tests: ConvoTest, together: bool = False) -> list[ConvoResult]:
    async def go() -> list[ConvoResult]:
        runner = Runner()
        try:
            if together:
                return list(await asyncio.gather(*(runner.run(t) for t in tests)))
            return [await runner.run(t) for t in tests]
        finally:
            await runner.aclose()

    return asyncio.run(go())


def _requests(result: ConvoResult) -> list[ev.HttpExchange]:
    return [e for e in result.events if isinstance(e, ev.HttpExchange)]


def test_conversations_replayed_at_once_on_one_runner_each_get_their_own_canned_answers(data: Path) -> None:
    results = _replayed(*(_price_test(data, km) for km in (10, 60, 300)), together=True)
    assert [r.failure.report() if r.failure else r.status for r in results] == ["passed"] * 3


def test_a_cookie_stays_with_the_conversation_that_was_given_it(data: Path) -> None:
    given, other = _replayed(_price_test(data, 10, set_cookie="visit=abc; Path=/"), _price_test(data, 60))
    assert given.passed and other.passed
    price, booking = _requests(given)
    assert "cookie" not in price.request_headers
    assert booking.request_headers["cookie"] == "visit=abc"
    assert all("cookie" not in exchange.request_headers for exchange in _requests(other))


def test_a_runner_loads_a_flow_once_for_all_its_conversations(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[Path] = []

    def counted(path: Path) -> LoadResult:
        loads.append(path)
        return load_flow(path)

    monkeypatch.setattr(runner_module, "load_flow", counted)
    results = _replayed(*(_price_test(data, km) for km in (10, 60, 300)))
    assert all(r.passed for r in results)
    assert loads == [data / "prices.yaml"]


def test_a_long_lived_runner_replays_a_flow_edited_since_it_last_loaded_it(tmp_path: Path) -> None:
    flow = tmp_path / "greet.yaml"
    flow.write_text("name: Greet\nstart: hello\nstates:\n  hello:\n    say: Hello!\n")
    test = _test(f"flow: {flow}\nturns:\n  - bot: Hello!\n", tmp_path)

    async def go() -> tuple[ConvoResult, ConvoResult]:
        runner = Runner()
        try:
            before = await runner.run(test)
            flow.write_text("name: Greet\nstart: hello\nstates:\n  hello:\n    say: Good morning!\n")
            return before, await runner.run(test)
        finally:
            await runner.aclose()

    before, after = asyncio.run(go())
    assert before.passed
    assert after.failure is not None and "actual:   Good morning!" in after.failure.report()


def test_a_stream_loads_each_file_only_when_its_turn_comes(tmp_path: Path, data: Path) -> None:
    first, second = tmp_path / "a.convo.yaml", tmp_path / "b.convo.yaml"
    first.write_text(f"flow: {data / 'shop.yaml'}\nturns:\n  - bot: Welcome to the shop!\n")
    shutil.copy(BROKEN / "bad_yaml.convo.yaml", second)
    heard: list[str] = []

    def progress(result: ConvoResult) -> None:
        heard.append(f"{Path(result.file).name} {result.status}")
        if result.file == str(first):  # mended after the stream began, before its turn came
            second.write_text(first.read_text())

    result = suite.run(suite.stream([first, second]), progress=progress)
    assert heard == ["a.convo.yaml passed", "b.convo.yaml passed"]
    assert result.exit_code == 0


def test_a_stream_over_two_workers_gives_the_plans_results_and_coverage_in_file_order(data: Path) -> None:
    files = [data / "coffee.convo.yaml", BROKEN / "bad_yaml.convo.yaml", data / "suite.convo.yaml"] * 4
    selection = Selection(tags="not tea")
    planned = suite.run(suite.plan(files, selection))
    heard: list[ConvoResult] = []
    streamed = suite.run(suite.stream(files, selection), workers=2, progress=heard.append)

    def outcomes(run: suite.SuiteResult) -> list[tuple[str, str]]:
        return [(r.id, r.status) for r in run.results]

    assert outcomes(streamed) == outcomes(planned)
    assert sorted(r.id for r in heard) == sorted(r.id for r in planned.results)
    assert streamed.coverage.to_json() == planned.coverage.to_json()
    assert planned.count("error") == 4 and planned.count("passed") >= 8


def test_a_plans_known_errors_are_not_reported_as_progress_again(data: Path) -> None:
    files = [data / "coffee.convo.yaml", BROKEN / "bad_yaml.convo.yaml"] * 3
    todo = suite.plan(files)
    for workers in (1, 2):
        heard: list[ConvoResult] = []
        result = suite.run(todo, workers=workers, progress=heard.append)
        assert [r.status for r in result.results] == ["passed", "error"] * 3
        assert [r.status for r in heard] == ["passed"] * 3, workers


def test_the_worker_pool_gets_few_chunks_that_shrink_towards_the_end(tmp_path: Path) -> None:
    files = [tmp_path / f"c{n:05d}.convo.yaml" for n in range(10_000)]
    pieces = list(suite.stream(files).pieces())
    chunks, first = [], 0
    while first < len(pieces):
        end = suite._chunk_end(pieces, first, len(pieces) - first, workers=2)
        chunks.append(pieces[first:end])
        first = end
    sizes = [len(chunk) for chunk in chunks]
    assert [path for chunk in chunks for path, _ in chunk] == files
    assert len(chunks) < 100
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] == 1
