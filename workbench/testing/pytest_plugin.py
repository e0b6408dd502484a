"""pytest plugin: `pytest flows/` collects `*.convo.yaml` files, one test item per conversation.

Items are named after their conversation (`flows/train_ticket/booking.convo.yaml::Books a ticket`), carry their
`tags` as markers (`-m smoke`), and fail with the runner's report. `-k`, `-x`, `-n` (pytest-xdist) and
`--junitxml` work as for any test. Options:

- `--convo-var NAME=VALUE`: override a starting variable in every conversation (e.g. `api_base`).
- `--convo-coverage FILE`: write the coverage data as JSON; `--convo-coverage-html FILE`: the HTML report. Under
  pytest-xdist each worker sends its coverage to the controller, which writes the merged report.
- `--convo-language CODE` (repeatable) runs the conversations that name no language in those languages;
  `--convo-all-languages` runs every conversation in every language of its flow. The ini setting
  `convo_languages` (codes, or `all`) says the same for a project. A conversation that runs in several languages
  (these, or its own `language: all`) becomes one item per language: `…::Books a ticket[nl]`.

A `conftest.py` can give variables per test with the `pytest_convo_variables(test, config)` hook (return a
dict, or None): the train-ticket sample uses it to point its live-backend conversations at a backend it starts.

Each process (the one pytest, or each pytest-xdist worker) keeps one event loop and one `Runner` for the session:
one HTTP client, one JavaScript sandbox, each flow loaded once. Without pytest-xdist each convo file is parsed once,
when it is collected. Under pytest-xdist every worker collects every file (xdist requires the same items in each),
so a worker collects from each file's conversation settings alone (`headers_only`: its turns left out) and reads
the whole file when it runs one of its conversations; a problem found only then (a wrong turn, an include that is
missing) fails each of that file's conversations with the file's problems. The engine is imported only where
conversations run, not by the xdist controller.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from workbench.testing.convo_format import ConvoFile as LoadedFile
    from workbench.testing.convo_format import ConvoTest
    from workbench.testing.coverage import Coverage
    from workbench.testing.localize import RunLanguages
    from workbench.testing.runner import ConvoResult

_MARKER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REPLAYER = pytest.StashKey["_Replayer"]()
_MERGED = pytest.StashKey["Coverage"]()
_COVERAGE_KEY = "convo_coverage"
# A `turns:` key whose value is the block below it; group 1 is everything before the key.
_TURNS_KEY = re.compile(r"( *(?:- +)*)turns:[ \t]*(?:#.*)?")
# What stands for a conversation's turns in `headers_only` (a turn must be there, and any valid one will do).
_STAND_IN_TURN = "- silence: 1"


class ConvoHooks:
    """Hooks a `conftest.py` may implement for conversation tests."""

    @pytest.hookspec
    def pytest_convo_variables(self, test: ConvoTest, config: pytest.Config) -> dict[str, Any] | None:
        """Starting variables for `test` that override its own (called before each conversation)."""


class ConvoReport(Exception):
    """A failure whose message is the whole report, shown as it is."""


class ConvoTestFailed(ConvoReport):
    """A conversation test that failed or could not run; its result carries the report."""

    def __init__(self, result: ConvoResult) -> None:
        super().__init__(result.failure.report() if result.failure else result.status)
        self.result = result


class _Replayer:
    """The per-process event loop, runner and coverage, and the convo file read last (a worker reads a file when it
    runs its conversations, which come one after the other)."""

    def __init__(self, variables: dict[str, Any], coverage: bool, languages: RunLanguages) -> None:
        import asyncio

        from workbench.testing.coverage import Coverage
        from workbench.testing.runner import Runner

        self.loop = asyncio.new_event_loop()
        self.runner = Runner(variables=variables, languages=languages)
        self.coverage = Coverage() if coverage else None
        self._file: LoadedFile | None = None

    def complete(self, header: ConvoTest, index: int) -> ConvoTest:
        """The whole conversation that `header` (the `index`th of its file, turns left out) was collected from."""
        from workbench.testing.convo_format import load_convo_file

        if self._file is None or self._file.path != header.file:
            self._file = load_convo_file(header.file)
        if not self._file.ok:
            raise ConvoReport("\n".join(str(p) for p in self._file.errors))
        tests = self._file.tests
        if index >= len(tests) or tests[index].name != header.name:
            raise ConvoReport(f"{header.loc}: the file changed after it was collected: collect it again")
        return tests[index]

    def run(self, test: ConvoTest, variables: dict[str, Any], language: str | None, label: bool) -> ConvoResult:
        run = self.runner.run(test, variables=variables, language=language, label=label)
        result = self.loop.run_until_complete(run)
        if self.coverage is not None and (flow := self.runner.flows.get(test.flow).flow) is not None:
            self.coverage.record(flow, result.events, result.language)
        return result

    def close(self) -> None:
        self.loop.run_until_complete(self.runner.aclose())
        self.loop.close()


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Register `pytest_convo_variables`; leave the workbench's own modules to Python's import."""
    pluginmanager.add_hookspecs(ConvoHooks)
    _import_workbench_unrewritten(pluginmanager)


