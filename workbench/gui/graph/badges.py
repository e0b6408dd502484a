"""The badges the graph draws and what they mean: one list that the items draw from and the legend explains.

A node carries the badge of its kind; a stub (an edge from anywhere) carries the badge of why it comes from
anywhere. No Qt here: the colours are the theme's business.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.flow.model import StateKind


@dataclass(frozen=True, slots=True)
class Badge:
    """The letters drawn in a badge and what they stand for, in the flow's words."""

    letters: str
    meaning: str


KIND_BADGES: dict[StateKind, Badge] = {
    "say": Badge("S", "Bot message (say)"),
    "ask": Badge("?", "Question: waits for the user's answer (ask)"),
    "code": Badge("JS", "Code action: runs JavaScript (code)"),
    "api": Badge("API", "API call (api)"),
    "iframe": Badge("WEB", "Web page shown in the chat (iframe)"),
    "json": Badge("{}", "JSON Builder message (json)"),
    "offload": Badge("AG", "Hands the chat to a human agent (offload)"),
    "clear_session": Badge("CL", "Clears session variables (clear_session)"),
    "router": Badge("◇", "Router: only goes on, by its conditions (next)"),
}
"""The badge on the left of every node, by the state's kind."""

STUB_BADGES: dict[str, Badge] = {
    "intent": Badge("I", "Intent: a matching message jumps here from anywhere"),
    "fallback": Badge("F", "Fallback: input that matches nothing comes here"),
}
"""The badge of a stub above a node's top-left corner, by why the transition comes from anywhere."""
