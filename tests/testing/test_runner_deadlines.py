"""The replays' time limits (`runner.Deadlines`): what `asyncio.timeout` gives each replay, with one timer for all."""

from __future__ import annotations

import asyncio

import pytest

from workbench.testing.runner import Deadlines


async def _limited(deadlines: Deadlines, delay: float, work: float) -> str:
    """What a block limited to `delay` seconds that works `work` seconds ends with."""
    try:
        with deadlines.limit(delay):
            await asyncio.sleep(work)
    except TimeoutError:
        return "timed out"
    return "done"


async def _with_asyncio(delay: float, work: float) -> str:
    try:
        async with asyncio.timeout(delay):
            await asyncio.sleep(work)
    except TimeoutError:
        return "timed out"
    return "done"


@pytest.mark.parametrize("lasting", [True, False])
def test_a_block_ends_as_under_asyncio_timeout(lasting: bool) -> None:
    async def main() -> list[str]:
        cases = [(0.05, 0.0), (0.05, 5.0), (5.0, 0.01), (0.0, 0.01)]
        ours = [await _limited(Deadlines(lasting=lasting), delay, work) for delay, work in cases]
        theirs = [await _with_asyncio(delay, work) for delay, work in cases]
        assert ours == theirs
        return ours

    assert asyncio.run(main()) == ["done", "timed out", "done", "timed out"]


def test_blocks_at_the_same_time_each_end_at_their_own_deadline() -> None:
    async def main() -> list[str]:
        deadlines = Deadlines(lasting=True)
        plans = [(5.0, 0.05), (0.02, 5.0), (5.0, 0.0), (0.04, 5.0), (0.04, 5.0), (5.0, 0.1)]
        return await asyncio.gather(*(_limited(deadlines, delay, work) for delay, work in plans))

    assert asyncio.run(main()) == ["done", "timed out", "done", "timed out", "timed out", "done"]


def test_one_after_another_each_block_is_timed_however_long_ago_the_timer_was_set() -> None:
    async def main() -> list[str]:
        deadlines = Deadlines(lasting=True)
        first = await _limited(deadlines, 0.03, 0.0)  # sets the timer, which strikes with no block left
        await asyncio.sleep(0.05)
        second = await _limited(deadlines, 0.03, 5.0)
        third = await _limited(deadlines, 10.0, 0.0)  # its timer stays set: a runner closes it
        deadlines.close()
        return [first, second, third]

    assert asyncio.run(main()) == ["done", "timed out", "done"]


def test_a_cancellation_from_outside_is_not_a_timeout() -> None:
    async def main() -> None:
        deadlines = Deadlines(lasting=True)
        task = asyncio.create_task(_limited(deadlines, 5.0, 5.0))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        deadlines.close()

    asyncio.run(main())


def test_a_lasting_deadlines_goes_on_timing_on_another_loop() -> None:
    deadlines = Deadlines(lasting=True)
    assert asyncio.run(_limited(deadlines, 10.0, 0.0)) == "done"  # leaves a timer on a loop now closed
    assert asyncio.run(_limited(deadlines, 0.02, 5.0)) == "timed out"
    deadlines.close()
