"""The Problems panel: a flow file's errors and warnings, each a click away from its line."""
