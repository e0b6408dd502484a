"""Problems print as `file:line:column: severity: message`."""

from __future__ import annotations

from workbench.flow.model import Loc
from workbench.flow.problems import Problem, Reporter, did_you_mean


def test_problem_formats() -> None:
    assert str(Problem(Loc("flows/a.yaml", 3, 7), "boom", "error")) == "flows/a.yaml:3:7: error: boom"
    assert str(Problem(Loc("a.yaml", 1, 1), "hm", "warning")) == "a.yaml:1:1: warning: hm"
    assert Problem(Loc("a", 1, 1), "x").is_error
    assert not Problem(Loc("a", 1, 1), "x", "warning").is_error


def test_reporter_sorts_by_line_then_column_errors_first() -> None:
    rep = Reporter("f.yaml")
    rep.warning(5, 1, "w5")
    rep.error(2, 9, "e2b")
    rep.warning(2, 3, "w2")
    rep.error(2, 3, "e2")
    assert [p.message for p in rep.sorted()] == ["e2", "w2", "e2b", "w5"]
    assert all(p.loc.file == "f.yaml" for p in rep.problems)


def test_did_you_mean() -> None:
    assert did_you_mean("sya", ["say", "ask"]) == "; did you mean 'say'?"
    assert did_you_mean("zzz", ["say", "ask"]) == ""
    assert did_you_mean(3, ["say"]) == ""