def _import_workbench_unrewritten(pluginmanager: pytest.PytestPluginManager) -> None:
    """Take the `workbench` package off pytest's list of modules to rewrite for assertions.

    pytest marks every package of a distribution that provides a plugin, so each session (and each pytest-xdist
    worker) re-compiled all of the workbench's modules through its rewriter, bypassing Python's byte-code cache:
    about 2 s of CPU before the first test. The workbench's few `assert`s are its own invariants, not a user's
    test. The marks are pytest's private state (`_must_rewrite`), so this does nothing where they are not found.
    """
    marked = getattr(getattr(pluginmanager, "rewrite_hook", None), "_must_rewrite", None)
    if isinstance(marked, set):
        marked.discard(__name__.partition(".")[0])


def pytest_addoption(parser: pytest.Parser) -> None:
    """The plugin's command line options."""
    group = parser.getgroup("workbench", "conversation tests (*.convo.yaml)")
    group.addoption(
        "--convo-var", action="append", default=[], metavar="NAME=VALUE", help="override a starting variable"
    )
    group.addoption("--convo-coverage", metavar="FILE", help="write conversation coverage as JSON")
    group.addoption("--convo-coverage-html", metavar="FILE", help="write conversation coverage as HTML")
    group.addoption(
        "--convo-language",
        action="append",
        default=[],
        metavar="CODE",
        help="run conversations that name no language in this one (repeatable)",
    )
    group.addoption(
        "--convo-all-languages", action="store_true", help="run every conversation in every language of its flow"
    )
    parser.addini("convo_languages", "languages to run conversations in (codes, or 'all')", type="linelist")


def _languages(config: pytest.Config) -> RunLanguages:
    """What the command line asks for, else the ini setting."""
    from workbench.testing.convo_format import ALL_LANGUAGES
    from workbench.testing.localize import RunLanguages

    codes = list(config.getoption("convo_language"))
    every = bool(config.getoption("convo_all_languages"))
    if not codes and not every:
        written = [code for line in config.getini("convo_languages") for code in line.replace(",", " ").split()]
        every = ALL_LANGUAGES in written
        codes = [code for code in written if code != ALL_LANGUAGES]
    return RunLanguages(tuple(dict.fromkeys(codes)), every)


def _wants_coverage(config: pytest.Config) -> bool:
    return bool(config.getoption("convo_coverage") or config.getoption("convo_coverage_html"))


