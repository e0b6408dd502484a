"""The API action against the train ticket backend on 127.0.0.1: requests, Chatlayer responses, failures."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import httpx
import pytest

from workbench.engine import chatlayer_messages
from workbench.engine import events as ev
from workbench.engine.actions import api as api_action
from workbench.engine.actions.base import ActionContext, Ports
from workbench.engine.session import Session
from workbench.flow.model import ApiAction, Flow, Route, State


@pytest.fixture(scope="module")
def base(sample_backend: str) -> str:
    """The sample backend's URL."""
    return sample_backend


def call(api: ApiAction, variables: dict[str, Any] | None = None) -> list[ev.Event]:
    """Run the API action of a state `book` (next: confirm) with these session variables."""

    async def go() -> list[ev.Event]:
        async with httpx.AsyncClient() as client:
            state = State(name="book", kind="api", api=api, next=(Route("confirm"),), on_error="failed")
            # the states a response may jump to (an unknown nextDialogstate goes to on_error)
            others = {name: State(name=name, kind="say") for name in ("confirm", "failed", "pick_seat")}
            flow = Flow(name="test", start="book", states={"book": state, **others})
            session = Session(defaults=dict(variables or {}))
            ctx = ActionContext(flow=flow, state=state, session=session, ports=Ports(http=client, sandbox=None))
            return await api_action.run(ctx)

    return asyncio.run(go())


def of(events: list[ev.Event], kind: type[Any]) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


def finished(events: list[ev.Event]) -> ev.ActionFinished:
    last = events[-1]
    assert isinstance(last, ev.ActionFinished)
    return last


def echoed(events: list[ev.Event]) -> dict[str, Any]:
    """What `/echo` received, saved by `save: {seen: ...}` into the `seen` variable."""
    (change,) = [e for e in of(events, ev.VariableChanged) if e.name == "seen"]
    return change.value


# --- the happy path -----------------------------------------------------------------------------------------


def test_booking_in_chatlayer_format(base: str) -> None:
    api = ApiAction(
        method="POST",
        url="{api_base}/tickets",
        body={"to": {"var": "destination"}, "passengers": "{passengers}", "email": "{email}"},
    )
    events = call(api, {"api_base": base, "destination": "Ghent", "passengers": 2, "email": "a@b.be"})
    kinds = [e.kind for e in events]
    assert kinds == ["ActionStarted", "HttpExchange", "VariableChanged", "BotMessage", "ActionFinished"]
    assert events[0] == ev.ActionStarted(state="book", action="api")
    (change,) = of(events, ev.VariableChanged)
    assert change.name == "booking" and change.origin == "api" and change.state == "book"
    assert change.detail == f"POST {base}/tickets" and change.previous is None
    assert change.value["to"] == "Ghent" and change.value["passengers"] == 2 and change.value["price"] == 24.0
    ticket = change.value["ticket_id"]
    (message,) = of(events, ev.BotMessage)
    assert message == ev.BotMessage(state="book", type="text", text=f"Ticket {ticket} to Ghent is booked.")
    done = finished(events)
    assert done.ok and done.jump is None and done.result == {"status": 201} and done.action == "api"
    session = Session.from_events(events, {"destination": "Ghent"})
    assert session.get("booking.ticket_id") == ticket


def test_previous_value_comes_from_the_session(base: str) -> None:
    api = ApiAction(method="POST", url=f"{base}/tickets", body={"to": "Bruges"})
    events = call(api, {"booking": {"ticket_id": "T-0"}})
    (change,) = of(events, ev.VariableChanged)
    assert change.previous == {"ticket_id": "T-0"}


def chatlayer_answer() -> dict[str, Any]:
    postback = {
        "type": "postback",
        "title": "Yes",
        "payload": {"nextDialogstateId": "confirm", "params": [{"key": "answer", "value": "yes"}]},
    }
    link = {"type": "web_url", "title": "Terms", "url": "https://example.com/terms"}
    return {
        "session": {"namespace": "trip", "data": {"to": "Antwerp", "seats": ["12A"]}},
        "messages": [
            {"type": "text", "config": {"textMessages": ["First", "Second"]}},
            {"type": "button", "config": {"title": "Book it?", "buttons": [postback, link]}},
            {"type": "quickReply", "config": {"title": "Class?", "quickReplies": [postback]}},
            {
                "type": "carousel",
                "config": {
                    "cards": [
                        {
                            "title": "Antwerp",
                            "subtitle": "Port",
                            "imageUrl": "https://i/a.png",
                            "buttons": [link],
                        },
                        {"title": "Ghent", "buttons": [postback]},
                    ]
                },
            },
            {"type": "media", "config": {"type": "image", "url": "https://i/train.png"}},
        ],
        "action": {"nextDialogstate": "pick_seat"},
    }


