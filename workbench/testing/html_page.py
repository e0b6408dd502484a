"""What the workbench's self-contained HTML reports share: the page's style and the percentage bar."""

from __future__ import annotations

PAGE_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { text-align: left; padding: .2em .8em; border-bottom: 1px solid #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; width: 10em; height: .8em; background: #fde8e8; vertical-align: middle; }
.bar span { display: block; height: 100%; background: #5cb85c; }
"""
"""The style every report starts from (a report adds its own rules after it)."""


def bar(percent: float) -> str:
    """A bar filled to `percent` (0–100), green on red."""
    return f'<span class="bar"><span style="width:{percent:g}%"></span></span>'
