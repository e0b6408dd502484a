"""pytest runs this folder's conversation tests (`pytest flows/train_ticket`). Those tagged `live` talk to the
sample backend (backend.py): it is started for them on a free port of 127.0.0.1, once per test process (so once
per pytest-xdist worker), and `api_base` points at it. `--convo-var api_base=URL` points them at a backend of
your own instead. When the backend cannot start, they are skipped with the reason."""

from __future__ import annotations

from typing import Any

import pytest

from workbench.sample import start_sample_backend, stop_sample_backend
from workbench.testing.cli_test import parse_vars


class _Backend:
    """The backend this process started for the live conversations (at most one), or why it could not start."""

    server: Any = None
    url = ""
    problem = ""

    @classmethod
    def url_or_skip(cls) -> str:
        """The backend's base URL, starting it on first use; skips the test when it cannot start."""
        if cls.server is None and not cls.problem:
            try:
                cls.server, cls.url = start_sample_backend()
            except OSError as exc:
                cls.problem = f"the sample backend (backend.py) could not start on 127.0.0.1: {exc.strerror or exc}"
        if cls.problem:
            pytest.skip(cls.problem)
        return cls.url


def pytest_convo_variables(test: Any, config: pytest.Config) -> dict[str, Any] | None:
    """Live conversations talk to a backend started for this process, unless `--convo-var` names one."""
    if "live" not in test.tags or "api_base" in parse_vars(config.getoption("convo_var")):
        return None
    return {"api_base": _Backend.url_or_skip()}


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the backend, if one was started."""
    if _Backend.server is not None:
        stop_sample_backend(_Backend.server)
        _Backend.server = None
