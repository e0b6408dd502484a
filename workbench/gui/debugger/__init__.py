"""The step debugger in the window: breakpoints on states (drawn on the graph) and on code lines (the code view's
gutter), stepping with F5/F6/F10/F11/Shift+F11/Shift+F5, the paused code's locals, watches, console, calls and
builder queue; `install(window)` also adds the conversation's timeline."""

from workbench.gui.debugger.install import DebuggerController, controller, install
from workbench.gui.debugger.panel import DebuggerPanel
from workbench.gui.debugger.session import is_held

__all__ = ["DebuggerController", "DebuggerPanel", "controller", "install", "is_held"]
