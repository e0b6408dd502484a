"""Coverage, JUnit XML, JSON results, the HTML report and the recorder."""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

from workbench.engine import events as ev
from workbench.engine.conversation import Conversation
from workbench.flow.loader import load_flow_or_raise
from workbench.testing import suite
from workbench.testing.convo_format import load_convo_text
from workbench.testing.coverage import Coverage, FlowCoverage
from workbench.testing.coverage_html import coverage_html
from workbench.testing.json_report import report_json
from workbench.testing.junit import classname, junit_xml
from workbench.testing.recorder import flow_yaml, record
from workbench.testing.runner import Runner


def _coffee_suite(data: Path) -> suite.SuiteResult:
    return suite.run(suite.plan([data / "coffee.convo.yaml", data / "suite.convo.yaml"]))


def test_coverage_counts_states_declared_and_dynamic_transitions_and_intents(data: Path) -> None:
    (shop,) = _coffee_suite(data).coverage.flows.values()
    assert shop.states["welcome"] == 4 and shop.states["menu"] == 0
    edges = {(e.transition.source, e.transition.target, e.transition.why): e for e in shop.edges.values()}
    assert edges[("welcome", "ask_size", "button")].hits == 3
    assert edges[("check_size", "large", "route")].hits == 1
    assert edges[("*", "menu", "intent")].hits == 0
    thanks = edges[("pick_table", "thanks", "iframe")]
    assert not thanks.declared and thanks.hits == 1
    assert shop.totals()["intents"] == {"covered": 0, "total": 2, "percent": 0.0}
    assert "welcome → handover (button Talk to someone)" in shop.missed()["transitions"]


def test_a_button_is_credited_to_the_state_whose_message_showed_it(data: Path) -> None:
    flow = load_flow_or_raise(data / "shop.yaml")

    async def go() -> Coverage:
        async with Conversation(flow) as conversation:
            await conversation.start()
            await conversation.send_text("show the menu")
            await conversation.press("Order tea")
            coverage = Coverage()
            coverage.record(flow, conversation.events)
            return coverage

    (shop,) = asyncio.run(go()).flows.values()
    assert shop.edges[("menu", "ask_size", "button", None)].hits == 1


def test_coverage_json_round_trips_and_merges(data: Path) -> None:
    coverage = _coffee_suite(data).coverage
    again = Coverage.from_json(json.loads(json.dumps(coverage.to_json())))
    again.merge(coverage)
    (before,), (after,) = coverage.flows.values(), again.flows.values()
    assert after.states["welcome"] == 2 * before.states["welcome"]
    assert after.totals() == before.totals()


def test_the_html_report_lists_what_was_missed_and_embeds_the_data(data: Path) -> None:
    html = coverage_html(_coffee_suite(data).coverage)
    assert "<h2>Shop" in html
    assert "anywhere → menu (intent show_menu)" in html.replace("&gt;", ">")
    assert '<script type="application/json" id="coverage-data">' in html


def test_junit_xml_has_a_suite_per_file_and_the_failure_report(data: Path, tmp_path: Path) -> None:
    convo = tmp_path / "failing.convo.yaml"
    convo.write_text(f"flow: {data / 'shop.yaml'}\nname: Fails\nturns:\n  - bot: Hello\n")
    result = suite.run(suite.plan([data / "coffee.convo.yaml", convo]))
    root = ET.fromstring(junit_xml(result.results))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "0")
    failure = root.find("testsuite/testcase[@name='Fails']/failure")
    assert failure is not None
    assert failure.get("message", "").startswith("the bot said something else")
    assert "conversation up to this turn:" in (failure.text or "")
    assert classname("flows/train_ticket/booking.convo.yaml") == "flows.train_ticket.booking"


def test_junit_names_a_failed_request_in_the_failure_message(data: Path, tmp_path: Path, closed_port: int) -> None:
    convo = tmp_path / "offline.convo.yaml"
    convo.write_text(
        f"flow: {data / 'prices.yaml'}\nname: Offline\nhttp: passthrough\n"
        f"variables: {{api_base: 'http://127.0.0.1:{closed_port}'}}\nturns:\n  - user: Ghent\n  - state: done\n"
    )
    failure = ET.fromstring(junit_xml(suite.run(suite.plan([convo])).results)).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == (
        "the conversation is in another state (since the last input it went price → failed) (an HTTP request failed "
        f"after `user: Ghent` (line 6): GET http://127.0.0.1:{closed_port}/price?to=Ghent: connection refused)"
    )


