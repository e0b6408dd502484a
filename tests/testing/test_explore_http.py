"""The explorer's canned HTTP: besides the plain success and the failure, an API action gets Chatlayer's
`{session, messages, action}` response — one per dialog state its request names with `{state: …}`, which sets the
variables the flow reads and jumps there — and the conversations it leads to are written and replay."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.testing.flow_on_disk import load_written
from workbench.engine import events as ev
from workbench.flow.model import Flow
from workbench.testing.coverage import FlowCoverage
from workbench.testing.explore.http_plan import CHATLAYER_TEXT, chatlayer_body, chatlayer_targets
from workbench.testing.explore.output import verify, write_suite
from workbench.testing.explore.paths import Move
from workbench.testing.explore.paths import Path as ExplorePath
from workbench.testing.explore.replay import Played, Player
from workbench.testing.explore.search import Exploration, Kept, explore
from workbench.testing.explore.shrink import reached

BANK = """\
name: Bank
start: hello
states:
  hello:
    say:
      - text: Hi! Pick one
        buttons:
          - {title: Transfer, goto: transfer}
          - {title: Owner, goto: lookup}
  transfer:
    api:
      method: POST
      url: "http://127.0.0.1:9/transfer"
      body: {amount: 10, done: {state: sent}, no_money: {state: too_poor}}
    on_error: failed
    next: checked
  checked:
    say: Checked.
  sent:
    say: Sent; your balance is {account.balance}.
  too_poor:
    say: Not enough money.
  failed:
    say: The bank is closed.
  lookup:
    api: {method: GET, url: "http://127.0.0.1:9/owner", save: {owner: owner.name}}
    next: owner
  owner:
    say: "Owner: {owner}."
"""
TRANSFER = ExplorePath((Move("click", "Transfer", "[Transfer]"),))


def bank(folder: Path) -> Flow:
    return load_written(folder, BANK, "bank.yaml")


def play(flow: Flow, *paths: ExplorePath) -> list[tuple[Played, list[ExplorePath]]]:
    """Each path played, with the outcomes the player offers where it ends."""

    async def run() -> list[tuple[Played, list[ExplorePath]]]:
        player = Player(flow)
        try:
            return [(played, player.outcomes(played)) for played in [await player.play(path) for path in paths]]
        finally:
            await player.aclose()

    return asyncio.run(run())


def test_an_api_action_gets_a_chatlayer_response_for_each_state_its_request_names(tmp_path: Path) -> None:
    flow = bank(tmp_path)
    assert chatlayer_targets(flow, flow.states["transfer"]) == ("sent", "too_poor")
    # With `save:` and no state named, one response that sets the session the flow reads.
    assert chatlayer_targets(flow, flow.states["lookup"]) == ("",)
    assert chatlayer_targets(flow, flow.states["hello"]) == ()
    assert chatlayer_body(flow, flow.states["transfer"], "sent") == {
        "session": {"namespace": "account", "data": {"balance": "balance-1"}},
        "messages": [{"type": "text", "config": {"textMessages": [{"text": CHATLAYER_TEXT}]}}],
        "action": {"nextDialogstate": "sent"},
    }
    assert chatlayer_body(flow, flow.states["lookup"], "")["owner"] == {"name": "owner-1"}


def test_the_outcomes_of_a_request_are_each_chatlayer_response_then_the_failure(tmp_path: Path) -> None:
    flow = bank(tmp_path)
    ((played, outcomes),) = play(flow, TRANSFER)
    assert played.state == "checked"  # the plain success follows `next`
    assert outcomes == [
        TRANSFER.chatlayer_at("transfer", "sent"),
        TRANSFER.chatlayer_at("transfer", "too_poor"),
        TRANSFER.failing_at("transfer"),
    ]


def test_a_chatlayer_response_sets_the_session_shows_its_message_and_jumps(tmp_path: Path) -> None:
    flow = bank(tmp_path)
    (sent, after_sent), (too_poor, _) = play(
        flow, TRANSFER.chatlayer_at("transfer", "sent"), TRANSFER.chatlayer_at("transfer", "too_poor")
    )
    texts = [e.text for e in sent.events if isinstance(e, ev.BotMessage)]
    assert texts[-2:] == [CHATLAYER_TEXT, "Sent; your balance is balance-1."]
    assert sent.state == "sent" and sent.session.get("account") == {"balance": "balance-1"}
    assert too_poor.state == "too_poor"
    coverage = FlowCoverage.for_flow(flow)
    coverage.record(sent.events)
    assert [(e.transition.source, e.transition.target, e.transition.why) for e in coverage.dynamic_edges] == [
        ("transfer", "sent", "api")
    ]
    # A Chatlayer response is a success: the path offers no further outcome at that state.
    assert after_sent == []


def test_the_conversations_chatlayer_responses_lead_to_are_named_so_and_replay(tmp_path: Path) -> None:
    flow = bank(tmp_path)
    owner = ExplorePath((Move("click", "Owner", "[Owner]"),)).chatlayer_at("lookup", "")
    played = play(flow, TRANSFER.chatlayer_at("transfer", "sent"), owner)
    kept = []
    for item, _outcomes in played:
        coverage = FlowCoverage.for_flow(flow)
        coverage.record(item.events)
        kept.append(Kept(item, tuple(sorted(reached(coverage)))))
    exploration = Exploration(flow, FlowCoverage.for_flow(flow), kept=kept)
    written = asyncio.run(verify(write_suite(exploration, tmp_path / "explored")))
    assert [w.name for w in written] == [
        "hello: [Transfer] → sent (transfer's response jumps to sent)",
        "hello: [Owner] → owner (lookup's response sets the session)",
    ]
    assert all(not w.failure for w in written), [w.failure for w in written]
    text = written[0].path.read_text(encoding="utf-8")
    assert "action: {nextDialogstate: sent}" in text and f"  - bot: {CHATLAYER_TEXT}\n" in text


def test_the_search_reaches_the_states_only_an_api_response_jumps_to(tmp_path: Path) -> None:
    coverage = asyncio.run(explore(bank(tmp_path))).coverage
    assert coverage.states["sent"] and coverage.states["too_poor"]
