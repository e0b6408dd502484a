"""What the sandbox tests share: a body run with a Sandbox of its own, and a code action that echoes its args.

Importable as `sandbox_runs` from the tests in tests/engine (their folder is on the path of their test run).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from workbench.engine.sandbox import Sandbox

T = TypeVar("T")

ECHO = "ChatlayerResponseBuilder().addSessionVariable('seen', args).send();"
"""A code action that keeps its args as the session variable `seen`."""


def with_sandbox(body: Callable[[Sandbox], Awaitable[T]]) -> T:
    """Run `body` with a Sandbox that is closed afterwards."""

    async def main() -> T:
        async with Sandbox() as sb:
            return await body(sb)

    return asyncio.run(main())
