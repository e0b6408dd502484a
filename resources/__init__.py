"""Data files of the workbench, installed as the `workbench.resources` package (see `workbench.bundled`)."""