def test_json_results_carry_status_and_the_failure_report(data: Path) -> None:
    result = _coffee_suite(data)
    report = report_json(result.results, result.duration)
    assert report["summary"]["total"] == 4 and report["summary"]["passed"] == 4
    assert report["results"][0]["name"] == "Orders a large coffee"


def test_a_recorded_conversation_replays_and_passes(data: Path) -> None:
    flow = load_flow_or_raise(data / "shop.yaml")

    async def go() -> str:
        async with Conversation(flow, variables={"who": "Ann, B"}) as conversation:
            await conversation.start()
            await conversation.press("Coffee")
            await conversation.send_text("large")
            await conversation.post_message({"target": "CL_API", "type": "UPDATE_SESSION", "payload": {"table": 7}})
            await conversation.send_text("talk to a person")
            await conversation.agent_reply("Hi!")
            await conversation.hand_back()
            await conversation.send_text("show the menu")
            return record(conversation.events, flow, name="Recorded", flow_ref="shop.yaml")

    text = asyncio.run(go())
    assert text.startswith('flow: shop.yaml\nname: Recorded\nvariables: {who: "Ann, B"}\nturns:\n')
    assert "  - bot: {text: What would you like?, buttons: [Coffee, Tea]}\n" not in text
    assert '  - bot: {text: "What would you like?", buttons: [Coffee, Tea]}\n' in text
    assert "  - iframe: {type: UPDATE_SESSION, payload: {table: 7}}\n" in text
    assert "  - hand_back: null\n" in text
    loaded = load_convo_text(text, str(data / "recorded.convo.yaml"), data)
    assert loaded.ok, loaded.problems

    async def replay() -> None:
        runner = Runner()
        result = await runner.run(loaded.tests[0])
        await runner.aclose()
        assert result.passed, result.failure and result.failure.report()

    asyncio.run(replay())


def test_recorded_values_read_back_the_same() -> None:
    for value in ["yes", "12", "a: b", "/x/", "Hi, you", " padded", "why?", {"k": ["a, b", 1, None, True]}]:
        assert yaml.safe_load(f"v: {flow_yaml(value)}")["v"] == value


def test_a_recording_keeps_the_flows_own_values_for_what_its_environment_set(data: Path, sample_backend: str) -> None:
    flow = load_flow_or_raise(data / "prices.yaml")
    environment = {"api_base": sample_backend, "who": "Ann"}

    async def go() -> Conversation:
        async with Conversation(flow, variables={**environment, "who": "Bob"}) as conversation:
            await conversation.start()
            await conversation.send_text("Ghent")
            return conversation

    events = asyncio.run(go()).events
    text = record(events, flow, name="Recorded", flow_ref="prices.yaml", environment=environment)
    assert "\nvariables: {who: Bob}\n" in text  # the tester's persona, not the window's api_base
    assert "\n  - request: GET {api_base}/price?to=Ghent\n" in text
    assert "\n  - request: POST {api_base}/tickets\n" in text
    assert sample_backend not in text
    assert f'api_base: "{sample_backend}"' in record(events, flow, name="Recorded", flow_ref="prices.yaml")


def test_coverage_reads_the_same_whatever_order_workers_merged_it_in(flow_from):
    flow = flow_from("""
        name: Jumps
        start: a
        states:
          a: {say: A}
          b: {say: B}
          c: {say: C}
    """)
    jumps = [ev.StateEntered(state=s, previous="a", reason="iframe") for s in ("b", "c")]
    orders = []
    for parts in (jumps, list(reversed(jumps))):
        total = FlowCoverage.for_flow(flow)
        for jump in parts:
            part = FlowCoverage.for_flow(flow)
            part.record([jump])
            total.merge(part)
        orders.append(total.to_json())
    assert orders[0] == orders[1]
