"""pytest runs this folder's conversation tests (`pytest flows/train_ticket`); for those tagged `live` it starts
the sample backend (backend.py) on a free port, once, and points `api_base` at it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

_server: Any = None
_base_url = ""


def _start_backend() -> str:
    global _server, _base_url
    if _server is None:
        spec = importlib.util.spec_from_file_location("train_ticket_backend", Path(__file__).with_name("backend.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _server, _base_url = module.start_backend(port=0)
    return _base_url


def pytest_convo_variables(test: Any, config: pytest.Config) -> dict[str, Any] | None:
    """Live conversations talk to a backend started for this session."""
    return {"api_base": _start_backend()} if "live" in test.tags else None


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the backend, if one was started."""
    if _server is not None:
        _server.shutdown()
        _server.server_close()
