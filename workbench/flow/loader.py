"""Load a flow file: YAML with positions, checked and turned into the `Flow` model, with its translation files.

`load_flow` and `load_flow_text` never raise: every problem (unreadable file, bad YAML, unknown keys, wrong
types, references to states that do not exist, invalid JavaScript, malformed templates, missing or stale
translations…) comes back in the `LoadResult`, all of them at once, as `file:line:column: error: message`: the
flow file's first, then each translation file's. `load_flow_or_raise` raises `FlowError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from workbench.flow.build import Builder
from workbench.flow.documents import UnreadableFile, read_mapping, read_text
from workbench.flow.model import Flow, Loc
from workbench.flow.problems import Problem, Reporter
from workbench.flow.translations import with_translations
from workbench.flow.validate import check_flow


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
    """Load and check the flow file at `path` and its translation files beside it (`<stem>.<language>.yaml`);
    problems name the files as `path` was given."""
    file = str(path)
    try:
        text = read_text(Path(path), "flow file")
    except UnreadableFile as exc:
        return _failed(file, str(exc))
    return _load(text, file, Path(path), None)


def load_flow_text(text: str, filename: str = "<flow>", translations: Mapping[str, str] | None = None) -> LoadResult:
    """Load and check a flow from YAML text; `filename` names it in problems and gives the default name.
    `translations` gives the text of each secondary language's translation file, by language code (a language
    without one has no translation file)."""
    return _load(text, filename, None, translations or {})


def load_flow_or_raise(path: str | Path) -> Flow:
    """The flow at `path`; raises `FlowError` (and nothing else) when it has errors."""
    result = load_flow(path)
    if result.flow is None:
        raise FlowError(result.problems)
    return result.flow


def _failed(file: str, message: str) -> LoadResult:
    return LoadResult(None, (Problem(Loc(file, 1, 1), message, "error"),))


def _load(text: str, file: str, path: Path | None, translations: Mapping[str, str] | None) -> LoadResult:
    reporter = Reporter(file)
    translation_problems: list[Problem] = []
    try:
        flow = _parse(text, file, path, reporter, translations, translation_problems)
    except RecursionError:
        reporter.error(1, 1, "the flow file is nested too deeply to read")
        flow = None
    except Exception as exc:  # a bug here must reach the user as a problem, never as a crash of the app
        reporter.error(1, 1, _internal_error(exc))
        flow = None
    problems = reporter.sorted() + tuple(translation_problems)
    if any(p.is_error for p in problems):
        flow = None
    return LoadResult(flow, problems)


def _internal_error(exc: Exception) -> str:
    """The problem a bug of the loader becomes: its own text, never its Python class (it tells the user nothing)."""
    detail = str(exc).strip()
    return "internal error in the flow loader, please report it" + (f": {detail}" if detail else "")


def _parse(
    text: str,
    file: str,
    path: Path | None,
    reporter: Reporter,
    translations: Mapping[str, str] | None,
    translation_problems: list[Problem],
) -> Flow | None:
    """The flow of `text`, checked; with its translations when it has secondary languages and no errors (the
    translation files' own problems go to `translation_problems`)."""
    read = read_mapping(text, reporter, "flow file")
    if read is None:
        return None
    top, pos, lines = read
    convo_key = next((key for key in ("turns", "conversations") if key in top), None)
    if convo_key is not None and "states" not in top:
        at = top.key_pos[convo_key]
        message = f"this is a conversation test (it has '{convo_key}'), not a flow file: run it with `workbench test`"
        reporter.error(at.line, at.column, message)
        return None
    builder = Builder(file, lines, reporter)
    flow = builder.flow(top, pos, path)
    if flow is None:
        return None
    check_flow(flow, builder.facts, lines, reporter)
    if flow.languages.secondary and not any(p.is_error for p in reporter.problems):
        flow, found = with_translations(flow, builder.facts.languages, reporter, translations)
        translation_problems.extend(found)
    return flow