def test_every_message_type_and_the_jump(base: str) -> None:
    api = ApiAction(method="POST", url=f"{base}/mirror", body=chatlayer_answer())
    events = call(api)
    kinds = [e.kind for e in events]
    assert kinds == ["ActionStarted", "HttpExchange", "VariableChanged"] + ["BotMessage"] * 5 + ["ActionFinished"]
    (change,) = of(events, ev.VariableChanged)
    assert (change.name, change.value) == ("trip", {"to": "Antwerp", "seats": ["12A"]})
    text, buttons, quick, carousel, media = of(events, ev.BotMessage)
    assert (text.type, text.text) == ("text", "First")
    yes = ev.ChoiceOut(title="Yes", goto="confirm", params={"answer": "yes"})
    terms = ev.ChoiceOut(title="Terms", url="https://example.com/terms")
    assert (buttons.type, buttons.text, buttons.buttons) == ("buttons", "Book it?", (yes, terms))
    assert (quick.type, quick.text, quick.quick_replies) == ("quick_replies", "Class?", (yes,))
    assert carousel.type == "carousel"
    assert carousel.cards == (
        ev.CardOut(title="Antwerp", subtitle="Port", image="https://i/a.png", buttons=(terms,)),
        ev.CardOut(title="Ghent", buttons=(yes,)),
    )
    assert (media.type, media.media) == ("media", {"type": "image", "url": "https://i/train.png"})
    assert finished(events).jump == "pick_seat"


def test_session_without_namespace_sets_each_key(base: str) -> None:
    api = ApiAction(method="POST", url=f"{base}/mirror", body={"session": {"seat": "12A", "coach": {"n": 3}}})
    events = call(api, {"seat": "1A"})
    changes = {e.name: (e.value, e.previous) for e in of(events, ev.VariableChanged)}
    assert changes == {"seat": ("12A", "1A"), "coach": ({"n": 3}, None)}


def test_internal_variables_are_read_only(base: str) -> None:
    api = ApiAction(method="POST", url=f"{base}/mirror", body={"session": {"namespace": "internal", "data": {}}})
    events = call(api)
    assert not of(events, ev.VariableChanged)
    assert any("read-only" in w.message for w in of(events, ev.EngineWarning))
    assert finished(events).ok


def test_save_picks_parts_of_any_json(base: str) -> None:
    api = ApiAction(
        method="GET",
        url=f"{base}/price",
        query={"to": "{destination}"},
        save={"distance": "distance_km", "city": "to", "missing": "no.such[0].path"},
    )
    events = call(api, {"destination": "Bruges"})
    changes = {e.name: e.value for e in of(events, ev.VariableChanged)}
    assert changes == {"distance": 100, "city": "Bruges"}
    (warning,) = of(events, ev.EngineWarning)
    assert "no.such[0].path" in warning.message and "missing" in warning.message and warning.state == "book"
    assert finished(events).ok


def test_save_indexes_lists(base: str) -> None:
    api = ApiAction(method="POST", url=f"{base}/mirror", body=[{"id": 7}, {"id": 8}], save={"second": "[1].id"})
    assert of(call(api), ev.VariableChanged)[0].value == 8
    api = ApiAction(method="POST", url=f"{base}/mirror", body={"items": [{"id": 7}]}, save={"first": "items[0].id"})
    assert of(call(api), ev.VariableChanged)[0].value == 7


def test_session_then_save_then_messages(base: str) -> None:
    answer = {
        "session": {"namespace": "trip", "data": {"to": "Ghent"}},
        "messages": [{"type": "text", "config": {"textMessages": ["Hi"]}}],
        "ref": "R1",
    }
    api = ApiAction(method="POST", url=f"{base}/mirror", body=answer, save={"trip.ref": "ref"})
    events = call(api, {"trip": {"to": "Paris"}})
    assert [e.kind for e in events][2:] == [
        "VariableChanged",
        "VariableChanged",
        "BotMessage",
        "ActionFinished",
    ]
    first, second = of(events, ev.VariableChanged)
    assert first.previous == {"to": "Paris"}
    assert (second.name, second.value, second.previous) == ("trip.ref", "R1", None)
    assert Session.from_events(events).get("trip") == {"to": "Ghent", "ref": "R1"}


