"""Coverage on the graph: after a suite ran, its states and transitions painted by how often it took them.

`install(window)` adds the "Coverage" menu and the bar above the graph; `show_coverage(window, coverage)` paints a
run's coverage (the test explorer calls it when a run is done), or an exploration's (`Explored`: what it reached,
and why not the rest).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.gui.coverage_view.controller import CoverageController
from workbench.gui.coverage_view.data import CoverageLike, Explored

if TYPE_CHECKING:
    from workbench.gui.main_window import MainWindow

__all__ = ["CoverageController", "Explored", "controller", "install", "show_coverage"]


def controller(window: MainWindow) -> CoverageController | None:
    """The coverage controller installed on `window`, if any."""
    return window.findChild(CoverageController, "coverage_controller")


def install(window: MainWindow) -> None:
    """Add coverage to `window` (once)."""
    if controller(window) is None:
        CoverageController(window)


def show_coverage(window: MainWindow, coverage: CoverageLike | Explored) -> bool:
    """Paint `coverage` on `window`'s graph (installing coverage first if needed); False when it holds nothing about
    the open flow."""
    install(window)
    found = controller(window)
    assert found is not None
    return found.show(coverage)
