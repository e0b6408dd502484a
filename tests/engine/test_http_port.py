"""`http_port.perform` against the train ticket backend on 127.0.0.1, a silent server and a closed port."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest

from workbench.engine import http_port
from workbench.engine.http_port import HttpResult, perform
from workbench.sample import start_sample_backend, stop_sample_backend

T = TypeVar("T")


@pytest.fixture(scope="module")
def base(sample_backend: str) -> str:
    """The sample backend's URL."""
    return sample_backend


def run(make: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    """Run `make(client)` on a fresh loop with a fresh client."""

    async def go() -> T:
        async with httpx.AsyncClient() as client:
            return await make(client)

    return asyncio.run(go())


def request(**kwargs: Any) -> HttpResult:
    return run(lambda client: perform(client, **kwargs))


# --- answers ------------------------------------------------------------------------------------------------


def test_json_answer_with_the_exchange_event(base: str) -> None:
    result = request(method="get", url=f"{base}/price", params={"to": "Ghent"}, state="price", source="fetch")
    assert result.ok and result.error is None and result.status == 200
    assert result.json() == {"to": "Ghent", "distance_km": 60}
    assert json.loads(result.text()) == result.json()
    assert result.headers["content-type"] == "application/json"
    exchange = result.exchange
    assert exchange.method == "GET"
    assert exchange.url == f"{base}/price?to=Ghent"
    assert exchange.state == "price" and exchange.source == "fetch"
    assert exchange.status == 200 and exchange.error is None
    assert json.loads(exchange.response_body or "") == {"to": "Ghent", "distance_km": 60}
    assert exchange.response_headers["content-type"] == "application/json"
    assert "user-agent" in {k.lower() for k in exchange.request_headers}
    assert exchange.duration > 0


def test_json_body_and_headers_are_sent(base: str) -> None:
    result = request(method="POST", url=f"{base}/echo", headers={"X-Trace": "42"}, json_body={"to": "Gent"})
    echoed = result.json()
    assert echoed["method"] == "POST"
    assert echoed["json"] == {"to": "Gent"}
    assert echoed["headers"]["x-trace"] == "42"
    assert echoed["headers"]["content-type"] == "application/json"
    assert json.loads(result.exchange.request_body or "") == {"to": "Gent"}
    assert result.exchange.request_headers["x-trace"] == "42"


def test_text_content_is_sent_as_is(base: str) -> None:
    result = request(method="PUT", url=f"{base}/echo", content="hello there")
    assert result.json()["body"] == "hello there"
    assert result.json()["method"] == "PUT"
    assert result.exchange.request_body == "hello there"


def test_every_method_reaches_the_server(base: str) -> None:
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        assert request(method=method, url=f"{base}/echo").json()["method"] == method


def test_non_2xx_is_an_answer_not_an_error(base: str) -> None:
    result = request(method="GET", url=f"{base}/status/500")
    assert result.status == 500 and result.error is None and not result.ok
    assert result.json()["status"] == 500
    assert result.exchange.status == 500


def test_empty_answer(base: str) -> None:
    result = request(method="GET", url=f"{base}/empty")
    assert result.ok and result.status == 204
    assert result.body == b"" and result.text() == ""


def test_garbage_is_ok_but_not_json(base: str) -> None:
    result = request(method="GET", url=f"{base}/garbage")
    assert result.ok
    with pytest.raises(ValueError):
        result.json()


# --- failures -----------------------------------------------------------------------------------------------


def test_connection_refused(closed_url: str) -> None:
    result = request(method="GET", url=closed_url)
    assert result.error == f"connection refused to {closed_url}"
    assert result.status is None and result.body is None and not result.ok
    assert result.exchange.error == result.error and result.exchange.status is None


def test_timeout_on_a_silent_server(silent_url: str) -> None:
    result = request(method="GET", url=silent_url, timeout=0.3)
    assert result.error is not None and result.error.startswith("timed out after 0.3 s")
    assert silent_url in result.error
    assert 0.25 < result.exchange.duration < 2


def test_timeout_covers_the_whole_exchange(base: str) -> None:
    result = request(method="GET", url=f"{base}/slow?seconds=2", timeout=0.3)
    assert result.error is not None and result.error.startswith("timed out after 0.3 s")
    assert result.exchange.duration < 1.5


@pytest.mark.parametrize("query", ["", "?chunked=1"])
def test_oversized_answer_is_cut_off(base: str, query: str) -> None:
    result = request(method="GET", url=f"{base}/big{query}")
    assert result.error == f"response from {base}/big{query} larger than 5 MB"
    assert result.status == 200 and result.body is None and not result.ok
    shown = result.exchange.response_body or ""
    assert len(shown) < http_port.EVENT_BODY_LIMIT + 200
    assert "cut off" in shown or "truncated" in shown


def test_max_bytes_is_configurable(base: str) -> None:
    result = request(method="POST", url=f"{base}/echo", content="x" * 100, max_bytes=10)
    assert result.error == f"response from {base}/echo larger than 10 bytes"


def test_event_bodies_are_truncated_with_a_note(base: str) -> None:
    result = request(method="GET", url=f"{base}/big?mb=1")
    assert result.ok and result.body is not None and len(result.body) == 2**20
    shown = result.exchange.response_body or ""
    assert shown.endswith("[truncated: first 64 KB of 1 MB shown]")
    assert len(shown) < http_port.EVENT_BODY_LIMIT + 100


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.com/x", "only http and https"),
        ("/tickets", "not absolute"),
        ("tickets", "not absolute"),
        ("", "not absolute"),
        ("http:///nohost", "invalid URL"),
        ("http://exa mple.com/", "bad host name 'exa mple.com'"),
        ("http://[bad/", "bad host name"),
    ],
)
def test_invalid_urls_are_refused_before_any_request(url: str, why: str) -> None:
    result = request(method="GET", url=url)
    assert result.error is not None and result.error.startswith(f"invalid URL '{url}'")
    assert why in result.error
    assert result.status is None and result.exchange.error == result.error