def test_query_headers_and_bearer_auth_are_sent(base: str) -> None:
    api = ApiAction(
        method="GET",
        url="{api_base}/echo",
        query={"to": "{destination}", "n": 3, "flag": True},
        headers={"X-Trace": "trace-{n}", "X-Count": {"var": "n"}},
        auth={"type": "bearer", "token": "{token}"},
        save={"seen": "query", "h": "headers"},
    )
    events = call(api, {"api_base": base, "destination": "Gent", "n": 5, "token": "s3cret"})
    changes = {e.name: e.value for e in of(events, ev.VariableChanged)}
    assert changes["seen"] == {"to": "Gent", "n": "3", "flag": "true"}
    headers = changes["h"]
    assert headers["x-trace"] == "trace-5" and headers["x-count"] == "5"
    assert headers["authorization"] == "Bearer s3cret"
    (exchange,) = of(events, ev.HttpExchange)
    assert exchange.url == f"{base}/echo?to=Gent&n=3&flag=true"
    assert exchange.source == "api" and exchange.state == "book"


def test_basic_auth(base: str) -> None:
    api = ApiAction(
        method="POST",
        url=f"{base}/echo",
        auth={"type": "basic", "username": "{user}", "password": "p@ss"},
        save={"auth": "headers.authorization"},
    )
    events = call(api, {"user": "ann"})
    expected = "Basic " + base64.b64encode(b"ann:p@ss").decode()
    assert of(events, ev.VariableChanged)[0].value == expected


def test_json_body_with_variables_and_state_rows(base: str) -> None:
    api = ApiAction(
        method="PATCH",
        url=f"{base}/echo",
        body={
            "to": {"var": "destination"},
            "back": {"state": "ask_date"},
            "n": "{n}",
            "note": "to {destination}",
        },
        save={"seen": "json", "how": "method"},
    )
    events = call(api, {"destination": "Ghent", "n": 2})
    changes = {e.name: e.value for e in of(events, ev.VariableChanged)}
    assert changes["seen"] == {"to": "Ghent", "back": "ask_date", "n": 2, "note": "to Ghent"}
    assert changes["how"] == "PATCH"


def test_text_body(base: str) -> None:
    api = ApiAction(method="PUT", url=f"{base}/echo", body="Hello {name}", save={"seen": "body"})
    assert of(call(api, {"name": "Ann"}), ev.VariableChanged)[0].value == "Hello Ann"


def test_template_warnings_come_before_the_exchange(base: str) -> None:
    api = ApiAction(method="GET", url=f"{base}/echo", headers={"X-Who": "{nobody}"})
    events = call(api)
    kinds = [e.kind for e in events]
    assert kinds == ["ActionStarted", "TemplateWarning", "HttpExchange", "ActionFinished"]
    assert of(events, ev.TemplateWarning)[0].variable == "nobody"


def test_empty_answer_is_fine(base: str) -> None:
    events = call(ApiAction(method="DELETE", url=f"{base}/status/204"))
    assert [e.kind for e in events] == ["ActionStarted", "HttpExchange", "ActionFinished"]
    assert finished(events).ok and finished(events).result == {"status": 204}


# --- failures -----------------------------------------------------------------------------------------------


def assert_failed(events: list[ev.Event], *words: str) -> ev.ActionFinished:
    """The action failed cleanly: no variable or message, an EngineError, then ActionFinished(ok=False)."""
    assert not of(events, ev.VariableChanged) and not of(events, ev.BotMessage)
    done = finished(events)
    assert not done.ok and done.jump is None and done.error
    error = events[-2]
    assert isinstance(error, ev.EngineError)
    assert error.error == "api" and error.state == "book" and error.message == done.error
    assert "'book'" in done.error
    for word in words:
        assert word in done.error
    return done


def test_connection_refused(closed_url: str) -> None:
    events = call(ApiAction(method="POST", url=closed_url, body={"session": {"a": 1}}))
    assert_failed(events, "connection refused", closed_url)
    (exchange,) = of(events, ev.HttpExchange)
    assert exchange.error is not None and "connection refused" in exchange.error


def test_timeout(silent_url: str) -> None:
    events = call(ApiAction(method="GET", url=silent_url, timeout=0.3))
    assert_failed(events, "timed out after 0.3 s", silent_url)
    assert of(events, ev.HttpExchange)[0].error is not None


