"""An author's pattern that Python's `re` warns about (`[[`, read as a nested set one day) compiles without the
warning reaching the user: the pattern means today what it says, and the warning is Python's text, not theirs."""

from __future__ import annotations

import warnings
from pathlib import Path

from workbench.flow.regex_limits import compile_pattern
from workbench.testing.convo_format import load_convo_text


def test_a_pattern_with_a_bracket_in_a_set_compiles_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pattern = compile_pattern("[[a]+")
    assert pattern.search("x[a[") is not None


def test_a_convo_file_with_such_a_pattern_in_an_expected_variable_loads_without_a_warning(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text("name: F\nstart: a\nstates:\n  a:\n    say: Hi\n", encoding="utf-8")
    text = "flow: f.yaml\nconversations:\n  - name: n\n    turns:\n      - user: hi\n"
    text += "      - vars:\n          said: /[[a]/\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = load_convo_text(text, folder=tmp_path)
    assert loaded.problems == ()
