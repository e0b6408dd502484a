"""The chat pane: the conversation as bubbles, the typing box and the agent's controls while offloaded."""

from workbench.gui.chat.panel import ChatPanel

__all__ = ["ChatPanel"]
