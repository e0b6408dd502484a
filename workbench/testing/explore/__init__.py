"""The explorer: walks every path of a flow (input generators, route-condition solver, path search) and writes
the conversation tests it finds."""
