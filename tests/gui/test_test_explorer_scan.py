"""Finding the explorer's convo files: each listed once, sorted, under its real path, with only the folders resolved
(not every file) in the worker thread that walks them."""

from __future__ import annotations

from pathlib import Path

from workbench.gui.test_explorer.scan import found

CONVO = "convos:\n  - name: hello\n    turns:\n      - user: hi\n"


def write(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONVO, encoding="utf-8")
    return path


def test_files_are_listed_sorted_under_the_real_path_of_a_linked_folder(tmp_path):
    real = tmp_path / "real"
    write(real / "b.convo.yaml")
    write(real / "sub" / "a.convo.yaml")
    (tmp_path / "link").symlink_to(real)

    assert found([tmp_path / "link"]) == [real / "b.convo.yaml", real / "sub" / "a.convo.yaml"]


def test_a_convo_file_that_is_a_link_is_listed_once_under_the_file_it_points_to(tmp_path):
    folder = tmp_path / "convos"
    target = write(folder / "a.convo.yaml")
    (folder / "b.convo.yaml").symlink_to(target)
    elsewhere = write(tmp_path / "other" / "c.convo.yaml")
    (folder / "c.convo.yaml").symlink_to(elsewhere)

    assert found([folder]) == [target, elsewhere]


def test_a_folder_that_is_gone_lists_nothing(tmp_path):
    write(tmp_path / "here" / "a.convo.yaml")

    assert found([tmp_path / "gone", tmp_path / "here"]) == [tmp_path / "here" / "a.convo.yaml"]
