"""`DebugStop`, apart from the debugger: a conversation catches it in every turn, and loads the debugger only
when one is attached."""


class DebugStop(Exception):
    """The user stopped the debugger: the turn ends at the gate that raised this."""
