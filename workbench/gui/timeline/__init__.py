"""The conversation's timeline: its turns and states as points to go back to, and its branches."""

from workbench.gui.timeline.panel import TimelinePanel

__all__ = ["TimelinePanel"]
