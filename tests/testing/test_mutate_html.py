"""`workbench mutate --html FILE`: one self-contained page with the score, the mutants by outcome and the survivors
grouped by state with their changes and closest conversations; every text from the flow or the suite escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

from workbench.testing.mutate.closest import Closest
from workbench.testing.mutate.html_report import mutation_html
from workbench.testing.mutate.report import json_report
from workbench.testing.mutate.run import MutationRun, Verdict

HOSTILE = "<script>alert('x')</script> & <!--"


def _run() -> MutationRun:
    near = Closest(f"a{HOSTILE}.convo.yaml::talks {HOSTILE}", "says", f"reaches it and the bot says `{HOSTILE}`")
    verdicts = (
        Verdict(
            "delete_message", f"s{HOSTILE}", f"s{HOSTILE}.say: drop message 1 ({HOSTILE})", "survived", closest=near
        ),
        Verdict("retarget", "other", "other.next: a → b", "survived", covered=2, index=1),
        Verdict("retarget", "other", "other.next: b → c", "killed", "a.convo.yaml::x", covered=2, index=2),
        Verdict("condition", "other", "other.next[0].if: a > 1 → a >= 1", "timed out", index=3),
        Verdict("expect", "other", "other.expect: any → number", "invalid", index=4),
    )
    return MutationRun(Path(f"flows/{HOSTILE}.yaml"), verdicts, conversations=3, baseline_failing=1)


def test_the_page_escapes_every_text_of_the_flow_and_the_suite() -> None:
    page = mutation_html(_run())
    assert "alert('x')</script>" not in page and "<!-- " not in page
    assert page.count("<script") == 1, "only the embedded data"
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;!--" in page
    data = re.search(r'<script type="application/json" id="mutation-data">(.*)</script>', page, re.S)
    assert data is not None and json.loads(data.group(1)) == json_report(_run())


def test_the_page_shows_the_score_the_counts_and_the_survivors_by_state() -> None:
    page = mutation_html(_run())
    assert '<span class="score">50%</span>' in page
    for outcome, count in (("killed", 1), ("timed out", 1), ("survived", 2), ("invalid", 1)):
        assert f'<tr><td>{outcome}</td><td class="n">{count}</td></tr>' in page
    assert "1 conversation(s) fail on the flow as it is and were left out." in page
    assert "<h3>other <small>(reached by 2 conversation(s))</small></h3>" in page
    assert "<li><code>other.next: a → b</code></li>" in page
    assert "other.next: b → c" not in page.split('id="mutation-data"')[0], "a killed mutant is only counted"
    assert "closest: talks &lt;script&gt;" in page
