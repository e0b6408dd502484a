"""Answers to an `ask`: values that pass its `expect` and values that fail it, checked by the engine itself.

Every candidate goes through `workbench.engine.inputs.validate` (with the flow's own NLU for entities), so a
"passing" value is one the engine accepts and a "failing" one is one it refuses — a candidate that does not
behave as labelled is dropped, never offered under the wrong label. Dates and times are absolute, so a suite
written today replays the same next year. A number is also answered with each number literal the flow's route
conditions hold and with a large number above them all, so a route over a value computed from the answer
(`total > 30` where a code action sets `total = n * 2`) is taken too.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Literal

from workbench.engine import inputs
from workbench.engine.nlu import NluMatcher
from workbench.flow.model import Flow
from workbench.testing.explore.reads import condition_numbers
from workbench.testing.explore.regex_values import example

Verdict = Literal["passes", "fails"]

_PASSING: dict[str, tuple[str, ...]] = {
    "any": ("Alex",),
    "text": ("Alex",),
    "number": ("2", "12"),
    "email": ("ann@example.com",),
    "phone_number": ("+32 487 23 02 03",),
    "url": ("https://example.com",),
    "date": ("24/12/2030",),
    "time": ("15:30",),
    "language": ("Dutch",),
    "yes_no": ("yes", "no"),
}
_FAILING: dict[str, tuple[str, ...]] = {
    "number": ("no idea",),
    "email": ("ann at example",),
    "phone_number": ("12",),
    "url": ("not a link",),
    "date": ("banana",),
    "time": ("banana",),
    "language": ("Klingon",),
    "yes_no": ("maybe",),
}
_FAILING_OTHERWISE = ("Atlantis", "?", "zzz qqq")  # for entities and regular expressions
LARGE_NUMBER = 1000
"""The smallest "large" number answer (it is ten times the largest literal when that is more)."""
# Relative dates and times are read against this day, so whatever the clock says the labels stay right.
REFERENCE_DAY = dt.date(2030, 1, 1)


@dataclass(frozen=True, slots=True)
class Answer:
    """A text to type at an `ask`, and whether the engine accepts it."""

    text: str
    verdict: Verdict


def answers(expect: str, flow: Flow, matcher: NluMatcher | None = None) -> list[Answer]:
    """The passing answers, then one failing answer, for `expect` in `flow` (duplicates and mislabelled ones out):
    every refused answer leads to the same retry, so one is enough."""
    matcher = matcher or NluMatcher(flow.nlu)
    found: list[Answer] = []
    for wanted, candidates in (("passes", passing_candidates(expect, flow)), ("fails", failing_candidates(expect))):
        for text in candidates:
            if verdict(expect, text, matcher) == wanted and all(a.text != text for a in found):
                found.append(Answer(text, wanted))  # type: ignore[arg-type]
                if wanted == "fails":
                    break
    return found


def passing_candidates(expect: str, flow: Flow) -> list[str]:
    """What to try as a passing answer: the kind's examples, an entity's values and synonyms, a regex's example."""
    if expect == "number":
        return number_candidates(flow)
    if expect in _PASSING:
        return list(_PASSING[expect])
    entity = flow.nlu.entities.get(expect)
    if entity is not None:
        forms = list(entity.values)
        for value in entity.values:
            forms.extend(entity.synonyms.get(value, ()))
        return forms
    pattern = regex_source(expect)
    text = example(pattern) if pattern is not None else None
    return [text] if text else []


def number_candidates(flow: Flow) -> list[str]:
    """Small numbers, the number literals of `flow`'s conditions (sorted), then a large number above them all."""
    literals = condition_numbers(flow)
    large = int(max([LARGE_NUMBER, *(10 * abs(n) for n in literals)]))
    return [*_PASSING["number"], *(json.dumps(n) for n in literals), str(large)]


def failing_candidates(expect: str) -> list[str]:
    """What to try as a failing answer (nothing for `any`/`text`, which take every non-empty answer)."""
    if expect in ("any", "text"):
        return []
    return list(_FAILING.get(expect, _FAILING_OTHERWISE))


def regex_source(expect: str) -> str | None:
    """The pattern of a `/pattern/` or `/pattern/i` expect (with `(?i)` for the flag), else None."""
    if len(expect) < 2 or not expect.startswith("/"):
        return None
    if expect.endswith("/i") and len(expect) > 3:
        return "(?i)" + expect[1:-2]
    return expect[1:-1] if expect.endswith("/") else None


def verdict(expect: str, text: str, matcher: NluMatcher) -> Verdict | None:
    """What the engine makes of `text`; None for an expect it does not know (nothing is offered for it)."""
    try:
        ok = inputs.validate(expect, text, matcher, today=REFERENCE_DAY).ok
    except ValueError:
        return None
    return "passes" if ok else "fails"
