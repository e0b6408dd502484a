"""The test explorer in every language: a choice of languages beside Run (hidden for a flow in one language),
a row per language under a conversation that ran in several, the summary counted per language, and Open in chat
of a language's result replaying the conversation in that language."""

from __future__ import annotations

from pathlib import Path

import pytest
from bilingual import open_and_wait, write_bilingual
from qa_helpers import explorer

from workbench.engine import events as ev
from workbench.gui.test_explorer.model import LANGUAGE_ROLE, STATUS_ROLE

TESTS = """\
flow: bilingual.yaml
conversations:
  - name: greets
    turns:
      - bot: Hello! Which language?
  - name: greets by pattern
    turns:
      - bot: /^Hello/
"""

ONE_LANGUAGE_FLOW = """\
name: English only
start: hello
states:
  hello:
    say: Hello!
"""


@pytest.fixture
def window(make_window, qtbot, tmp_path):
    """A window on the bilingual flow (English, with Dutch), with two conversation tests beside it."""
    window = make_window()
    (tmp_path / "greet.convo.yaml").write_text(TESTS, encoding="utf-8")
    open_and_wait(window, qtbot, write_bilingual(tmp_path))
    return window


def key(tmp_path: Path, name: str) -> str:
    return f"{(tmp_path / 'greet.convo.yaml').resolve()}::{name}"


def choices(panel) -> list[str]:
    choice = panel.language_choice
    return [choice.itemText(i) for i in range(choice.count())]


def listed(panel, qtbot) -> None:
    """Wait until the conversations are listed and the languages of their flows offered."""
    qtbot.waitUntil(lambda: bool(panel.model.flows()) and not panel.tasks, timeout=10_000)


def run_in(panel, qtbot, language: str, run=None) -> None:
    panel.language_choice.setCurrentText(language)
    task = (run or panel.run_all)()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=60_000)


def languages_under(panel, test_key: str) -> list[tuple[str, str, str]]:
    """Each language row under a conversation: its name, status and result text (without the time)."""
    parent = panel.model.index_of(test_key)
    rows = []
    for number in range(panel.model.rowCount(parent)):
        cell = panel.model.index(number, 0, parent)
        result = panel.model.index(number, 2, parent).data().split(" · ")[0]
        rows.append((cell.data(), cell.data(STATUS_ROLE), result))
    return rows


def test_the_choice_offers_the_primary_each_language_and_all_and_is_hidden_for_one_language(
    window, qtbot, tmp_path, make_window
):
    panel = explorer(window)
    listed(panel, qtbot)
    assert choices(panel) == ["Primary language", "English (en)", "Dutch (nl)", "All languages"]
    assert not panel.language_choice.isHidden()

    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "english.yaml").write_text(ONE_LANGUAGE_FLOW, encoding="utf-8")
    (alone / "hello.convo.yaml").write_text("flow: english.yaml\nturns:\n  - bot: Hello!\n", encoding="utf-8")
    other = make_window()
    open_and_wait(other, qtbot, alone / "english.yaml")
    single = explorer(other)
    listed(single, qtbot)
    assert choices(single) == ["Primary language", "English (en)", "All languages"]
    assert single.language_choice.isHidden()


def test_a_run_in_all_languages_shows_each_language_under_its_conversation_and_counts_per_language(
    window, qtbot, tmp_path
):
    panel = explorer(window)
    listed(panel, qtbot)
    inserted: list[int] = []
    panel.model.rowsInserted.connect(lambda parent, first, last: inserted.append(last - first + 1))

    run_in(panel, qtbot, "All languages")

    assert languages_under(panel, key(tmp_path, "greets")) == [
        ("English (en)", "passed", "passed"),
        ("Dutch (nl)", "passed", "passed"),
    ]
    # a regular expression is not translated: the Dutch greeting does not match it
    assert languages_under(panel, key(tmp_path, "greets by pattern")) == [
        ("English (en)", "passed", "passed"),
        ("Dutch (nl)", "failed", "failed"),
    ]
    pattern = panel.model.index_of(key(tmp_path, "greets by pattern"))
    assert pattern.data(STATUS_ROLE) == "failed"
    assert pattern.siblingAtColumn(2).data() == "en passed, nl failed"
    assert inserted == [2, 2], "one insertion of rows per conversation"
    assert panel.progress.value() == panel.progress.maximum() == 4
    summary = panel.summary.text()
    assert summary.startswith("3 passed, 1 failed, 0 error in ")
    assert "(stopped)" not in summary
    assert summary.endswith(" — English (en): 2 passed · Dutch (nl): 1 passed, 1 failed")
    assert [t.name for t in panel.model.failed()] == ["greets by pattern"]


def test_a_run_in_one_language_shows_its_results_on_the_conversations_again(window, qtbot, tmp_path):
    panel = explorer(window)
    listed(panel, qtbot)
    run_in(panel, qtbot, "All languages")

    run_in(panel, qtbot, "Dutch (nl)")

    assert languages_under(panel, key(tmp_path, "greets")) == []
    assert panel.model.index_of(key(tmp_path, "greets")).data(STATUS_ROLE) == "passed"
    assert panel.model.index_of(key(tmp_path, "greets by pattern")).data(STATUS_ROLE) == "failed"
    assert panel.summary.text().startswith("1 passed, 1 failed, 0 error in ")
    assert " — " not in panel.summary.text()


def test_worker_processes_run_every_language(window, qtbot, tmp_path):
    panel = explorer(window)
    listed(panel, qtbot)
    panel.where.setCurrentIndex(panel.where.findData(2))

    run_in(panel, qtbot, "All languages")

    statuses = [row[1] for row in languages_under(panel, key(tmp_path, "greets by pattern"))]
    assert statuses == ["passed", "failed"]
    assert panel.summary.text().endswith(" — English (en): 2 passed · Dutch (nl): 1 passed, 1 failed")


def test_open_in_chat_of_a_languages_result_replays_the_conversation_in_that_language(window, qtbot, tmp_path):
    panel = explorer(window)
    listed(panel, qtbot)
    run_in(panel, qtbot, "All languages")
    dutch = f"{key(tmp_path, 'greets by pattern')} [nl]"
    assert panel.model.index_of(dutch).data(LANGUAGE_ROLE) == "nl"

    panel.select(dutch)
    assert panel.detail.title.text().startswith("greets by pattern [nl] — failed")
    panel.detail.open_button.click()

    qtbot.waitUntil(lambda: not panel.tasks, timeout=10_000)
    qtbot.waitUntil(lambda: window.chat.language_box.currentData() == "nl", timeout=10_000)
    assert window.bridge.conversation.language == "nl"
    said = [b.engine_event.text for b in window.chat.bubbles() if isinstance(b.engine_event, ev.BotMessage)]
    assert said == ["Hallo! Welke taal?"]
