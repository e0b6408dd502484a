"""The flow file: model, loader with line numbers, validation and JSON Schema."""
