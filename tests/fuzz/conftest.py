"""Hypothesis fuzzers of the trust boundaries: a small budget by default, 10,000 examples each with
`WORKBENCH_FUZZ_LONG=1` (e.g. `WORKBENCH_FUZZ_LONG=1 pytest tests/fuzz -n 0`).

The budget is the hypothesis settings profile "workbench-fuzz"; a fuzzer takes it with
`@settings(settings.get_profile("workbench-fuzz"))`.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

LONG = os.environ.get("WORKBENCH_FUZZ_LONG") == "1"

settings.register_profile(
    "workbench-fuzz",
    max_examples=10_000 if LONG else 50,
    deadline=None,  # each example has its own time bound, checked by the test (the machine may be busy)
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=not LONG,  # the short run is the same every time; the long one explores
)
