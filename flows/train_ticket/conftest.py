"""pytest runs this folder's conversation tests (`pytest flows/train_ticket`); for those tagged `live` it starts
the sample backend (backend.py) on a free port, once, and points `api_base` at it."""

from __future__ import annotations

from typing import Any

import pytest

from workbench.sample import start_sample_backend, stop_sample_backend

_server: Any = None
_base_url = ""


def _start_backend() -> str:
    global _server, _base_url
    if _server is None:
        _server, _base_url = start_sample_backend()
    return _base_url


def pytest_convo_variables(test: Any, config: pytest.Config) -> dict[str, Any] | None:
    """Live conversations talk to a backend started for this session."""
    return {"api_base": _start_backend()} if "live" in test.tags else None


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the backend, if one was started."""
    if _server is not None:
        stop_sample_backend(_server)
