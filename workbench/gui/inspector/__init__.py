"""The session-variable inspector: a tree of the session at the current or an earlier turn, editable now."""
