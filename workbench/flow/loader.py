"""Load a flow file: YAML with positions, checked and turned into the `Flow` model.

`load_flow` and `load_flow_text` never raise: every problem (unreadable file, bad YAML, unknown keys, wrong
types, references to states that do not exist, invalid JavaScript, malformed templates…) comes back in the
`LoadResult`, all of them at once, as `file:line:column: error: message`. `load_flow_or_raise` raises
`FlowError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.flow.build import Builder, kind_name, quoted
from workbench.flow.model import (
    Flow,
    Loc,
)
from workbench.flow.problems import Problem, Reporter
from workbench.flow.validate import check_flow
from workbench.flow.yaml_source import YamlSyntaxError, YMap, load_yaml, split_lines


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What loading a flow file gave: the flow (None when there are errors) and every problem, by line."""

    flow: Flow | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that stop the flow from loading."""
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems worth a look that do not stop the flow."""
        return tuple(p for p in self.problems if not p.is_error)

    @property
    def ok(self) -> bool:
        """Whether the flow loaded without errors."""
        return not self.errors


class FlowError(Exception):
    """A flow file with errors; the message is all error lines, `problems` has errors and warnings."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__("\n".join(str(p) for p in problems if p.is_error))
        self.problems = problems


def load_flow(path: str | Path) -> LoadResult:
    """Load and check the flow file at `path`; problems name the file as `path` was given."""
    file = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return _failed(
            file,
            f"the flow file is not valid UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})",
        )
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return _failed(file, f"cannot read the flow file: {reason}")
    return _load(text, file, Path(path))


def load_flow_text(text: str, filename: str = "<flow>") -> LoadResult:
    """Load and check a flow from YAML text; `filename` names it in problems and gives the default name."""
    return _load(text, filename, None)


def load_flow_or_raise(path: str | Path) -> Flow:
    """The flow at `path`; raises `FlowError` (and nothing else) when it has errors."""
    result = load_flow(path)
    if result.flow is None:
        raise FlowError(result.problems)
    return result.flow


def _failed(file: str, message: str) -> LoadResult:
    return LoadResult(None, (Problem(Loc(file, 1, 1), message, "error"),))


def _load(text: str, file: str, path: Path | None) -> LoadResult:
    reporter = Reporter(file)
    try:
        flow = _parse(text, file, path, reporter)
    except RecursionError:
        reporter.error(1, 1, "the flow file is nested too deeply to read")
        flow = None
    except Exception as exc:  # a bug here must reach the user as a problem, never as a crash of the app
        reporter.error(1, 1, _internal_error(exc))
        flow = None
    problems = reporter.sorted()
    if any(p.is_error for p in problems):
        flow = None
    return LoadResult(flow, problems)


def _internal_error(exc: Exception) -> str:
    """The problem a bug of the loader becomes: its own text, never its Python class (it tells the user nothing)."""
    detail = str(exc).strip()
    return "internal error in the flow loader, please report it" + (f": {detail}" if detail else "")


def _parse(text: str, file: str, path: Path | None, reporter: Reporter) -> Flow | None:
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        document = load_yaml(text)
    except YamlSyntaxError as exc:
        reporter.error(exc.line, exc.column, f"invalid YAML: {exc}")
        return None
    for dup in document.duplicates:
        reporter.error(
            dup.pos.line,
            dup.pos.column,
            f"duplicate key {quoted(dup.key)} (first given on line {dup.first_line})",
        )
    if document.pos is None:
        reporter.error(1, 1, "the flow file is empty")
        return None
    if not isinstance(document.data, YMap):
        reporter.error(
            document.pos.line,
            document.pos.column,
            f"the top level of a flow file must be a mapping, not {kind_name(document.data)}",
        )
        return None
    lines = split_lines(text)
    builder = Builder(file, lines, reporter)
    flow = builder.flow(document.data, document.pos, path)
    if flow is not None:
        check_flow(flow, builder.facts, lines, reporter)
    return flow