def _replayer(config: pytest.Config) -> _Replayer:
    if _REPLAYER not in config.stash:
        from workbench.testing.cli_test import parse_vars

        variables = parse_vars(config.getoption("convo_var"))
        config.stash[_REPLAYER] = _Replayer(variables, _wants_coverage(config), _languages(config))
    return config.stash[_REPLAYER]


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A `*.convo.yaml` file becomes a collector of conversations."""
    from workbench.testing.convo_format import SUFFIX

    if file_path.name.endswith(SUFFIX):
        return ConvoFile.from_parent(parent, path=file_path)
    return None


def headers_only(text: str) -> str | None:
    """A convo file's text with each conversation's `turns:` block replaced by one stand-in turn and blank lines
    (so every other line keeps its number), or None when it has no such block. Reading it gives the file's
    conversations with their names, settings and positions, at a fraction of the cost of reading every turn; a
    `turns:` block is the lines below the key that are indented more, or as much and start a list item."""
    lines = text.split("\n")
    column = -1  # of the `turns:` key whose block is being left out
    stand_in = found = False
    for index, line in enumerate(lines):
        if column >= 0:
            content = line.lstrip(" ")
            indent = len(line) - len(content)
            blank = not content or content.startswith("#")
            if blank or indent > column or (indent == column and (content == "-" or content.startswith("- "))):
                lines[index] = "" if stand_in or blank else " " * column + _STAND_IN_TURN
                stand_in = stand_in or not blank
                found = found or stand_in
                continue
            column = -1
        if (key := _TURNS_KEY.fullmatch(line)) is not None:
            column, stand_in = len(key.group(1)), False
    return "\n".join(lines) if found else None


class ConvoFile(pytest.File):
    """A convo file; a file with errors fails collection with every problem listed."""

    def _loaded(self) -> tuple[LoadedFile, bool]:
        """The file's conversations, and whether their turns are left out (in a pytest-xdist worker)."""
        from workbench.testing.convo_format import load_convo_file, load_convo_text

        path = os.path.relpath(self.path)
        if hasattr(self.config, "workerinput"):
            try:
                text = self.path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = None  # the whole read says why
            headers = None if text is None else headers_only(text)
            if headers is not None and (convo := load_convo_text(headers, path, self.path.parent)).ok:
                return convo, True
        return load_convo_file(path), False

    def collect(self) -> Iterator[ConvoItem]:
        """One item per conversation, and per language when it runs in several."""
        convo, partial = self._loaded()
        if not convo.ok:
            raise self.CollectError("\n".join(str(p) for p in convo.errors))
        runner = _replayer(self.config).runner
        for index, test in enumerate(convo.tests):
            languages = runner.languages(test)
            label = runner.asked.several or len(languages) > 1
            for language in languages:
                name = f"{test.name}[{language}]" if label and language else test.name
                item = ConvoItem.from_parent(
                    self, name=name, test=test, language=language, label=label, index=index if partial else None
                )
                for tag in test.tags:
                    if _MARKER.match(tag):
                        self.config.addinivalue_line("markers", f"{tag}: conversation tag")
                        item.add_marker(tag)
                yield item


class ConvoItem(pytest.Item):
    """One conversation of a convo file: `test` is the conversation, or, when `index` is given, its settings
    without its turns (the `index`th of its file), completed when it runs."""

    def __init__(
        self,
        *,
        test: ConvoTest,
        language: str | None = None,
        label: bool = False,
        index: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.test = test
        self.language = language
        self.label = label
        self.index = index

    def runtest(self) -> None:
        """Replay the conversation; raise `ConvoTestFailed` unless every turn passed."""
        replayer = _replayer(self.config)
        if self.index is not None:
            self.test, self.index = replayer.complete(self.test, self.index), None
        variables: dict[str, Any] = {}
        for found in self.ihook.pytest_convo_variables(test=self.test, config=self.config):
            variables.update(found or {})
        result = replayer.run(self.test, variables, self.language, self.label)
        if not result.passed:
            raise ConvoTestFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The runner's report for a failed conversation or a file with problems; pytest's usual report for
        anything else."""
        if isinstance(excinfo.value, ConvoReport):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the conversation is: its file and line."""
        return self.path, self.test.loc.line - 1, f"conversation: {self.test.name}"


def _write_coverage(config: pytest.Config, coverage: Coverage) -> None:
    from workbench.testing.coverage_html import write_coverage_html

    if path := config.getoption("convo_coverage"):
        Path(path).write_text(json.dumps(coverage.to_json(), indent=2) + "\n", encoding="utf-8")
    if path := config.getoption("convo_coverage_html"):
        write_coverage_html(coverage, path)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Close the runner; write coverage when asked for (a pytest-xdist worker hands it to the controller instead)."""
    config = session.config
    replayer = config.stash.get(_REPLAYER, None)
    if replayer is not None:
        replayer.close()
    if not _wants_coverage(config):
        return
    from workbench.testing.coverage import Coverage

    coverage = Coverage()
    if replayer is not None and replayer.coverage is not None:
        coverage.merge(replayer.coverage)
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[_COVERAGE_KEY] = json.dumps(coverage.to_json())
    else:
        coverage.merge(config.stash.get(_MERGED, Coverage()))
        _write_coverage(config, coverage)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: merge a finished worker's coverage on the controller."""
    data = getattr(node, "workeroutput", {}).get(_COVERAGE_KEY)
    if data is None:
        return
    from workbench.testing.coverage import Coverage

    config: pytest.Config = node.config
    if _MERGED not in config.stash:
        config.stash[_MERGED] = Coverage()
    config.stash[_MERGED].merge(Coverage.from_json(json.loads(data)))
