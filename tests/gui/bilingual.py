"""A small English flow with a Dutch translation file, for the window's language tests: a button that sets
`preferredLanguage`, a question, and two texts the Dutch file lacks (the button's title and the goodbye).

Importable as `bilingual` from the GUI tests (their folder is on the path).
"""

from __future__ import annotations

from pathlib import Path

from workbench.gui.main_window import MainWindow

FLOW = """\
name: Bilingual
start: hello
languages:
  primary: en
  secondary: [nl]
states:
  hello:
    say:
      - text: Hello! Which language?
        buttons:
          - {title: Nederlands, set: {preferredLanguage: nl}, goto: ask}
  ask:
    ask: What is your name?
    save: name
    next: bye
  bye:
    say: Bye {name}
"""

DUTCH = """\
language: nl
texts:
  hello.say[0]: Hallo! Welke taal?
  ask.ask[0]: Hoe heet je?
"""

MISSING = ["hello.say[0].buttons[0]", "bye.say[0]"]
"""The keys the Dutch file has no translation for, in the flow file's order."""


def write_bilingual(folder: Path) -> Path:
    """Write the flow and its Dutch file into `folder`; the flow file's path."""
    flow = folder / "bilingual.yaml"
    flow.write_text(FLOW, encoding="utf-8")
    (folder / "bilingual.nl.yaml").write_text(DUTCH, encoding="utf-8")
    return flow


def open_and_wait(window: MainWindow, qtbot, path: Path) -> None:
    """Open `path` in `window` and wait until its conversation waits for the user."""
    task = window.open_flow(path)
    qtbot.waitUntil(task.done, timeout=10_000)
    qtbot.waitUntil(lambda: not window.bridge.busy, timeout=10_000)
