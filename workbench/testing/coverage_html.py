"""The coverage report as one self-contained HTML page: per flow, totals, then what no test reached, then every
state, transition and intent with its hit count. The JSON data is embedded too, for tools."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from workbench.testing.coverage import Coverage, FlowCoverage, reason
from workbench.testing.html_page import PAGE_STYLE, bar

_STYLE = (
    PAGE_STYLE
    + """
tr.missed td { background: #fde8e8; } tr.dynamic td { color: #555; font-style: italic; }
ul.missed li { color: #b30000; }
"""
)


def _rows(cells: list[tuple[list[str], int, str]]) -> str:
    out = []
    for values, hits, css in cells:
        tds = "".join(f"<td>{escape(v)}</td>" for v in values)
        out.append(f'<tr class="{css}">{tds}<td class="n">{hits}</td></tr>')
    return "\n".join(out)


def _table(headers: list[str], cells: list[tuple[list[str], int, str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in [*headers, "hits"])
    return f"<table><tr>{head}</tr>\n{_rows(cells)}\n</table>"


def _flow_section(flow: FlowCoverage) -> str:
    totals = flow.totals()
    summary = "".join(
        f"<tr><td>{escape(kind)}</td><td>{t['covered']} / {t['total']}</td>"
        f"<td>{t['percent']:g}%</td><td>{bar(t['percent'])}</td></tr>"
        for kind, t in totals.items()
    )
    missed = [f"{kind[:-1]}: {name}" for kind, names in flow.missed().items() for name in names]
    missed_html = (
        '<ul class="missed">' + "".join(f"<li>{escape(m)}</li>" for m in missed) + "</ul>"
        if missed
        else "<p>Every state, transition and intent was reached.</p>"
    )
    states = [([name], hits, "" if hits else "missed") for name, hits in flow.states.items()]
    states += [([f"{name} (not in the flow)"], hits, "dynamic") for name, hits in flow.extra_states.items()]
    edges = [
        (
            [e.transition.source, e.transition.target, reason(e.transition)],
            e.hits,
            "dynamic" if not e.declared else ("" if e.hits else "missed"),
        )
        for e in flow.edges.values()
    ]
    intents = [([name], hits, "" if hits else "missed") for name, hits in flow.intents.items()]
    return f"""
<h2>{escape(flow.flow)} <small>{escape(flow.path)}</small></h2>
<table>{summary}</table>
<h3>Not reached</h3>
{missed_html}
<h3>States</h3>
{_table(["state"], states)}
<h3>Transitions</h3>
<p>Italic rows are jumps decided at run time (code, API, iframe) that the flow does not declare; they do not count
towards the total.</p>
{_table(["from", "to", "why"], edges)}
<h3>Intents</h3>
{_table(["intent"], intents)}
"""


def coverage_html(coverage: Coverage) -> str:
    """The whole report page."""
    sections = "\n".join(_flow_section(coverage.flows[p]) for p in sorted(coverage.flows))
    data = json.dumps(coverage.to_json(), ensure_ascii=False).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Conversation test coverage</title><style>{_STYLE}</style></head>
<body>
<h1>Conversation test coverage</h1>
{sections or "<p>No flow was tested.</p>"}
<script type="application/json" id="coverage-data">{data}</script>
</body>
</html>
"""


def write_coverage_html(coverage: Coverage, path: str | Path) -> None:
    """Write `coverage_html(coverage)` to `path`."""
    Path(path).write_text(coverage_html(coverage), encoding="utf-8")
