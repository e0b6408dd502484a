"""A file of many YAML documents loads in time linear in its size (each document is read where it is, its
positions moved down, not padded with the lines before it), and a directive stays with the document it opens."""

from __future__ import annotations

import time

import pytest
from padded_documents import padded

from tests.testing.test_convo_hostile_values import FLOW, load, problems
from workbench.testing.convo_format import document_chunks, load_convo_text

_ONE = "turns: [user: hi]\n"


@pytest.mark.parametrize("count", [20_000, 40_000])
def test_a_file_of_many_empty_documents_loads_quickly(count: int) -> None:
    began = time.perf_counter()  # 20,000 took over 60 s; 40,000 took 868 MB
    loaded = load_convo_text("---\n" * count, "t.convo.yaml")
    assert time.perf_counter() - began < 5
    assert [str(p) for p in loaded.problems] == ["t.convo.yaml:1:1: error: the convo file is empty"]


def test_a_file_of_many_documents_keeps_every_position() -> None:
    text = "".join(f"---\nname: c{n}\nflow: {FLOW}\nturns:\n  - user: hi{n}\n" for n in range(3000))
    began = time.perf_counter()
    loaded = load_convo_text(text, "t.convo.yaml")
    assert time.perf_counter() - began < 10
    assert loaded.ok, loaded.problems[:3]
    last = loaded.tests[-1]
    assert (last.name, last.loc.line, last.turns[0].line, last.turns[0].column) == ("c2999", 14997, 15000, 5)


def test_problems_in_later_documents_are_where_they_are() -> None:
    text = f"{_ONE}---\nturns: [user: a]\nname: x\nname: y\n---\nturns: [user: b\n---\n- {{a: 'x\n"
    assert problems(text) == [  # the `flow:` line before the text is line 1
        "t.convo.yaml:4:1: error: missing required key 'flow' (the flow file this conversation tests)",
        "t.convo.yaml:6:1: error: duplicate key 'name' (first given on line 5)",
        "t.convo.yaml:8:8: error: invalid YAML: in a flow sequence that starts here: did not find expected ',' "
        "or ']' at line 9, column 1",
        "t.convo.yaml:10:7: error: invalid YAML: in a quoted scalar that starts here: found unexpected end of stream "
        "at line 10, column 9",
    ]


def test_an_alias_in_a_later_document_is_moved_once() -> None:
    text = f"{_ONE}---\nflow: {FLOW}\nturns:\n  - vars: &v {{a: 1}}\n  - vars: *v\n"
    loaded = load(text)
    assert loaded.ok, loaded.problems
    assert [t.line for t in loaded.tests[1].turns] == [6, 7]


_TEST = f"flow: {FLOW}\n{_ONE}"


@pytest.mark.parametrize(
    "text",
    [
        f"%YAML 1.1\n---\n{_TEST}",
        f"# a comment\n%YAML 1.1\n%TAG !e! tag:example.com,2000:\n--- # the test\n{_TEST}",
        f"{_TEST}...\n%YAML 1.1\n---\nname: second\n{_TEST}",
    ],
)
def test_a_directive_stays_with_the_document_it_opens(text: str) -> None:
    loaded = load_convo_text(text, "t.convo.yaml")
    assert loaded.ok, [str(p) for p in loaded.problems]
    assert loaded.tests[-1].turns[0].line == text.count("\n")  # `turns:` is the last line


def test_the_chunks_name_the_lines_before_them() -> None:
    text = "a: 1\n---\nb: 2\n%YAML 1.1\n---\nc: 3\n"
    assert document_chunks("%YAML 1.1\n--- # c\nc: 3\n") == [(0, "%YAML 1.1\n--- # c\nc: 3")]
    assert document_chunks(text)[:2] == [(0, "a: 1"), (1, "   \nb: 2\n%YAML 1.1")]  # no `...`: not a directive
    assert padded("a: 1\n---\nb: 2\n") == ["a: 1", "\n   \nb: 2"]
