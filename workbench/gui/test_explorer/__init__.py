"""The test explorer: the convo tests of the open flow's folder, run from the window, failures opened in the chat."""

from workbench.gui.test_explorer.install import install

__all__ = ["install"]