def test_slow_backend_times_out(base: str) -> None:
    events = call(ApiAction(method="GET", url=f"{base}/slow?seconds=2", timeout=0.3))
    assert_failed(events, "timed out")


def test_server_error_applies_nothing_even_in_chatlayer_format(base: str) -> None:
    api = ApiAction(method="POST", url=f"{base}/mirror?status=500", body=chatlayer_answer(), save={"x": "session"})
    events = call(api)
    assert_failed(events, "HTTP 500", f"{base}/mirror?status=500")
    (exchange,) = of(events, ev.HttpExchange)
    assert exchange.status == 500 and exchange.error is not None and exchange.error.startswith("HTTP 500")


@pytest.mark.parametrize("code", [400, 404, 503])
def test_other_statuses(base: str, code: int) -> None:
    assert_failed(call(ApiAction(method="GET", url=f"{base}/status/{code}")), f"HTTP {code}")


def test_garbage(base: str) -> None:
    events = call(ApiAction(method="GET", url=f"{base}/garbage", save={"x": "y"}))
    assert_failed(events, "not JSON")
    assert "not JSON" in (of(events, ev.HttpExchange)[0].error or "")


def test_oversized(base: str) -> None:
    events = call(ApiAction(method="GET", url=f"{base}/big"))
    assert_failed(events, "larger than 5 MB")


@pytest.mark.parametrize("url", ["{api_base}/tickets", "ftp://example.com/x", "http://exa mple.com"])
def test_invalid_url(url: str) -> None:
    events = call(ApiAction(method="POST", url=url, body={"to": "Ghent"}))
    done = assert_failed(events, "invalid URL")
    assert "TemplateWarning" in [e.kind for e in events] or "{" not in url
    assert done.error is not None


def test_unknown_method_and_auth(base: str) -> None:
    assert_failed(call(ApiAction(method="FETCH", url=f"{base}/echo")), "unknown method")
    bad_auth = ApiAction(method="GET", url=f"{base}/echo", auth={"type": "digest"})
    assert_failed(call(bad_auth), "unknown auth type")


def test_no_http_port() -> None:
    async def go() -> list[ev.Event]:
        state = State(name="book", kind="api", api=ApiAction(method="GET", url="http://127.0.0.1/"))
        ctx = ActionContext(flow=Flow(name="t", start="book", states={"book": state}), state=state, session=Session())
        return await api_action.run(ctx)

    assert_failed(asyncio.run(go()), "no HTTP client")


# --- the Chatlayer → normalised mapping on its own ----------------------------------------------------------


def test_mapping_of_odd_messages() -> None:
    normalised, problems = chatlayer_messages.normalise_all(
        [
            {"type": "text", "config": {"textMessages": []}},
            {
                "type": "quickReply",
                "config": {"quickReplies": [{"title": "A", "payload": '{"nextDialogstateId": "a"}'}]},
            },
            {"type": "video", "config": {"url": "https://v/x.mp4"}},
            {"type": "hologram"},
            "just text",
            {"type": "button", "config": {"title": "T", "buttons": [7, {"type": "element_share"}, "Plain"]}},
        ]
    )
    assert normalised == [
        {"type": "quick_replies", "text": "", "quick_replies": [{"title": "A", "goto": "a"}]},
        {"type": "media", "media": {"type": "video", "url": "https://v/x.mp4"}},
        {"type": "buttons", "text": "T", "buttons": [{"title": "Plain"}]},
    ]
    assert problems == [
        'messages[0] skipped ({"type": "text", "config": {"textMessages": []}}): '
        "messages[0].config.textMessages has no text to show",
        'messages[3] skipped ({"type": "hologram"}): unknown type "hologram" '
        "(use text, button, quickReply, carousel or media)",
        'messages[4] skipped ("just text"): it is a string, not an object',
        "messages[5].config.buttons[0] left out: it is a number, not an object",
        'messages[5].config.buttons[1] left out: "element_share" is Facebook Messenger\'s share button',
    ]
    assert chatlayer_messages.normalise_all({"type": "text"})[1] == ["messages ignored: it is an object, not an array"]


def test_skipped_messages_are_warnings_not_failures(base: str) -> None:
    body = {"messages": [{"type": "hologram"}, {"type": "text", "config": {"textMessages": ["ok"]}}]}
    events = call(ApiAction(method="POST", url=f"{base}/mirror", body=body))
    assert [m.text for m in of(events, ev.BotMessage)] == ["ok"]
    assert "hologram" in of(events, ev.EngineWarning)[0].message
    assert finished(events).ok
