"""The bundled sample flows, installed as the `workbench.sample_flows` package (see `workbench.bundled`)."""