def test_size_text() -> None:
    assert http_port.size_text(5 * 2**20) == "5 MB"
    assert http_port.size_text(64 * 2**10) == "64 KB"
    assert http_port.size_text(1536) == "1.5 KB"
    assert http_port.size_text(12) == "12 bytes"


# --- the backend itself -------------------------------------------------------------------------------------


def test_backend_books_tickets_with_counting_ids(base: str) -> None:
    first = request(method="POST", url=f"{base}/tickets", json_body={"to": "Bruges", "passengers": 2})
    second = request(method="POST", url=f"{base}/tickets", json_body={"to": "Ghent"})
    assert first.status == 201
    booking = first.json()["session"]
    assert booking["namespace"] == "booking"
    assert booking["data"]["to"] == "Bruges" and booking["data"]["price"] == 40.0
    n = int(booking["data"]["ticket_id"].removeprefix("T-"))
    assert second.json()["session"]["data"]["ticket_id"] == f"T-{n + 1}"
    text = first.json()["messages"][0]["config"]["textMessages"][0]
    assert text == f"Ticket T-{n} to Bruges is booked."


def test_backend_refuses_a_ticket_without_destination(base: str) -> None:
    result = request(method="POST", url=f"{base}/tickets", json_body={"date": "2025-01-01"})
    assert result.status == 400 and "to" in result.json()["error"]


def test_backend_prices(base: str) -> None:
    assert request(method="GET", url=f"{base}/price?to=Bruges").json()["distance_km"] == 100
    assert request(method="GET", url=f"{base}/price?to=Paris").status == 404


def test_backend_offload_webhook() -> None:
    server, base_url = start_sample_backend(verify_token="secret")
    try:
        good = request(method="GET", url=f"{base_url}/offload?challenge=abc&challenge.verifyToken=secret")
        assert good.status == 200 and good.json()["status"] == "ok"
        assert request(method="GET", url=f"{base_url}/offload?challenge=abc&challenge.verifyToken=nope").status == 403
        request(method="POST", url=f"{base_url}/offload", json_body={"type": "offload", "n": 1})
        request(method="POST", url=f"{base_url}/offload", json_body={"type": "message", "n": 2})
        events = request(method="GET", url=f"{base_url}/offload/events").json()
        assert events == [{"type": "offload", "n": 1}, {"type": "message", "n": 2}]
        request(method="DELETE", url=f"{base_url}/offload/events")
        assert request(method="GET", url=f"{base_url}/offload/events").json() == []
    finally:
        stop_sample_backend(server)
