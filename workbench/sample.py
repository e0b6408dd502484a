"""The bundled sample: the train-ticket flow and its little backend (a stdlib server that lives beside the flow)."""

from __future__ import annotations

import functools
import importlib.util
from types import ModuleType
from typing import Any

from workbench.bundled import sample_flows

SAMPLE_FOLDER = sample_flows() / "train_ticket"
SAMPLE_FLOW = SAMPLE_FOLDER / "train_ticket.yaml"


@functools.cache
def sample_backend() -> ModuleType:
    """The backend module `flows/train_ticket/backend.py` (it sits beside the flow, not in a package)."""
    spec = importlib.util.spec_from_file_location("train_ticket_backend", SAMPLE_FOLDER / "backend.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {SAMPLE_FOLDER / 'backend.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def start_sample_backend(**options: Any) -> tuple[Any, str]:
    """Start the sample's backend on a free port of 127.0.0.1: the server (for `stop_sample_backend`) and its URL."""
    return sample_backend().start_backend(port=0, **options)


def stop_sample_backend(server: Any) -> None:
    """Stop a backend started by `start_sample_backend`."""
    sample_backend().stop(server)
