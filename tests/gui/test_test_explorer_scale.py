"""The test explorer at scale: a run of many conversations updates the tree once per file and batch of results, not
per conversation (the file rows at once, each file's conversations on the next turns of the loop), the results come
in batches between turns of the event loop, and a listing changes only the rows of files that changed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTreeView
from qa_helpers import SAMPLE_DIR, copy_sample, explorer, open_flow, qa_window

from workbench.gui.test_explorer.model import RUNNING, STATUS_ROLE, TagFilter, TestTreeModel
from workbench.testing.convo_format import load_convo_file
from workbench.testing.runner import ConvoResult

OFFLINE = ("booking.convo.yaml", "intents.convo.yaml")
COPIES = 25  # 50 files
PER_COPY = sum(len(load_convo_file(SAMPLE_DIR / name).tests) for name in OFFLINE)


@pytest.fixture
def suite_folder(tmp_path) -> Path:
    """A copy of the sample flow with its two offline convo files copied COPIES times."""
    folder = copy_sample(tmp_path).parent
    for copy in range(COPIES):
        for name in OFFLINE:
            shutil.copy(SAMPLE_DIR / name, folder / f"{copy:02d}-{name}")
    return folder


@pytest.fixture
def shown_model(qtbot, suite_folder) -> Iterator[TestTreeModel]:
    """The suite's tree, shown through the explorer's tag filter in a tree view that owns both."""
    view = QTreeView()
    qtbot.addWidget(view)
    model = TestTreeModel(view)
    model.set_files([load_convo_file(path) for path in sorted(suite_folder.glob("*.convo.yaml"))], [suite_folder])
    proxy = TagFilter(view)
    proxy.setSourceModel(model)
    view.setModel(proxy)
    view.expandAll()
    yield model  # the view (and with it the model) lives as long as the test


def result_of(model: TestTreeModel, key: str, status: str) -> ConvoResult:
    test = model.test(key)
    assert test is not None
    return ConvoResult(test.name, test.file, test.loc.line, str(test.flow), status, duration=0.012)


def count_changes(model: TestTreeModel) -> list[int]:
    changes: list[int] = []
    model.dataChanged.connect(lambda *_: changes.append(1))
    model.rowsInserted.connect(lambda *_: changes.append(1))
    return changes


def top_level(signal) -> list[tuple[int, int]]:
    """The ranges of top-level rows that a model's rowsInserted or rowsRemoved names from now on."""
    ranges: list[tuple[int, int]] = []
    signal.connect(lambda parent, first, last: None if parent.isValid() else ranges.append((first, last)))
    return ranges


def all_tests(model: TestTreeModel):
    return [test for path in model.files() for test in model.tests_under(model.index_of(str(path)))]


def test_marking_a_whole_suite_running_and_showing_its_results_signals_once_per_file(shown_model, qtbot):
    model = shown_model
    tests = all_tests(model)
    assert len(tests) == PER_COPY * COPIES
    changes = count_changes(model)

    model.mark_running(test.id for test in tests)
    files = len(model.files())
    assert {model.index_of(t.id).data(STATUS_ROLE) for t in tests} == {RUNNING}
    assert len(changes) == 1  # the file rows at once: the tree repaints every row it shows
    qtbot.waitUntil(lambda: len(changes) == files + 1)  # then each file's conversations

    changes.clear()
    path = str(model.files()[0])
    first_file = model.tests_under(model.index_of(path))  # a batch that came in between two ticks
    model.set_results([result_of(model, t.id, "passed") for t in first_file])
    qtbot.waitUntil(lambda: len(changes) == 2)
    assert model.index_of(path).data(STATUS_ROLE) == "passed"
    assert model.index_of(path).siblingAtColumn(2).data() == f"{len(first_file)} passed"
    assert model.index_of(first_file[0].id).siblingAtColumn(2).data() == "passed · 12 ms"

    second, untouched = tests[len(first_file)], tests[len(first_file) + 1]
    model.set_results([result_of(model, second.id, "failed")])
    model.clear_running()
    assert model.index_of(second.file).data(STATUS_ROLE) == "failed"
    assert model.index_of(untouched.id).data(STATUS_ROLE) is None
    assert model.index_of(untouched.id).siblingAtColumn(2).data() == ""


def test_listing_again_changes_only_the_rows_of_files_that_changed(qtbot, shown_model, suite_folder):
    model = shown_model
    paths = sorted(suite_folder.glob("*.convo.yaml"))
    assert model.rowCount() == 2 * COPIES
    assert sum(model.rowCount(model.index(row, 0)) for row in range(model.rowCount())) == PER_COPY * COPIES
    kept, gone, edited = str(paths[1]), str(paths[0]), str(paths[2])
    kept_test = model.tests_under(model.index_of(kept))[0]
    model.set_results([result_of(model, kept_test.id, "failed")])
    kept_item = model.itemFromIndex(model.index_of(kept_test.id))
    whole = load_convo_file(paths[2])
    edited_file = replace(whole, tests=whole.tests[:1])
    added = suite_folder / "99-new.convo.yaml"
    shutil.copy(SAMPLE_DIR / "intents.convo.yaml", added)
    inserted, removed = top_level(model.rowsInserted), top_level(model.rowsRemoved)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))

    files = [edited_file if path == paths[2] else load_convo_file(path) for path in [*paths[1:], added]]
    model.set_files(files, [suite_folder])

    assert (resets, removed, inserted) == ([], [(0, 0)], [(2 * COPIES - 1, 2 * COPIES - 1)])
    assert model.files() == [Path(convo.path) for convo in files]
    assert model.itemFromIndex(model.index_of(kept_test.id)) is kept_item, "a file still listed keeps its rows"
    assert model.index_of(kept_test.id).data(STATUS_ROLE) == "failed", "and its results"
    assert [test.name for test in model.tests_under(model.index_of(edited))] == [edited_file.tests[0].name]
    assert not model.index_of(gone).isValid()
    assert model.tests() == [test for convo in files for test in convo.tests]


def test_a_run_shows_its_results_in_batches_as_they_come(make_window, sample_backend, qtbot, tmp_path):
    window = qa_window(make_window, sample_backend)
    flow = copy_sample(tmp_path)
    for copy in range(4):
        for name in OFFLINE:
            shutil.copy(SAMPLE_DIR / name, flow.parent / f"{copy}-{name}")
    open_flow(window, qtbot, flow)
    panel = explorer(window)
    qtbot.waitUntil(lambda: len(panel.model.files()) == 8, timeout=10_000)
    batches: list[int] = []
    shown = panel.model.set_results
    panel.model.set_results = lambda results: (batches.append(len(results)), shown(results))  # type: ignore[method-assign]

    task = panel.run_all()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=60_000)

    count = 4 * PER_COPY
    assert sum(batches) == count and len(batches) < count
    assert panel.progress.value() == panel.progress.maximum() == count
    assert [r.status for r in panel.model.results.values()] == ["passed"] * count
    assert panel.summary.text().startswith(f"{count} passed, 0 failed, 0 error in ")
