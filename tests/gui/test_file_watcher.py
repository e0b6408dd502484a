"""The file watcher with companions (a flow's translation files): a companion written, replaced, created or
removed is a change, as a save of the main file is."""

import os

import pytest

from workbench.gui.file_watcher import FileWatcher


@pytest.fixture
def files(qtbot, tmp_path):
    """A watcher on flow.yaml with flow.nl.yaml (present) and flow.fr.yaml (absent) as companions."""
    flow, dutch, french = (tmp_path / name for name in ("flow.yaml", "flow.nl.yaml", "flow.fr.yaml"))
    flow.write_text("name: x\n")
    dutch.write_text("language: nl\n")
    watcher = FileWatcher()
    watcher.watch(flow, [dutch, french])
    return watcher, flow, dutch, french


def test_saving_a_companion_is_a_change(files, qtbot):
    watcher, _flow, dutch, french = files
    assert watcher.companions == (dutch.resolve(), french.resolve())
    with qtbot.waitSignal(watcher.changed, timeout=5_000):
        dutch.write_text("language: nl\ntexts: {}\n")


def test_a_companion_replaced_by_an_editor_is_still_watched(files, qtbot):
    watcher, _flow, dutch, _french = files
    for round_ in range(2):
        new = dutch.with_name("flow.nl.yaml.tmp")
        new.write_text(f"language: nl\n# round {round_}\n")
        with qtbot.waitSignal(watcher.changed, timeout=5_000):
            os.replace(new, dutch)


def test_a_companion_that_appears_or_goes_away_is_a_change(files, qtbot):
    watcher, _flow, dutch, french = files
    with qtbot.waitSignal(watcher.changed, timeout=5_000):
        french.write_text("language: fr\n")
    with qtbot.waitSignal(watcher.changed, timeout=5_000):
        dutch.unlink()
