"""The mutation report as one self-contained HTML page: the score, the mutants by outcome, then the survivors
grouped by state, each with its change and the conversation closest to catching it. Every text from the flow or
the suite is escaped; the JSON report is embedded too, for tools."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from workbench.testing.html_page import PAGE_STYLE, bar
from workbench.testing.mutate.report import (
    OUTCOMES,
    conversation_name,
    json_report,
    reach,
    summary,
    survivors_by_state,
)
from workbench.testing.mutate.run import MutationRun, Verdict

_STYLE = (
    PAGE_STYLE
    + """
.score { font-size: 2em; font-weight: bold; }
section.state { margin: 1em 0; } section.state h3 { margin-bottom: .2em; }
code { background: #f4f4f4; padding: 0 .2em; } ul.survivors li { margin: .3em 0; }
.closest { color: #555; }
"""
)


def _survivor(verdict: Verdict) -> str:
    near = verdict.closest
    hint = (
        f'<br><span class="closest">closest: {escape(conversation_name(near.conversation))} — '
        f"{escape(near.hint)}</span>"
        if near is not None
        else ""
    )
    return f"<li><code>{escape(verdict.change)}</code>{hint}</li>"


def _survivors(run: MutationRun) -> str:
    grouped = survivors_by_state(run)
    if not grouped:
        return "<p>Every mutant that loads was caught.</p>"
    return "\n".join(
        f'<section class="state"><h3>{escape(state)} <small>({escape(reach(here[0].covered))})</small></h3>'
        f'<ul class="survivors">{"".join(_survivor(v) for v in here)}</ul></section>'
        for state, here in grouped.items()
    )


def mutation_html(run: MutationRun) -> str:
    """The whole report page."""
    counts = "".join(f'<tr><td>{escape(o)}</td><td class="n">{run.count(o)}</td></tr>' for o in OUTCOMES)
    failing = (
        f"<p>{run.baseline_failing} conversation(s) fail on the flow as it is and were left out.</p>"
        if run.baseline_failing
        else ""
    )
    data = json.dumps(json_report(run), ensure_ascii=False).replace("<", "\\u003c")  # no </script> nor <!--
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Mutation testing: {escape(str(run.flow))}</title><style>{_STYLE}</style></head>
<body>
<h1>Mutation testing</h1>
<p>{escape(summary(run))}</p>
{failing}
<p>mutation score <span class="score">{run.score:g}%</span>
{bar(run.score)}</p>
<table><tr><th>outcome</th><th>mutants</th></tr>{counts}</table>
<h2>Survivors</h2>
<p>No conversation noticed these changes.</p>
{_survivors(run)}
<script type="application/json" id="mutation-data">{data}</script>
</body>
</html>
"""


def write_mutation_html(run: MutationRun, path: Path) -> None:
    """Write `mutation_html(run)` to `path`."""
    path.write_text(mutation_html(run), encoding="utf-8")
