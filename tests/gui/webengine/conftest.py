"""Fixtures for tests that run real QtWebEngine pages (offscreen, see tests/conftest.py)."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt

from workbench.gui.engine_bridge import EngineBridge


def pytest_configure(config: pytest.Config) -> None:
    """QtWebEngine needs shared OpenGL contexts, set before pytest-qt creates the QApplication."""
    if QCoreApplication.instance() is None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


@pytest.fixture
def make_panel(show_widget) -> Iterator[Callable[[EngineBridge], Any]]:
    """Build a shown `IframePanel` on `bridge` (QtWebEngine is imported here, not at collection)."""
    from workbench.gui.iframe.panel import IframePanel

    def build(bridge: EngineBridge) -> IframePanel:
        return show_widget(IframePanel(bridge), 480, 560)

    yield build


@pytest.fixture
def run_js(qtbot) -> Callable[..., Any]:
    """Run JavaScript in a `PageHost` (in the iframe's page unless `in_frame=False`) and return its value."""

    def run(host: Any, script: str, *, in_frame: bool = True, timeout: int = 5_000) -> Any:
        results: list[Any] = []
        host.run_js(script, results.append, in_frame=in_frame)
        qtbot.waitUntil(lambda: bool(results), timeout=timeout)
        return results[0]

    return run
