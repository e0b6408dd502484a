"""The package list, which pyproject.toml cannot express: workbench's own packages plus the two data folders that
`[tool.setuptools.package-dir]` maps into it (resources/ → workbench.resources, flows/ → workbench.sample_flows)."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["workbench", "workbench.*"]), "workbench.resources", "workbench.sample_flows"])
