"""Flow diff: a suite replayed against two versions of a flow, the first differing turn of each conversation."""

import argparse
import asyncio
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from workbench.testing.cli_diff import add_diff_parser, run_diff_command
from workbench.testing.flow_diff import DiffError, DiffReport, diff_flow

FLOW = """\
name: Shop
start: hello
variables: {discount: 0}
states:
  hello:
    say: Hello! What do you want?
    next: ask_item
  ask_item:
    ask: Which item?
    save: item
    next: pick
  pick:
    next:
      - if: item == "book"
        goto: books
      - goto: other
  books:
    say: Books are on floor 2.
  other:
    say: We have no {item}.
"""

CONVO = """\
flow: shop.yaml
conversations:
  - name: Asks for a book
    turns:
      - bot: Hello! What do you want?
      - user: book
      - bot: /Books/
      - state: books
  - name: Asks for a pen
    turns:
      - user: pen
      - bot: We have no pen.
"""
BOOK_TURN = 6  # the line of `- user: book`


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    flow = tmp_path / "shop.yaml"
    flow.write_text(FLOW)
    (tmp_path / "shop.convo.yaml").write_text(CONVO)
    return flow


def other_version(shop: Path, old: str, new: str) -> Path:
    other = shop.with_name("other.yaml")
    other.write_text(FLOW.replace(old, new))
    return other


def diff(flow: Path, against: str) -> DiffReport:
    return asyncio.run(diff_flow(flow, against))


def first(report: DiffReport, name: str):
    return next(c for c in report.conversations if c.name == name)


def test_a_changed_message_is_reported_at_the_turn_that_made_the_bot_say_it(shop):
    report = diff(shop, str(other_version(shop, "floor 2", "floor 3")))
    book, pen = first(report, "Asks for a book"), first(report, "Asks for a pen")
    assert pen.difference is None and pen.left == pen.right == "passed"
    d = book.difference
    assert (d.loc.file, d.loc.line, d.turn) == (str(shop.with_name("shop.convo.yaml")), BOOK_TURN, "user: book")
    assert (d.what, d.left, d.right) == ("bot message", "Books are on floor 2.", "Books are on floor 3.")
    assert book.left == book.right == "passed"  # the test does not see it: the diff does
    assert report.summary == "2 conversations: 1 with a difference, 1 the same"


def test_a_changed_route_is_reported_as_the_state_entered(shop):
    report = diff(shop, str(other_version(shop, 'item == "book"', 'item == "books"')))
    d = first(report, "Asks for a book").difference
    assert (d.loc.line, d.what, d.left, d.right) == (BOOK_TURN, "state entered", "books", "other")
    assert first(report, "Asks for a book").right == "failed"
    assert first(report, "Asks for a pen").difference is None


def test_a_changed_variable_is_reported_at_the_start(shop):
    report = diff(shop, str(other_version(shop, "discount: 0", "discount: 10")))
    for convo in report.conversations:
        d = convo.difference
        assert (d.turn, d.what, d.left, d.right) == ("(start of the conversation)", "variable discount", "0", "10")


def test_the_same_flow_gives_no_difference_and_a_broken_version_is_an_error(shop):
    assert diff(shop, str(shop)).differing == []
    broken = other_version(shop, "goto: other", "goto: nowhere")
    with pytest.raises(DiffError, match="does not load"):
        diff(shop, str(broken))


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_against_a_git_revision_and_a_bad_revision(shop):
    folder = shop.parent
    git(folder, "init", "-q")
    git(folder, "add", ".")
    git(folder, "commit", "-q", "-m", "v1")
    shop.write_text(FLOW.replace("We have no {item}.", "Sorry, no {item}."))
    report = diff(shop, "HEAD")
    assert report.right == "HEAD:shop.yaml"
    d = first(report, "Asks for a pen").difference
    assert (d.turn, d.left, d.right) == ("user: pen", "Sorry, no pen.", "We have no pen.")
    with pytest.raises(DiffError, match=r"git show nope:shop\.yaml"):
        diff(shop, "nope")


def run_cli(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    add_diff_parser(parser.add_subparsers(dest="command"))
    out = io.StringIO()
    return run_diff_command(parser.parse_args(["diff", *argv]), out), out.getvalue()


def test_the_cli_prints_the_first_difference_and_exits_1(shop, capsys):
    other = other_version(shop, "floor 2", "floor 3")
    code, text = run_cli(str(shop), "--against", str(other), str(shop.with_name("shop.convo.yaml")))
    assert code == 1
    assert f"shop.convo.yaml:{BOOK_TURN}: user: book\n  in 'Asks for a book': the bot message differs" in text
    assert "Books are on floor 3." in text and text.endswith("2 conversations: 1 with a difference, 1 the same\n")
    assert run_cli(str(shop), "--against", str(shop))[0] == 0
    assert run_cli(str(shop), "--against", "no-such-revision")[0] == 2
    assert "error:" in capsys.readouterr().err
