"""The replay runner: what passes, what fails, and what a failure says."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from workbench.testing.convo_format import load_convo_text
from workbench.testing.runner import ConvoResult, Runner

Replay = Callable[..., ConvoResult]

ORDER_COFFEE = """
turns:
  - click: Coffee
  - bot: Which size of coffee?
  - user: large
"""


def test_a_conversation_that_goes_as_written_passes(replay: Replay) -> None:
    result = replay(
        """
        turns:
          - bot: Welcome to the shop!
          - bot: {text: "What would you like?", buttons: [Coffee, Tea]}
          - bot: {quick_replies: [Talk to someone]}
          - click: Coffee
          - bot: Which size of coffee?
          - user: huge
          - bot: Small or large?
          - user: large
          - bot: {contains: large one}
          - json: {event: ordered, drink: coffee}
          - iframe_opened: table.html?drink={drink}
          - state: pick_table
          - iframe: {type: UPDATE_SESSION, payload: {table: 7}}
          - vars: {table: 7, drink: coffee, size: large, missing: null}
          - iframe: {type: GO_TO_DIALOGSTATE, payload: {dialogstate: thanks}}
          - bot: Enjoy your coffee at table 7!
          - vars: {drink: null, size: null}
        """
    )
    assert result.status == "passed", result.failure and result.failure.report()
    assert result.events


def test_bot_text_is_exact_with_white_space_folded(replay: Replay) -> None:
    assert replay("turns:\n  - bot: '  Welcome   to the\n      shop! '\n").passed


def test_a_different_bot_text_fails_with_expected_actual_and_a_diff(replay: Replay) -> None:
    result = replay("turns:\n  - bot: Welcome to the store!\n")
    assert result.status == "failed"
    failure = result.failure
    assert failure is not None
    assert str(failure.loc).endswith("inline.convo.yaml:3:5")
    assert failure.turn == "bot: Welcome to the store!"
    assert failure.message == (
        'the bot said something else: text is "Welcome to the shop!", expected "Welcome to the store!"'
    )
    assert failure.expected == '"Welcome to the store!"'
    assert failure.actual == "Welcome to the shop!"
    assert failure.diff[0] == "- Welcome to the store!"
    assert "+ Welcome to the shop!" in failure.diff
    report = failure.report()
    assert "conversation up to this turn:" in report
    assert "bot:   Welcome to the shop!" in report


@pytest.mark.parametrize(
    ("expectation", "passes"),
    [
        ("/^Welcome to the \\w+!$/", True),
        ("/store/", False),
        ("{contains: the shop}", True),
        ("{contains: the store}", False),
        ("{not: Welcome to the store!}", True),
        ("{not: {contains: shop}}", False),
        ("{type: text}", True),
        ("{type: buttons}", False),
    ],
)
def test_bot_matchers(replay: Replay, expectation: str, passes: bool) -> None:
    assert replay(f"turns:\n  - bot: {expectation}\n").passed is passes


def test_buttons_are_compared_by_title_in_order(replay: Replay) -> None:
    result = replay("turns:\n  - bot: Welcome to the shop!\n  - bot: {buttons: [Tea, Coffee]}\n")
    assert result.failure is not None
    assert result.failure.message == (
        'the bot said something else: buttons are ["Coffee", "Tea"], expected ["Tea", "Coffee"]'
    )


def test_a_card_is_a_subset_match_against_any_card_of_the_carousel(replay: Replay) -> None:
    turns = "turns:\n  - user: show the menu\n  - bot: Our drinks\n  - bot: {card: %s}\n"
    assert replay(turns % "{title: Tea, buttons: [Order tea]}").passed
    failed = replay(turns % "{title: Tea, subtitle: Green}")
    assert failed.failure is not None
    assert failed.failure.message.startswith('the bot said something else: no card matches {"subtitle": "Green"')


def test_a_bot_turn_when_the_bot_said_nothing_more_fails(replay: Replay) -> None:
    result = replay(ORDER_COFFEE, "  - bot: A large one, good choice.\n  - bot: Anything else?\n")
    assert result.failure is not None
    assert result.failure.message == "expected a bot message, but the bot said nothing more"
    assert result.failure.actual == "bot:   A large one, good choice."


def test_unasserted_bot_messages_are_fine_unless_strict(replay: Replay) -> None:
    assert replay(ORDER_COFFEE).passed
    result = replay("strict: true\n", ORDER_COFFEE)
    assert result.failure is not None
    assert result.failure.turn == "click: Coffee"
    assert result.failure.message == "the bot said something before this turn that no bot turn asserts (strict)"
    assert result.failure.actual == "bot:   Welcome to the shop!"


def test_strict_also_checks_after_the_last_turn(replay: Replay) -> None:
    result = replay(
        """
        strict: true
        turns:
          - bot: Welcome to the shop!
          - bot: /What would you like/
          - bot: Or
          - click: Coffee
          - bot: Which size of coffee?
          - user: large
        """
    )
    assert result.failure is not None
    assert result.failure.message == "the bot said something after the last turn that no bot turn asserts (strict)"
    assert result.failure.actual == "bot:   A large one, good choice."


def test_clicking_a_button_that_is_not_there_fails_and_lists_the_choices(replay: Replay) -> None:
    result = replay("turns:\n  - click: Juice\n")
    assert result.failure is not None
    assert result.failure.message == "there is no button or quick reply 'Juice' to click"
    assert result.failure.actual == 'the choices are ["Coffee", "Tea", "Talk to someone"]'


def test_click_by_number_counts_from_one(replay: Replay) -> None:
    assert replay("turns:\n  - click: 2\n  - vars: {drink: tea}\n").passed


def test_state_failure_shows_the_path_since_the_last_input(replay: Replay) -> None:
    result = replay(ORDER_COFFEE, "  - state: receipt\n")
    assert result.failure is not None
    assert result.failure.message == (
        "the conversation is in another state (since the last input it went check_size → large → receipt → pick_table)"
    )
    assert (result.failure.expected, result.failure.actual) == ("receipt", "pick_table")


def test_vars_failure_names_each_difference(replay: Replay) -> None:
    result = replay(ORDER_COFFEE, "  - vars: {size: small, drink: null, table: 3}\n")
    assert result.failure is not None
    assert result.failure.message == (
        'session variables differ: size: expected "small", got "large"; drink: expected no value, got "coffee"; '
        "table: expected 3, but it is not set"
    )
    assert "- size: small" in result.failure.diff
    assert "+ size: large" in result.failure.diff


def test_vars_compare_types(replay: Replay) -> None:
    result = replay(ORDER_COFFEE, "  - iframe: {type: UPDATE_SESSION, payload: {table: '7'}}\n  - vars: {table: 7}\n")
    assert result.failure is not None
    assert result.failure.message == 'session variables differ: table: expected 7, got "7" (a string, not a number)'


def test_json_turn_is_a_subset_match(replay: Replay) -> None:
    assert replay(ORDER_COFFEE, "  - json: {size: large}\n").passed
    result = replay(ORDER_COFFEE, "  - json: {size: small}\n")
    assert result.failure is not None
    assert result.failure.message == 'the JSON Builder message differs: size: expected "small", got "large"'


def test_iframe_opened_compares_the_url_resolved_like_the_action(replay: Replay) -> None:
    result = replay(ORDER_COFFEE, "  - iframe_opened: table.html?drink=tea\n")
    assert result.failure is not None
    assert result.failure.message == "the iframe opened another page"
    assert result.failure.expected.startswith("file://")
    assert result.failure.expected.endswith("/data/table.html?drink=tea")
    assert result.failure.actual.endswith("/data/table.html?drink=coffee")
    assert replay(ORDER_COFFEE, "  - iframe_opened: /table\\.html\\?drink=coffee$/\n").passed


def test_an_iframe_message_the_engine_refuses_fails_the_turn(replay: Replay) -> None:
    result = replay(ORDER_COFFEE, "  - iframe: {type: GO_TO_DIALOGSTATE, payload: {dialogstate: nowhere}}\n")
    assert result.failure is not None
    assert result.failure.message == (
        "the conversation refused the iframe message: GO_TO_DIALOGSTATE: there is no dialog state 'nowhere'"
    )


def test_offload_the_bot_answers_until_the_agent_speaks_and_again_after_hand_back(replay: Replay) -> None:
    result = replay(
        """
        turns:
          - click: Talk to someone
          - bot: Connecting you…
          - offloaded: true
          - user: show the menu
          - bot: Our drinks
          - agent: Hello, I am Bob.
          - user: is anyone there?
          - state: menu
          - hand_back:
          - offloaded: false
          - user: show the menu
          - bot: Our drinks
        """
    )
    assert result.passed, result.failure and result.failure.report()


def test_an_agent_reply_while_not_offloaded_fails(replay: Replay) -> None:
    result = replay("turns:\n  - agent: Hello\n")
    assert result.failure is not None
    assert result.failure.message == (
        "the conversation refused the input: the conversation is not offloaded to an agent"
    )


def test_a_flow_that_does_not_load_is_an_error_not_a_failure(replay: Replay) -> None:
    result = replay("turns:\n  - user: hi\n", flow="../broken/cycle_a.yaml")
    assert result.status == "error"
    assert result.failure is not None
    assert "the top level of a flow file must be a mapping" in result.failure.message


def test_a_state_the_flow_does_not_have_is_an_error(replay: Replay) -> None:
    result = replay("turns:\n  - state: welcom\n")
    assert result.status == "error"
    assert result.failure is not None
    assert result.failure.message.endswith(
        "error: state 'welcom' is not a state of flow 'Shop'; did you mean 'welcome'?"
    )


def test_start_begins_at_another_state(replay: Replay) -> None:
    assert replay("start: menu\nturns:\n  - bot: Our drinks\n  - state: menu\n").passed


def test_variables_make_a_persona_and_runner_variables_override_them(replay: Replay) -> None:
    convo = "variables: {drink: juice}\nstart: ask_size\nturns:\n  - bot: Which size of %s?\n"
    assert replay(convo % "juice").passed
    assert replay(convo % "milk", variables={"drink": "milk"}).passed


CITY = "turns:\n  - user: Ghent\n"


def test_canned_http_answers_fetch_and_the_api_action(replay: Replay) -> None:
    result = replay(
        """
        http:
          - request: GET {api_base}/price?to={city}
            json: {distance_km: 60}
          - request: {method: POST, url: "{api_base}/tickets", body: {to: Ghent}}
            status: 201
            json: {session: {namespace: booking, data: {ticket_id: T-9}}}
        """,
        CITY,
        "  - bot: Booked T-9, 60 km.\n  - vars: {booking.ticket_id: T-9}\n",
        flow="prices.yaml",
    )
    assert result.passed, result.failure and result.failure.report()


def test_a_request_no_entry_answers_fails_with_the_request_shown(replay: Replay) -> None:
    result = replay(
        """
        http:
          - request: GET {api_base}/price?to=Antwerp
            json: {distance_km: 45}
        """,
        CITY,
        flow="prices.yaml",
    )
    assert result.failure is not None
    assert result.failure.turn == "user: Ghent"
    assert result.failure.message == "no http: entry answers this request (add one, or say `http: passthrough`)"
    assert result.failure.actual == "GET http://prices.test/price?to=Ghent"
    assert result.failure.expected.startswith("GET {api_base}/price?to=Antwerp  (")


def test_a_body_subset_decides_which_entry_answers(replay: Replay) -> None:
    result = replay(
        """
        http:
          - request: GET {api_base}/price
            json: {distance_km: 1}
          - request: {method: POST, url: "{api_base}/tickets", body: {to: Bruges}}
            json: {session: {namespace: booking, data: {ticket_id: wrong}}}
          - request: POST {api_base}/tickets
            status: 500
            body: down for maintenance
        """,
        CITY,
        "  - error: {kind: api, message: HTTP 500}\n  - bot: That did not work.\n  - state: failed\n",
        flow="prices.yaml",
    )
    assert result.passed, result.failure and result.failure.report()


def test_error_turn_fails_when_no_such_error_happened(replay: Replay) -> None:
    result = replay(
        """
        http:
          - request: GET {api_base}/price
            json: {distance_km: 1}
          - request: POST {api_base}/tickets
            status: 503
        """,
        CITY,
        "  - error: code\n",
        flow="prices.yaml",
    )
    assert result.failure is not None
    assert result.failure.message == "expected an error, but no error like it happened since the last input"
    assert result.failure.actual.startswith("[api] API call of state 'book' failed: HTTP 503")


def test_a_failed_request_is_named_in_the_report_of_a_later_failing_turn(replay: Replay, closed_port: int) -> None:
    base = f"http://127.0.0.1:{closed_port}"
    result = replay(
        "http: passthrough\n", CITY, "  - vars: {km: 60}\n", flow="prices.yaml", variables={"api_base": base}
    )
    assert result.failure is not None
    assert result.failure.turn == 'vars: {"km": 60}'
    assert result.failure.http_failures == (
        f"an HTTP request failed after `user: Ghent` (line 4): GET {base}/price?to=Ghent: connection refused",
    )
    assert result.failure.report().splitlines()[2] == f"  {result.failure.http_failures[0]}"


def test_an_error_status_is_named_with_its_status(replay: Replay) -> None:
    result = replay(
        """
        http:
          - request: GET {api_base}/price
            json: {distance_km: 1}
          - request: POST {api_base}/tickets
            status: 500
            body: down for maintenance
        """,
        CITY,
        "  - state: done\n",
        flow="prices.yaml",
    )
    assert result.failure is not None
    assert result.failure.http_failures == (
        "an HTTP request failed after `user: Ghent` (line 10): POST http://prices.test/tickets: "
        "HTTP 500: down for maintenance",
    )


def test_a_passing_conversation_names_no_failed_request(replay: Replay) -> None:
    result = replay(
        "turns:\n  - bot: Which city?\n  - state: ask_city\n  - vars: {city: nowhere}\n", flow="prices.yaml"
    )
    assert result.failure is not None
    assert result.failure.http_failures == ()
    assert "HTTP request" not in result.failure.report()


def test_a_conversation_that_takes_too_long_times_out(replay: Replay, silent_url: str) -> None:
    base = silent_url.removesuffix("/x")
    result = replay("timeout: 0.001\nhttp: passthrough\n", CITY, flow="prices.yaml", variables={"api_base": base})
    assert result.failure is not None
    assert result.failure.message == "timed out after 0.001 s"


def test_the_observer_sees_every_event_and_on_turn_each_outcome(data: Path) -> None:
    convo = load_convo_text(f"flow: {data / 'shop.yaml'}\nturns:\n  - click: Tea\n  - bot: nope\n")
    seen: list[str] = []
    outcomes: list[tuple[int, str, bool]] = []

    async def go() -> None:
        runner = Runner()
        await runner.run(
            convo.tests[0],
            observer=lambda e: seen.append(e.kind),
            on_turn=lambda i, turn, failure: outcomes.append((i, turn.kind, failure is None)),
        )
        await runner.aclose()

    asyncio.run(go())
    assert seen[0] == "TurnStarted" and "BotMessage" in seen
    assert outcomes == [(0, "click", True), (1, "bot", False)]
