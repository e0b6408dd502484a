"""The test explorer's long jobs in slices: a listing applied a step at a time (rows removed a range at a time, new
files expanded as they come), the views told of changes a slice of time at a time, files watched a few at a time,
and Run all reading what the tag filter shows without walking the tree."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTreeView
from qa_helpers import SAMPLE_DIR, copy_sample, explorer, open_flow, qa_window

from workbench.gui.test_explorer.changes import ROWS_AT_ONCE, ChangeQueue
from workbench.gui.test_explorer.model import REMOVED_AT_ONCE, TEST_ROLE, TagFilter, TestTreeModel
from workbench.gui.test_explorer.watch import ConvoWatcher
from workbench.testing.convo_format import ConvoFile, load_convo_file


def copies(count: int, folder: Path, *names: str) -> list[ConvoFile]:
    """`count` listings of the sample's convo files `names` (by default its booking file) in turn, each under a
    path of its own in `folder` (not on disk)."""
    samples = [load_convo_file(SAMPLE_DIR / name) for name in names or ["booking.convo.yaml"]]
    files = []
    for number in range(count):
        path = str(folder / f"{number:04d}.convo.yaml")
        sample = samples[number % len(samples)]
        files.append(replace(sample, path=path, tests=tuple(replace(t, file=path) for t in sample.tests)))
    return files


def top_level(signal) -> list[tuple[int, int]]:
    """The ranges of top-level rows that a model's rowsInserted or rowsRemoved names from now on."""
    ranges: list[tuple[int, int]] = []
    signal.connect(lambda parent, first, last: None if parent.isValid() else ranges.append((first, last)))
    return ranges


def test_a_listing_is_applied_a_step_at_a_time_and_removes_rows_a_range_at_a_time_from_the_bottom(qtbot, tmp_path):
    view = QTreeView()
    qtbot.addWidget(view)
    model = TestTreeModel(view)
    files = copies(250, tmp_path)
    steps = model.list_files(files, [tmp_path])
    next(steps)
    assert model.rowCount() == 0, "the rows are built before any is shown"
    for _ in steps:
        pass
    assert model.rowCount() == 250
    removed = top_level(model.rowsRemoved)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))

    model.set_files(files[:30] + files[60:], [tmp_path])

    assert (resets, removed) == ([], [(30, 59)])
    removed.clear()
    model.set_files([], [tmp_path])
    assert removed == [(220 - REMOVED_AT_ONCE, 219), (220 - 2 * REMOVED_AT_ONCE, 219 - REMOVED_AT_ONCE), (0, 19)]
    assert model.files() == [] and model.tests() == [] and model.rowCount() == 0


def test_the_views_hear_of_a_change_at_once_and_of_the_rest_on_later_turns_of_the_loop(qtbot):
    model = QStandardItemModel(0, 3)
    for row in range(ROWS_AT_ONCE * 2 + 50):
        item = QStandardItem(f"file {row}")
        item.appendRow([QStandardItem("conversation"), QStandardItem(), QStandardItem()])
        model.appendRow([item, QStandardItem(), QStandardItem()])
    signals: list[tuple[QModelIndex, QModelIndex]] = []
    model.dataChanged.connect(lambda top, bottom, _roles: signals.append((top, bottom)))

    def children(key: str) -> tuple[QModelIndex, QModelIndex]:
        file = model.item(int(key))
        return file.child(0, 0).index(), file.child(0, 2).index()

    queue = ChangeQueue(model, children, 2, [], seconds=0)  # no time to spare: one signal a turn
    queue.changed(0, model.rowCount() - 1, ["3", "7"])
    assert [(top.row(), bottom.row()) for top, bottom in signals] == [(0, ROWS_AT_ONCE - 1)]

    qtbot.waitUntil(lambda: len(signals) == 5)
    ranges = [(top.parent().row(), top.row(), bottom.row(), bottom.column()) for top, bottom in signals]
    assert ranges == [
        (-1, 0, ROWS_AT_ONCE - 1, 2),
        (-1, ROWS_AT_ONCE, 2 * ROWS_AT_ONCE - 1, 2),
        (-1, 2 * ROWS_AT_ONCE, 2 * ROWS_AT_ONCE + 49, 2),
        (3, 0, 0, 2),
        (7, 0, 0, 2),
    ]


def test_run_all_reads_what_the_tag_filter_shows_in_order(qtbot, tmp_path):
    view = QTreeView()
    qtbot.addWidget(view)
    model = TestTreeModel(view)
    proxy = TagFilter(view)
    proxy.setSourceModel(model)
    model.set_files(copies(4, tmp_path, "booking.convo.yaml", "intents.convo.yaml"), [tmp_path])
    proxy.set_expression("intents")

    shown = [
        proxy.index(row, 0, proxy.index(file, 0)).data(TEST_ROLE)
        for file in range(proxy.rowCount())
        for row in range(proxy.rowCount(proxy.index(file, 0)))
    ]
    assert model.tests(proxy.accepts) == shown
    assert 0 < len(shown) < len(model.tests())
    assert {test.tags for test in shown} == {("intents",)}


def test_the_watcher_watches_what_it_is_told_and_lets_go_of_the_rest(qt_loop, qtbot, tmp_path):
    paths = [tmp_path / f"{number:03d}.convo.yaml" for number in range(120)]
    for path in paths:
        path.write_text("flow: x.yaml\n")
    watcher = ConvoWatcher()
    watched = watcher._watcher

    task = qt_loop.create_task(watcher.watch([tmp_path], [*paths, tmp_path / "gone.convo.yaml"]))
    qtbot.waitUntil(task.done)
    assert sorted(watched.files()) == sorted(map(str, paths)) and watched.directories() == [str(tmp_path)]

    task = qt_loop.create_task(watcher.watch([], paths[100:]))
    qtbot.waitUntil(task.done)
    assert sorted(watched.files()) == sorted(map(str, paths[100:])) and watched.directories() == []
    watcher.stop()
    assert watched.files() == []


def test_every_file_listed_shows_its_conversations_and_so_does_one_added_later(
    make_window, sample_backend, qtbot, tmp_path
):
    window = qa_window(make_window, sample_backend)
    flow = copy_sample(tmp_path)
    for copy in range(3):
        shutil.copy(SAMPLE_DIR / "booking.convo.yaml", flow.parent / f"{copy}-booking.convo.yaml")
    open_flow(window, qtbot, flow)
    panel = explorer(window)
    qtbot.waitUntil(lambda: len(panel.model.files()) == 3 and not panel.tasks, timeout=10_000)
    first = panel.model.tests()[0]
    panel.select(first.id)

    shutil.copy(SAMPLE_DIR / "intents.convo.yaml", flow.parent / "9-intents.convo.yaml")
    qtbot.waitUntil(lambda: len(panel.model.files()) == 4, timeout=10_000)

    proxy = panel.proxy
    rows = [proxy.mapFromSource(panel.model.index_of(str(path))) for path in panel.model.files()]
    assert all(panel.tree.isExpanded(row) and proxy.rowCount(row) for row in rows)
    assert panel.tree.currentIndex().data() == first.name, "listing again keeps the current row"
