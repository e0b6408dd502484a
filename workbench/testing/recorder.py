"""Recording: a live conversation's event log turned into a convo file that replays it.

The `bot` turns are what the bot actually said, the inputs are what the user (or the iframe page, or the agent)
sent, and after each input that moved the conversation a `state` turn pins where it went. HTTP exchanges become
canned `http:` entries (URLs written with the flow's URL variables, such as `{api_base}`), so the recording
replays offline. Formatting is stable: the same log always gives the same text, one turn per line.

The `variables:` of the recording are the persona the conversation started with, except the values its
environment gave to the flow's own variables (such as the `api_base` of a backend on a random port): those start
as the flow has them, so the recording replays anywhere.

Every recording is valid UTF-8 that the convo loader reads back as it was recorded: characters YAML does not
allow in a file or reads as line breaks (controls, DEL, U+2028, U+2029…) are written as `\\u` escapes in double
quotes. A lone UTF-16 surrogate (JavaScript strings may hold one; Unicode text may not) cannot be written at all.
What comes from outside (typed text, a page's message, an API response, a code action's result) arrives as U+FFFD
(the replacement character) already; one that reached the session otherwise (set by hand or by a caller of the
engine) is recorded as U+FFFD everywhere it occurs, so the replay sends U+FFFD where the surrogate was sent and
expects U+FFFD where the bot echoed it (`holds_lone_surrogates` lets the save dialog warn).

Not recorded: variables set by hand in the inspector, and restarts (record from the last restart).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from workbench.engine import events as ev
from workbench.flow.model import Flow
from workbench.testing.assertions import card_dict, fold, is_regex

_FLOW_INDICATORS = re.compile(r"[,:?#\[\]{}]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Not allowed raw in a YAML file, or read as a line break (U+0085, U+2028, U+2029) even inside quotes.
_NOT_RAW_IN_YAML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
"""What a lone surrogate is recorded as."""


def _scalar_is_plain(text: str, nested: bool) -> bool:
    if not text or text != text.strip() or "\n" in text or (nested and _FLOW_INDICATORS.search(text)):
        return False
    if _NOT_RAW_IN_YAML.search(text):
        return False
    try:
        return yaml.safe_load(text) == text and not text.startswith(("{", "[", "'", '"', "&", "*", "!", "|", ">"))
    except yaml.YAMLError:
        return False


def flow_yaml(value: Any, nested: bool = False) -> str:
    """`value` as YAML on one line: plain strings where YAML reads them back the same, else flow style."""
    if isinstance(value, str):
        value = _LONE_SURROGATE.sub(REPLACEMENT, value)
        return value if _scalar_is_plain(value, nested) else _double_quoted(value)
    if isinstance(value, Mapping):
        items = ", ".join(f"{flow_yaml(str(k), True)}: {flow_yaml(v, True)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow_yaml(v, True) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _double_quoted(text: str) -> str:
    # JSON's string syntax is YAML's double-quoted style, \u escapes included.
    return _NOT_RAW_IN_YAML.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(text, ensure_ascii=False))


def holds_lone_surrogates(value: Any) -> bool:
    """Whether `value` (an event, or any value inside one) holds a lone UTF-16 surrogate."""
    if isinstance(value, str):
        return _LONE_SURROGATE.search(value) is not None
    if isinstance(value, Mapping):
        return any(holds_lone_surrogates(k) or holds_lone_surrogates(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(holds_lone_surrogates(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(holds_lone_surrogates(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


def _text(text: str) -> str:
    folded = fold(text)
    return f"/^{re.escape(folded)}$/" if is_regex(folded) else folded


def bot_turn(message: ev.BotMessage) -> Any:
    """What a `bot` turn expects of `message`: its text, or a mapping when it has more than text."""
    spec: dict[str, Any] = {}
    if message.text or message.type == "text":
        spec["text"] = _text(message.text)
    if message.buttons:
        spec["buttons"] = [b.title for b in message.buttons]
    if message.quick_replies:
        spec["quick_replies"] = [q.title for q in message.quick_replies]
    if message.cards:
        spec["card"] = [card_dict(c) for c in message.cards]
    if message.media:
        spec["media"] = dict(message.media)
    if message.html is not None:
        spec["html"] = _text(message.html)
    return spec["text"] if list(spec) == ["text"] else spec


def _iframe_payload(event: ev.IframeMessageAccepted) -> dict[str, Any]:
    if event.type == "SEND_MESSAGE":
        return {"text": event.payload}
    if event.type == "GO_TO_DIALOGSTATE":
        return {"dialogstate": event.payload}
    return dict(event.payload)


def url_template(url: str, variables: Mapping[str, Any]) -> str:
    """`url` written with the starting variable that holds its beginning (`{api_base}/price`), so a recording
    does not depend on the port a backend had."""
    for name, value in variables.items():
        if isinstance(value, str) and value.startswith(("http://", "https://")) and url.startswith(value):
            return "{" + name + "}" + url[len(value) :]
    return url


def _http_entry(exchange: ev.HttpExchange, variables: Mapping[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"request": f"{exchange.method} {url_template(exchange.url, variables)}"}
    if exchange.status != 200:
        entry["status"] = exchange.status
    try:
        entry["json"] = json.loads(exchange.response_body or "")
    except ValueError:
        if exchange.response_body:
            entry["body"] = exchange.response_body
    return entry


def iframe_url(url: str, folder: Path) -> str:
    """An iframe page's URL as a convo test writes it: relative to the flow's folder when the page is in it."""
    prefix = folder.resolve().as_uri() + "/"
    return url[len(prefix) :] if url.startswith(prefix) else url


def _turns(events: Iterable[ev.Event], flow: Flow) -> tuple[list[tuple[str, Any]], list[ev.HttpExchange]]:
    turns: list[tuple[str, Any]] = []
    exchanges: list[ev.HttpExchange] = []
    entered: str | None = None
    for event in events:
        match event:
            case ev.HandedBack():
                turns.append(("hand_back", event.state))
            case ev.TurnFinished() if entered is not None:
                turns.append(("state", entered))
                entered = None
            case ev.StateEntered():
                entered = event.state
            case ev.UserMessage(via="text"):
                turns.append(("user", event.text))
            case ev.UserMessage(via="button"):
                turns.append(("click", event.text))
            case ev.IframeMessageAccepted():
                turns.append(("iframe", {"type": event.type, "payload": _iframe_payload(event)}))
            case ev.AgentMessage():
                turns.append(("agent", event.text))
            case ev.BotMessage():
                turns.append(("bot", bot_turn(event)))
            case ev.JsonMessage():
                turns.append(("json", event.payload))
            case ev.IframeOpened():
                turns.append(("iframe_opened", iframe_url(event.url, flow.folder)))
            case ev.EngineError() if event.error != "input":
                turns.append(("error", event.error))
            case ev.Offloaded():
                turns.append(("offloaded", True))
            case ev.HttpExchange() if event.source in ("api", "fetch") and event.status is not None:
                exchanges.append(event)
    return turns, exchanges


def _start_variables(events: Iterable[ev.Event]) -> dict[str, Any]:
    """The variables a conversation was started with (besides the flow's defaults), from its log."""
    started: dict[str, Any] = {}
    for event in events:
        if isinstance(event, ev.TurnStarted):
            break
        if isinstance(event, ev.VariableChanged) and event.origin == "default":
            started[event.name] = event.value
    return started


def _persona(started: Mapping[str, Any], flow: Flow, environment: Mapping[str, Any]) -> dict[str, Any]:
    def from_environment(name: str, value: Any) -> bool:
        return name in flow.variables and name in environment and environment[name] == value

    return {name: value for name, value in started.items() if not from_environment(name, value)}


def record(
    events: Iterable[ev.Event],
    flow: Flow,
    *,
    name: str,
    flow_ref: str,
    variables: Mapping[str, Any] | None = None,
    environment: Mapping[str, Any] | None = None,
    tags: Sequence[str] = (),
    canned_http: bool = True,
) -> str:
    """A convo file (YAML text) that replays the conversation whose log is `events`.

    `flow_ref` is the flow's path as the convo file should name it (relative to where it will be saved);
    `variables` the persona to start with (by default the variables the conversation started with, less those
    that `environment` gave to variables the flow declares). `environment` holds the variables the conversation's
    surroundings started it with (a window's or a command line's), not the tester. With `canned_http` false, a
    conversation that made HTTP requests is written with `http: passthrough` (its replay uses the network)
    instead of canned answers.
    """
    log = list(events)
    started = _start_variables(log)
    persona = dict(variables) if variables is not None else _persona(started, flow, environment or {})
    start = next((e.state for e in log if isinstance(e, ev.StateEntered) and e.reason == "start"), None)
    turns, exchanges = _turns(log, flow)
    url_variables = {**flow.variables, **started, **persona}
    entries: dict[str, dict[str, Any]] = {}
    for exchange in exchanges:
        entry = _http_entry(exchange, url_variables)
        entries.setdefault(entry["request"], entry)
    lines = [f"flow: {flow_yaml(flow_ref)}", f"name: {flow_yaml(name)}"]
    if tags:
        lines.append(f"tags: {flow_yaml(list(tags))}")
    if persona:
        lines.append(f"variables: {flow_yaml(persona)}")
    if start and start != flow.start:
        lines.append(f"start: {flow_yaml(start)}")
    if entries and not canned_http:
        lines.append("http: passthrough")
        return "\n".join(lines + turn_lines(turns)) + "\n"
    return "\n".join(lines + http_lines(list(entries.values())) + turn_lines(turns)) + "\n"


def http_lines(entries: list[dict[str, Any]]) -> list[str]:
    """A convo file's `http:` block holding `entries` (canned answers), or nothing for none."""
    if not entries:
        return []
    lines = ["http:"]
    for entry in entries:
        first, *rest = entry.items()
        lines.append(f"  - {first[0]}: {flow_yaml(first[1])}")
        lines += [f"    {key}: {flow_yaml(value)}" for key, value in rest]
    return lines


def turn_lines(turns: list[tuple[str, Any]]) -> list[str]:
    """A convo file's `turns:` block: each (kind, value) as a one-line turn."""
    return ["turns:", *(f"  - {kind}: {flow_yaml(value) if value is not None else 'null'}" for kind, value in turns)]
